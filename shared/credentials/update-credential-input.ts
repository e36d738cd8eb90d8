import * as v from 'valibot';
import { displayName } from '#shared/display-name.ts';
import { validationError } from '#shared/errors.ts';
import { credentialDataField, kindOf } from '#shared/providers/kinds.ts';
import type { CredentialKind, Provider } from '#shared/providers/provider.ts';
import { parseOrThrow, strictObject } from '#shared/validation.ts';

const updateBody = strictObject({
  name: v.optional(displayName),
  provider: v.optional(v.string()),
  credentialType: v.optional(v.string()),
  credentialData: v.optional(credentialDataField),
});

export type UpdateCredentialInput = v.InferOutput<typeof updateBody>;

/** A PATCH body: a new name, new credentialData (a rotation), or both; provider and type may be repeated, not changed. */
export function parseUpdateInput(body: unknown): UpdateCredentialInput {
  const input = parseOrThrow(updateBody, body);
  if (input.name === undefined && input.credentialData === undefined) {
    throw validationError({ body: 'Give a new name, new credentialData, or both' });
  }
  return input;
}

/**
 * The new credentialData of a rotation (undefined when the PATCH only renames), validated against the schema of the
 * credential's own provider and type; a provider or type in the body must be the credential's.
 */
export function parseRotation(
  current: { provider: Provider; credentialType: string },
  input: UpdateCredentialInput,
): { kind: CredentialKind; credentialData: Record<string, unknown> } | undefined {
  const keeps = 'a rotation keeps the provider and type; create a new credential to change them';
  if (input.provider !== undefined && input.provider !== current.provider) {
    throw validationError({ provider: `Must stay ${current.provider}: ${keeps}` });
  }
  if (input.credentialType !== undefined && input.credentialType !== current.credentialType) {
    throw validationError({ credentialType: `Must stay ${current.credentialType}: ${keeps}` });
  }
  if (input.credentialData === undefined) return undefined;
  const kind = kindOf(current.provider, current.credentialType);
  return {
    kind,
    credentialData: parseOrThrow(kind.schema, input.credentialData, 'credentialData') as Record<string, unknown>,
  };
}
