import * as z from 'zod/mini';
import { fingerprint, text } from '../fields.ts';
import { defineKind } from '../provider.ts';

export const apiToken = defineKind({
  provider: 'VERCEL',
  credentialType: 'API_TOKEN',
  schema: z.strictObject({
    apiToken: text(1024),
    teamId: z.optional(text(128)),
  }),
  hint: (data) => (data.teamId ? `${fingerprint(data.apiToken)} · team ${data.teamId}` : fingerprint(data.apiToken)),
});

export const vercelKinds = [apiToken];
