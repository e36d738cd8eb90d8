import * as v from 'valibot';
import { fingerprint, text } from '#shared/providers/fields.ts';
import { defineKind } from '#shared/providers/provider.ts';

export const vercelKinds = {
  API_TOKEN: defineKind({
    provider: 'VERCEL',
    credentialType: 'API_TOKEN',
    fields: {
      apiToken: text(1024),
      teamId: v.optional(text(128)),
    },
    secretFields: ['apiToken'],
    hint: (data) => (data.teamId ? `${fingerprint(data.apiToken)} · team ${data.teamId}` : fingerprint(data.apiToken)),
  }),
};
