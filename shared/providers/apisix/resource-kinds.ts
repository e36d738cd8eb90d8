import { matching } from '#shared/providers/fields.ts';
import { defineResourceKind } from '#shared/providers/provider.ts';
import { strictObject } from '#shared/validation.ts';

export const apisixResourceKinds = {
  /** A route of the gateway the credential's Admin API manages; the service restricts who may call it. */
  ROUTE: defineResourceKind({
    provider: 'APISIX',
    resourceType: 'ROUTE',
    identifier: matching(
      /^[\w.-]{1,64}$/,
      'Must be an APISIX route ID: 1 to 64 letters, digits, dots, hyphens or underscores',
    ),
    config: strictObject({}),
  }),
};
