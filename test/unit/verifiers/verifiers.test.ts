import { describe, expect, it } from 'vitest';
import { verifyAdminApiKey } from '#shared/providers/apisix/verifiers.ts';
import { verifyAccessKey, verifyRole } from '#shared/providers/aws/verifiers.ts';
import { verifyServicePrincipal } from '#shared/providers/azure/verifiers.ts';
import { verifyServiceAccount } from '#shared/providers/gcp/verifiers.ts';
import { verifyApiToken } from '#shared/providers/vercel/verifiers.ts';
import { verifierOf } from '#shared/providers/verifiers.ts';

describe('verifierOf', () => {
  it.each([
    ['AWS', 'ACCESS_KEY', verifyAccessKey],
    ['GCP', 'SERVICE_ACCOUNT', verifyServiceAccount],
    ['AZURE', 'SERVICE_PRINCIPAL', verifyServicePrincipal],
    ['APISIX', 'ADMIN_API_KEY', verifyAdminApiKey],
    ['VERCEL', 'API_TOKEN', verifyApiToken],
  ])('finds the %s %s verifier', (provider, type, verifier) => {
    expect(verifierOf(provider, type)).toBe(verifier);
  });

  it('finds the AWS ASSUME_ROLE verifier (the external ID comes with the subject)', () => {
    expect(verifierOf('AWS', 'ASSUME_ROLE')).toBe(verifyRole);
  });

  it.each([
    ['AWS', 'SERVICE_ACCOUNT'],
    ['NOPE', 'ACCESS_KEY'],
    ['constructor', ''],
  ])('has none for %s %s', (provider, type) => {
    expect(verifierOf(provider, type)).toBeUndefined();
  });
});
