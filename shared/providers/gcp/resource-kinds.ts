import * as v from 'valibot';
import { matching } from '#shared/providers/fields.ts';
import { defineResourceKind } from '#shared/providers/provider.ts';
import { description, portRanges, transportProtocol } from '#shared/providers/resource-fields.ts';
import { strictObject } from '#shared/validation.ts';

const NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const NAME_RULE = '1 to 63 lower-case letters, digits or hyphens, starting with a letter';

export const gcpResourceKinds = {
  /** A VPC firewall rule of the credential's project (global, so no region); `config` is what it allows. */
  FIREWALL_RULE: defineResourceKind({
    provider: 'GCP',
    resourceType: 'FIREWALL_RULE',
    identifier: matching(NAME, `Must be a firewall rule name: ${NAME_RULE}`),
    config: strictObject({
      network: v.optional(matching(NAME, `Must be a VPC network name: ${NAME_RULE}`)),
      protocol: transportProtocol,
      ports: portRanges,
      description: v.optional(description),
    }),
  }),
};
