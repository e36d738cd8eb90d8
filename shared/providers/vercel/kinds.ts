import * as v from 'valibot';
import { strictObject } from '../../validation.ts';
import { fingerprint, text } from '../fields.ts';
import { defineKind } from '../provider.ts';

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
