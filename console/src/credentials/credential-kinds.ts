import type { Provider } from '../../../shared/providers/provider.ts';
import type { FieldOptions } from '../ui/field-options.ts';

/** How the form asks for one provider + credentialType's credentialData (contract §2.2). */
export interface KindForm {
  credentialType: string;
  label: string;
  /** `gcp-key-file`: the whole credentialData is the service-account key JSON, pasted or uploaded. */
  input: FieldOptions[] | 'gcp-key-file';
}

export interface ProviderForm {
  provider: Provider;
  /** As people write it: "AWS", "Google Cloud", "Vercel". */
  label: string;
  /** The article said before the label: "an AWS credential", "a Vercel credential". */
  article: 'a' | 'an';
  kinds: KindForm[];
}

const GUID_HELP = 'A GUID such as 00000000-0000-0000-0000-000000000000.';

export const PROVIDER_FORMS: readonly ProviderForm[] = [
  {
    provider: 'AWS',
    label: 'AWS',
    article: 'an',
    kinds: [
      {
        credentialType: 'ACCESS_KEY',
        label: 'Access key',
        input: [
          {
            name: 'accessKeyId',
            label: 'Access key ID',
            placeholder: 'AKIA…',
            help: 'AKIA or ASIA followed by 16 letters or digits.',
          },
          { name: 'secretAccessKey', label: 'Secret access key', secret: true },
        ],
      },
      {
        credentialType: 'ASSUME_ROLE',
        label: 'Assume role',
        input: [{ name: 'roleArn', label: 'Role ARN', placeholder: 'arn:aws:iam::123456789012:role/entryguard' }],
      },
    ],
  },
  {
    provider: 'GCP',
    label: 'Google Cloud',
    article: 'a',
    kinds: [{ credentialType: 'SERVICE_ACCOUNT', label: 'Service account key', input: 'gcp-key-file' }],
  },
  {
    provider: 'AZURE',
    label: 'Azure',
    article: 'an',
    kinds: [
      {
        credentialType: 'SERVICE_PRINCIPAL',
        label: 'Service principal',
        input: [
          {
            name: 'tenantId',
            label: 'Tenant ID',
            help: 'The directory (tenant) ID, or a verified domain of the tenant.',
          },
          { name: 'clientId', label: 'Client ID', help: `The application (client) ID. ${GUID_HELP}` },
          { name: 'clientSecret', label: 'Client secret', secret: true, help: 'The secret’s value, not its ID.' },
          { name: 'subscriptionId', label: 'Subscription ID', help: GUID_HELP },
        ],
      },
    ],
  },
  {
    provider: 'APISIX',
    label: 'APISIX',
    article: 'an',
    kinds: [
      {
        credentialType: 'ADMIN_API_KEY',
        label: 'Admin API key',
        input: [
          { name: 'endpointUrl', label: 'Admin API URL', type: 'url', placeholder: 'https://apisix.example.com:9180' },
          { name: 'adminApiKey', label: 'Admin API key', secret: true },
        ],
      },
    ],
  },
  {
    provider: 'VERCEL',
    label: 'Vercel',
    article: 'a',
    kinds: [
      {
        credentialType: 'API_TOKEN',
        label: 'API token',
        input: [
          { name: 'apiToken', label: 'API token', secret: true },
          { name: 'teamId', label: 'Team ID', required: false, help: 'Only for a token scoped to a team.' },
        ],
      },
    ],
  },
];

export function providerForm(provider: string): ProviderForm | undefined {
  return PROVIDER_FORMS.find((form) => form.provider === provider);
}

export function kindForm(provider: string, credentialType: string): KindForm | undefined {
  return providerForm(provider)?.kinds.find((kind) => kind.credentialType === credentialType);
}

export function providerLabel(provider: string): string {
  return providerForm(provider)?.label ?? provider;
}

/** "an AWS", "a Vercel": for sentences such as "Add an AWS credential first". */
export function withArticle(provider: string): string {
  const form = providerForm(provider);
  return form ? `${form.article} ${form.label}` : `a ${provider}`;
}

export function typeLabel(provider: string, credentialType: string): string {
  return kindForm(provider, credentialType)?.label ?? credentialType;
}
