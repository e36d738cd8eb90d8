import { generateKeyPairSync } from 'node:crypto';
import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { rsaSigningKey, signedAssertion } from '#shared/providers/gcp/signed-assertion.ts';
import { rsaKeyOfSize } from '../../helpers/credential-fixtures.ts';

function rsaPem(modulusLength: number, type: 'pkcs8' | 'pkcs1' = 'pkcs8') {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength });
  return { pem: privateKey.export({ type, format: 'pem' }) as string, publicKey };
}

const claims = {
  iss: 'sa@p.iam.gserviceaccount.com',
  sub: 'sa@p.iam.gserviceaccount.com',
  aud: 'https://oauth2.example/token',
  scope: 'cloud',
};

describe('signedAssertion', () => {
  it('is an RS256 JWT that verifies with the public key, names the key and lives one hour', async () => {
    const { pem, publicKey } = rsaPem(2048);
    const now = new Date();
    const jwt = signedAssertion(rsaSigningKey(pem), 'key-1', claims, now);

    const { payload, protectedHeader } = await jwtVerify(jwt, publicKey, {
      algorithms: ['RS256'],
      audience: claims.aud,
    });
    expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'key-1' });
    expect(payload).toEqual({
      ...claims,
      iat: Math.floor(now.getTime() / 1000),
      exp: Math.floor(now.getTime() / 1000) + 3600,
    });
  });

  it('does not verify with another key', async () => {
    const jwt = signedAssertion(rsaSigningKey(rsaPem(2048).pem), 'key-1', claims);
    await expect(jwtVerify(jwt, rsaPem(2048).publicKey)).rejects.toThrow();
  });
});

describe('rsaSigningKey', () => {
  it.each([
    ['a PKCS#1 PEM', () => rsaPem(2048, 'pkcs1').pem],
    ['an RSA key under 2048 bits', () => rsaPem(1024).pem],
    ['an RSA key over 4096 bits (stored before keys were bounded: never signed with)', () => rsaKeyOfSize(16384)],
    [
      'an EC key',
      () =>
        generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
          type: 'pkcs8',
          format: 'pem',
        }) as string,
    ],
    ['a PEM with a broken body', () => rsaPem(2048).pem.replace(/[A-Za-z]{20}/, 'A')],
  ])('refuses %s', (_, pem) => {
    expect(() => rsaSigningKey(pem())).toThrow();
  });
});
