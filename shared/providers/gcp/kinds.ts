import * as v from 'valibot';
import { matching, text } from '#shared/providers/fields.ts';
import { defineKind } from '#shared/providers/provider.ts';
import { isRsaSigningKey, RSA_KEY_BITS } from './signed-assertion.ts';

const PKCS8_PEM = /^\s*-{5}BEGIN PRIVATE KEY-{5}[A-Za-z0-9+/=\s]+-{5}END PRIVATE KEY-{5}\s*$/;

export const gcpKinds = {
  SERVICE_ACCOUNT: defineKind({
    provider: 'GCP',
    credentialType: 'SERVICE_ACCOUNT',
    fields: {
      type: v.literal('service_account', 'Must be "service_account"'),
      project_id: text(128),
      private_key_id: text(128),
      private_key: v.pipe(
        matching(PKCS8_PEM, 'Must be a PEM PKCS#8 private key (BEGIN PRIVATE KEY block)'),
        v.maxLength(16384, 'Must be at most 16384 characters'),
        // Parsed with node:crypto (cheap at any size): an RSA key of 2048–4096 bits, so no check ever signs with more.
        v.check(
          (pem) => !PKCS8_PEM.test(pem) || pem.length > 16384 || isRsaSigningKey(pem),
          `Must be an RSA private key of ${RSA_KEY_BITS.min} to ${RSA_KEY_BITS.max} bits`,
        ),
      ),
      client_email: matching(
        /^[^\s@\p{Cc}]{1,128}@[^\s@\p{Cc}]{1,256}$/u,
        'Must be the service account e-mail address',
      ),
      client_id: v.optional(text(128)),
      auth_uri: v.optional(text(512)),
      token_uri: v.optional(text(512)),
      auth_provider_x509_cert_url: v.optional(text(512)),
      client_x509_cert_url: v.optional(text(1024)),
      universe_domain: v.optional(text(256)),
    },
    secretFields: ['private_key'],
    hint: (data) => data.client_email,
  }),
};
