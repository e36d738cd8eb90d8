import * as v from 'valibot';
import { matching } from '#shared/providers/fields.ts';
import { defineResourceKind } from '#shared/providers/provider.ts';
import { description, integer, portRanges, transportProtocol } from '#shared/providers/resource-fields.ts';
import { strictObject } from '#shared/validation.ts';

const NSG_ID =
  /^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/resourceGroups\/[-\w.()]{1,90}\/providers\/Microsoft\.Network\/networkSecurityGroups\/[-\w.]{1,80}$/i;

export const azureResourceKinds = {
  /** A network security group, named by its full Azure resource ID; `config` is the security rule the service manages. */
  NETWORK_SECURITY_GROUP: defineResourceKind({
    provider: 'AZURE',
    resourceType: 'NETWORK_SECURITY_GROUP',
    identifier: matching(
      NSG_ID,
      'Must be the resource ID: /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/networkSecurityGroups/<name>',
    ),
    config: strictObject({
      ruleName: matching(
        /^[A-Za-z0-9]([\w.-]{0,78}\w)?$/,
        'Must be 1 to 80 letters, digits, dots, hyphens or underscores',
      ),
      priority: integer(100, 4096),
      protocol: transportProtocol,
      ports: portRanges,
      description: v.optional(description),
    }),
  }),
};
