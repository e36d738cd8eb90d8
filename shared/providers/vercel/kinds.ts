import * as v from 'valibot';
import { fingerprint, text } from '#shared/providers/fields.ts';
import { defineKind } from '#shared/providers/provider.ts';
import { strictObject } from '#shared/validation.ts';

export const apiToken = defineKind({
  provider: 'VERCEL',
  credentialType: 'API_TOKEN',
  schema: strictObject({
    apiToken: text(1024),
    teamId: v.optional(text(128)),
  }),
  hint: (data) => (data.teamId ? `${fingerprint(data.apiToken)} · team ${data.teamId}` : fingerprint(data.apiToken)),
});

export const vercelKinds = [apiToken];
