import { apisixKinds } from '#shared/providers/apisix/kinds.ts';
import { awsKinds } from '#shared/providers/aws/kinds.ts';
import { azureKinds } from '#shared/providers/azure/kinds.ts';
import { gcpKinds } from '#shared/providers/gcp/kinds.ts';
import { vercelKinds } from '#shared/providers/vercel/kinds.ts';
import type { CredentialKind, Provider } from './provider.ts';

/** Every provider + credentialType the service accepts. Adding a provider: a folder and one line here. */
const kinds: readonly CredentialKind<any>[] = [...awsKinds, ...gcpKinds, ...azureKinds, ...apisixKinds, ...vercelKinds];

export function findKind(provider: string, credentialType: string): CredentialKind | undefined {
  return kinds.find((kind) => kind.provider === provider && kind.credentialType === credentialType);
}

export function typesOf(provider: Provider): string[] {
  return kinds.filter((kind) => kind.provider === provider).map((kind) => kind.credentialType);
}
