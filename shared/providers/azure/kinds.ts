import { UUID } from '#shared/ids.ts';
import { abbreviate, matching, text } from '#shared/providers/fields.ts';
import { defineKind } from '#shared/providers/provider.ts';

const TENANT =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})$/i;

export const azureKinds = {
  SERVICE_PRINCIPAL: defineKind({
    provider: 'AZURE',
    credentialType: 'SERVICE_PRINCIPAL',
    fields: {
      tenantId: matching(TENANT, 'Must be a tenant UUID or verified domain'),
      clientId: matching(UUID, 'Must be a UUID'),
      clientSecret: text(1024),
      subscriptionId: matching(UUID, 'Must be a UUID'),
    },
    secretFields: ['clientSecret'],
    hint: (data) => `client ${abbreviate(data.clientId, 8, 4)} · tenant ${abbreviate(data.tenantId, 8, 4)}`,
  }),
};
