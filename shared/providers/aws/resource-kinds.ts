import * as z from 'zod/mini';
import { cidr, description, port, transportProtocol } from '../../resources/config-fields.ts';
import { defineResourceKind } from '../../resources/resource-kind.ts';
import { matching } from '../fields.ts';

/** An EC2 security group; `config` is the ingress rule the service manages on it. */
export const securityGroup = defineResourceKind({
  provider: 'AWS',
  resourceType: 'SECURITY_GROUP',
  identifier: matching(/^sg-[0-9a-f]{8,17}$/, 'Must be a security group ID (sg- followed by 8 to 17 hex digits)'),
  region: matching(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'Must be an AWS region code, such as us-east-1'),
  config: z
    .strictObject({
      protocol: transportProtocol,
      fromPort: port,
      toPort: port,
      cidr: z.optional(cidr),
      description: z.optional(description),
    })
    .check(z.refine((rule) => rule.fromPort <= rule.toPort, { error: 'Must not be below fromPort', path: ['toPort'] })),
});

export const awsResourceKinds = [securityGroup];
