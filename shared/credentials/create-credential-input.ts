import * as v from 'valibot';
import { displayName } from '#shared/display-name.ts';
import type { ValidationErrors } from '#shared/errors.ts';
import { credentialDataField, findKind, unknownType } from '#shared/providers/kinds.ts';
import { type CredentialKind, PROVIDERS, type Provider } from '#shared/providers/provider.ts';
import { check, isObject, strictObject, throwIfAny } from '#shared/validation.ts';

const createBody = strictObject({
  name: displayName,
  provider: v.picklist(PROVIDERS, `Must be one of: ${PROVIDERS.join(', ')}`),
  credentialType: v.string(),
  credentialData: credentialDataField,
});

export interface CreateCredentialInput {
  name: string;
  kind: CredentialKind;
  credentialData: Record<string, unknown>;
}

/**
 * Validates a create body, answering every field's error at once: the envelope's, and credentialData's against its
 * provider's schema whenever the provider and type are known (even when another envelope field is wrong).
 */
export function parseCreateInput(body: unknown): CreateCredentialInput {
  const envelope = check(createBody, body);
  const { kind, errors } = kindOfBody(body, envelope.errors);
  const raw = isObject(body) ? body : {};
  const data =
    kind && isObject(raw.credentialData) ? check(kind.schema, raw.credentialData, 'credentialData') : undefined;
  throwIfAny(envelope.errors, errors, data?.errors);
  // No error in any group: the envelope parsed, and so did credentialData against the kind it names.
  return {
    name: envelope.output!.name,
    kind: kind!,
    credentialData: data!.output as Record<string, unknown>,
  };
}

/** The kind a body names, or the error on `credentialType` when its provider is known and the type is not one of its. */
function kindOfBody(
  body: unknown,
  envelopeErrors: ValidationErrors | undefined,
): { kind?: CredentialKind; errors?: ValidationErrors } {
  if (!isObject(body)) return {};
  const { provider, credentialType } = body;
  if (!PROVIDERS.includes(provider as Provider) || typeof credentialType !== 'string') return {};
  const kind = findKind(provider as Provider, credentialType);
  if (kind) return { kind };
  return envelopeErrors?.credentialType ? {} : { errors: unknownType(provider as Provider) };
}
