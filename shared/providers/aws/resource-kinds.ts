import * as v from 'valibot';
import { matching } from '#shared/providers/fields.ts';
import { defineResourceKind } from '#shared/providers/provider.ts';
import { cidr, description, port, transportProtocol } from '#shared/providers/resource-fields.ts';
import { crossCheck, strictObject } from '#shared/validation.ts';

export const awsResourceKinds = {
  /** An EC2 security group; `config` is the ingress rule the service manages on it. */
  SECURITY_GROUP: defineResourceKind({
    provider: 'AWS',
    resourceType: 'SECURITY_GROUP',
    identifier: matching(/^sg-[0-9a-f]{8,17}$/, 'Must be a security group ID (sg- followed by 8 to 17 hex digits)'),
    region: matching(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'Must be an AWS region code, such as us-east-1'),
    config: v.pipe(
      strictObject({
        protocol: transportProtocol,
        fromPort: port,
        toPort: port,
        cidr: v.optional(cidr),
        description: v.optional(description),
      }),
      crossCheck('toPort', (rule) => rule.fromPort <= rule.toPort, 'Must not be below fromPort'),
    ),
  }),
};
