import * as z from 'zod/mini';
import { text } from '../fields.ts';
import { defineKind } from '../provider.ts';

function isAdminUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
}

export const adminApiKey = defineKind({
  provider: 'APISIX',
  credentialType: 'ADMIN_API_KEY',
  schema: z.strictObject({
    endpointUrl: text(2048).check(
      z.refine(isAdminUrl, { error: 'Must be an http(s) URL without credentials in it' }),
    ),
    adminApiKey: text(1024),
  }),
  hint: (data) => new URL(data.endpointUrl).host,
});

export const apisixKinds = [adminApiKey];
