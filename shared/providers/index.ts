import { apisixKinds } from './apisix/kinds.ts';
import { awsKinds } from './aws/kinds.ts';
import { azureKinds } from './azure/kinds.ts';
import { gcpKinds } from './gcp/kinds.ts';
import type { CredentialKind, Provider } from './provider.ts';
import { vercelKinds } from './vercel/kinds.ts';

/** Every provider + credentialType the service accepts. Adding a provider: a folder and one line here. */
const kinds: readonly CredentialKind<any>[] = [...awsKinds, ...gcpKinds, ...azureKinds, ...apisixKinds, ...vercelKinds];

export function findKind(provider: string, credentialType: string): CredentialKind | undefined {
  return kinds.find((kind) => kind.provider === provider && kind.credentialType === credentialType);
}

export function typesOf(provider: Provider): string[] {
  return kinds.filter((kind) => kind.provider === provider).map((kind) => kind.credentialType);
}
