import type { CredentialView } from '../../../shared/credentials/model.ts';
import type { Provider } from '../../../shared/providers/provider.ts';
import type { ApiRequest } from './api-client.ts';

/**
 * A credential as the API answers it (contract §2.1). The fields of §6.2 and of the unreachable-check work are
 * optional here: the page renders each one only when the API answers it.
 */
export type Credential = CredentialView & {
  /** A re-check that could not reach the provider; the status stays what it was. */
  lastCheckFailure?: { at: string; message: string } | null;
  /** How many of its resources last failed a check or lack a permission. */
  resourcesNeedingAttention?: number;
};
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

/** `GET /credentials/{id}/required-policy` (contract §6.3). */
export interface RequiredPolicy {
  credentialId: string;
  provider: Provider;
  includedResources: {
    id: string;
    name: string;
    resourceType: string;
    resourceIdentifier: string;
    region: string | null;
  }[];
  policy: unknown;
  note?: string;
  /** GCP: the gcloud command that creates the custom role. */
  command?: string;
}

/** The credential endpoints of the contract (§3, §6.3). */
export function credentialsApi(request: ApiRequest) {
  const one = (id: string) => `/credentials/${encodeURIComponent(id)}`;
  return {
    list: () => request<Credential[]>('GET', '/credentials'),
    create: (input: NewCredential) => request<Credential>('POST', '/credentials', input),
    checkAgain: (id: string) => request<Credential>('POST', `${one(id)}/verify`),
    rotate: (id: string, credentialData: CredentialData) => request<Credential>('PATCH', one(id), { credentialData }),
    remove: (id: string) => request<void>('DELETE', one(id)),
    awsRoleSetup: () => request<AwsRoleSetup>('GET', '/credentials/aws-role-setup'),
    requiredPolicy: (id: string) => request<RequiredPolicy>('GET', `${one(id)}/required-policy`),
  };
}

export type CredentialsApi = ReturnType<typeof credentialsApi>;
