import * as v from 'valibot';
import { text } from '#shared/providers/fields.ts';
import { defineKind } from '#shared/providers/provider.ts';

function isAdminUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
}

export const apisixKinds = {
  ADMIN_API_KEY: defineKind({
    provider: 'APISIX',
    credentialType: 'ADMIN_API_KEY',
    fields: {
      endpointUrl: v.pipe(text(2048), v.check(isAdminUrl, 'Must be an http(s) URL without credentials in it')),
      adminApiKey: text(1024),
    },
    secretFields: ['adminApiKey'],
    hint: (data) => new URL(data.endpointUrl).host,
  }),
};
