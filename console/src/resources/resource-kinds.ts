import type { Provider } from '../../../shared/providers/provider.ts';
import type { FieldOptions } from '../ui/field-options.ts';

/** How one `config` field is read from its control: text, a whole number, a list of ports, or a protocol choice. */
export interface ConfigField extends FieldOptions {
  value: 'text' | 'integer' | 'ports' | 'protocol';
}

/** How the form asks for one provider + resourceType (contract §3 Resources, §6.1). */
export interface ResourceKindForm {
  provider: Provider;
  resourceType: string;
  label: string;
  identifier: FieldOptions;
  /** `null`: the type has no region (the API refuses one). */
  region: FieldOptions | null;
  config: ConfigField[];
}

const PROTOCOL: ConfigField = { name: 'protocol', label: 'Protocol', value: 'protocol' };
const PORTS: ConfigField = {
  name: 'ports',
  label: 'Ports',
  value: 'ports',
  placeholder: '22, 8000-8080',
  help: 'Ports or ranges, separated by commas.',
};
const DESCRIPTION: ConfigField = { name: 'description', label: 'Description', value: 'text', required: false };

export const RESOURCE_FORMS: readonly ResourceKindForm[] = [
  {
    provider: 'AWS',
    resourceType: 'SECURITY_GROUP',
    label: 'Security group',
    identifier: { name: 'resourceIdentifier', label: 'Security group ID', placeholder: 'sg-0abc123def456' },
    region: { name: 'region', label: 'Region', placeholder: 'us-east-1' },
    config: [
      PROTOCOL,
      { name: 'fromPort', label: 'From port', value: 'integer' },
      { name: 'toPort', label: 'To port', value: 'integer' },
      {
        name: 'cidr',
        label: 'Allowed network',
        value: 'text',
        required: false,
        placeholder: '203.0.113.0/24',
        help: 'IPv4 or IPv6 CIDR notation.',
      },
      DESCRIPTION,
    ],
  },
  {
    provider: 'GCP',
    resourceType: 'FIREWALL_RULE',
    label: 'Firewall rule',
    identifier: { name: 'resourceIdentifier', label: 'Firewall rule name', placeholder: 'allow-ssh' },
    region: null,
    config: [
      { name: 'network', label: 'VPC network', value: 'text', required: false, placeholder: 'default' },
      PROTOCOL,
      PORTS,
      DESCRIPTION,
    ],
  },
  {
    provider: 'AZURE',
    resourceType: 'NETWORK_SECURITY_GROUP',
    label: 'Network security group',
    identifier: {
      name: 'resourceIdentifier',
      label: 'Resource ID',
      placeholder: '/subscriptions/…/resourceGroups/…/providers/Microsoft.Network/networkSecurityGroups/…',
    },
    region: null,
    config: [
      { name: 'ruleName', label: 'Security rule name', value: 'text', placeholder: 'entryguard-allow' },
      { name: 'priority', label: 'Priority', value: 'integer', help: 'From 100 to 4096; lower runs first.' },
      PROTOCOL,
      PORTS,
      DESCRIPTION,
    ],
  },
  {
    provider: 'APISIX',
    resourceType: 'ROUTE',
    label: 'Route',
    identifier: { name: 'resourceIdentifier', label: 'Route ID' },
    region: null,
    config: [],
  },
  {
    provider: 'VERCEL',
    resourceType: 'PROJECT',
    label: 'Project',
    identifier: { name: 'resourceIdentifier', label: 'Project ID or name', placeholder: 'prj_… or my-app' },
    region: null,
    config: [
      {
        name: 'firewallRuleId',
        label: 'Firewall rule ID',
        value: 'text',
        help: 'The rule of the project’s firewall that EntryGuard keeps its allow-list in.',
      },
    ],
  },
];

export function resourceForms(provider: string): ResourceKindForm[] {
  return RESOURCE_FORMS.filter((form) => form.provider === provider);
}

export function resourceForm(provider: string, resourceType: string): ResourceKindForm | undefined {
  return RESOURCE_FORMS.find((form) => form.provider === provider && form.resourceType === resourceType);
}

export function resourceTypeLabel(provider: string, resourceType: string): string {
  return resourceForm(provider, resourceType)?.label ?? resourceType;
}
