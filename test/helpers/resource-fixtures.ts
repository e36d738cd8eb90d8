import { randomBytes } from 'node:crypto';
import { newSecurityGroupId } from './doubles/ec2-double.ts';

/** A create body for an AWS security group resource (an SSH ingress rule). */
export function securityGroupResource(name: string, credentialId: string, overrides: Record<string, unknown> = {}) {
  return {
    name,
    provider: 'AWS',
    credentialId,
    resourceType: 'SECURITY_GROUP',
    resourceIdentifier: newSecurityGroupId(),
    region: 'us-east-1',
    config: { protocol: 'tcp', fromPort: 22, toPort: 22 },
    ...overrides,
  };
}

/** A create body for a Vercel project whose allow-list lives in the firewall rule `config.firewallRuleId`. */
export function vercelProjectResource(name: string, credentialId: string, overrides: Record<string, unknown> = {}) {
  return {
    name,
    provider: 'VERCEL',
    credentialId,
    resourceType: 'PROJECT',
    resourceIdentifier: `prj_${randomBytes(8).toString('hex')}`,
    config: { firewallRuleId: `rule_${randomBytes(6).toString('hex')}` },
    ...overrides,
  };
}
