import { createCipheriv, randomBytes } from 'node:crypto';
import type { KeyProvider } from '#shared/crypto/key-provider.ts';

/**
 * A secret sealed exactly as the service sealed them before the secret version was bound (format v1): the data key
 * and the GCM additional data bound to `{credentialId, orgId}` only. Written out here, not through the service's
 * code, so a test of "v1 records still open" cannot be fooled by a change to the sealing code.
 */
export async function sealV1(
  keys: KeyProvider,
  secret: unknown,
  context: { orgId: string; credentialId: string },
): Promise<string> {
  const dataKey = await keys.generateDataKey({ orgId: context.orgId, credentialId: context.credentialId });
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', dataKey.plaintext, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(JSON.stringify({ credentialId: context.credentialId, orgId: context.orgId }), 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(secret), 'utf8'), cipher.final()]);
  const parts = [dataKey.encrypted, iv, ciphertext, cipher.getAuthTag()].map((part) =>
    Buffer.from(part).toString('base64url'),
  );
  return ['v1', ...parts].join('.');
}
