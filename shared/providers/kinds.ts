import * as v from 'valibot';
import { validationError } from '#shared/errors.ts';
import { apisixKinds } from '#shared/providers/apisix/kinds.ts';
import { awsKinds } from '#shared/providers/aws/kinds.ts';
import { azureKinds } from '#shared/providers/azure/kinds.ts';
import { gcpKinds } from '#shared/providers/gcp/kinds.ts';
import { vercelKinds } from '#shared/providers/vercel/kinds.ts';
import { isObject } from '#shared/validation.ts';
import type { AnyCredentialKind, CredentialKind, Provider } from './provider.ts';

/**
 * Every provider's credential types: THE list the API accepts. Adding a provider is its folder and one line here;
 * the registries keyed by `CredentialType` (verifiers, resource checks) then do not compile until they have it too.
 */
export const CREDENTIAL_KINDS = {
  AWS: awsKinds,
  GCP: gcpKinds,
  AZURE: azureKinds,
  APISIX: apisixKinds,
  VERCEL: vercelKinds,
} satisfies Record<Provider, Record<string, AnyCredentialKind>>;

type Kinds = typeof CREDENTIAL_KINDS;

/** A credentialType of provider `P` (of any provider when `P` is left out). */
export type CredentialType<P extends Provider = Provider> = { [Q in P]: keyof Kinds[Q] & string }[P];

/** `PROVIDER:TYPE`, every pair the service knows. */
export type KindKey = { [P in Provider]: `${P}:${CredentialType<P>}` }[Provider];

/** The credentialData of one kind, as its schema outputs it. */
export type KindData<P extends Provider, T extends CredentialType<P>> = Kinds[P][T] extends { schema: infer S }
  ? S extends v.GenericSchema
    ? v.InferOutput<S>
    : never
  : never;

/** The kind of `provider` + `credentialType`, or `undefined` for a pair the service does not know. */
export function findKind(provider: Provider, credentialType: string): CredentialKind | undefined {
  const byType: Partial<Record<string, AnyCredentialKind>> = CREDENTIAL_KINDS[provider];
  // A registry entry is a CredentialKind of its own data type; a caller that has no type for the data gets the general one.
  return Object.hasOwn(byType, credentialType) ? (byType[credentialType] as CredentialKind | undefined) : undefined;
}

export function typesOf(provider: Provider): string[] {
  return Object.keys(CREDENTIAL_KINDS[provider]);
}

/** The kind, or 400 VALIDATION_ERROR on `credentialType` naming the types the provider has. */
export function kindOf(provider: Provider, credentialType: string): CredentialKind {
  const kind = findKind(provider, credentialType);
  if (!kind) throw validationError(unknownType(provider));
  return kind;
}

/** The message on `credentialType` for a type `provider` does not have. */
export function unknownType(provider: Provider): { credentialType: string } {
  return { credentialType: `Must be one of: ${typesOf(provider).join(', ')} for provider ${provider}` };
}

/** credentialData as a body holds it: a JSON object with any fields, checked against its kind's schema next. */
export const credentialDataField = v.custom<Record<string, unknown>>(isObject, 'Expected record');
