import type { CredentialView } from '../../../shared/credentials/model.ts';
import type { Provider } from '../../../shared/providers/provider.ts';
import type { ApiRequest } from './api-client.ts';

export type Credential = CredentialView;
export type CredentialData = Record<string, unknown>;

export interface NewCredential {
  name: string;
  provider: Provider;
  credentialType: string;
  credentialData: CredentialData;
}

export interface AwsRoleSetup {
  externalId: string;
  principalArn: string;
  trustPolicy: unknown;
}

/** The credential endpoints of the contract (§3). */
export function credentialsApi(request: ApiRequest) {
  const one = (id: string) => `/credentials/${encodeURIComponent(id)}`;
  return {
    list: () => request<Credential[]>('GET', '/credentials'),
    create: (input: NewCredential) => request<Credential>('POST', '/credentials', input),
    checkAgain: (id: string) => request<Credential>('POST', `${one(id)}/verify`),
    rotate: (id: string, credentialData: CredentialData) => request<Credential>('PATCH', one(id), { credentialData }),
    remove: (id: string) => request<void>('DELETE', one(id)),
    awsRoleSetup: () => request<AwsRoleSetup>('GET', '/credentials/aws-role-setup'),
  };
}

export type CredentialsApi = ReturnType<typeof credentialsApi>;
