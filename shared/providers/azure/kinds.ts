import { abbreviate, GUID, matching, text } from '#shared/providers/fields.ts';
import { defineKind } from '#shared/providers/provider.ts';
import { strictObject } from '#shared/validation.ts';

const TENANT =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})$/i;

export const servicePrincipal = defineKind({
  provider: 'AZURE',
  credentialType: 'SERVICE_PRINCIPAL',
  schema: strictObject({
    tenantId: matching(TENANT, 'Must be a tenant GUID or verified domain'),
    clientId: matching(GUID, 'Must be a GUID'),
    clientSecret: text(1024),
    subscriptionId: matching(GUID, 'Must be a GUID'),
  }),
  hint: (data) => `client ${abbreviate(data.clientId, 8, 4)} · tenant ${abbreviate(data.tenantId, 8, 4)}`,
});

export const azureKinds = [servicePrincipal];
