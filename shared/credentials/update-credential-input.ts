import * as v from 'valibot';
import { displayName } from '#shared/display-name.ts';
import { type ValidationErrors, validationError } from '#shared/errors.ts';
import { credentialDataField, kindOf } from '#shared/providers/kinds.ts';
import type { CredentialKind, Provider } from '#shared/providers/provider.ts';
import { check, isObject, strictObject, throwIfAny } from '#shared/validation.ts';

const updateBody = strictObject({
  name: v.optional(displayName),
  provider: v.optional(v.string()),
  credentialType: v.optional(v.string()),
  credentialData: v.optional(credentialDataField),
});

export type UpdateCredentialInput = v.InferOutput<typeof updateBody>;

/**
 * A PATCH body as far as it can be checked before the credential is read: the parsed input, or the envelope's
 * errors together with the fields a rotation is checked against the credential's kind with, so one answer can name
 * every field's error.
 */
export type UpdateBody =
  | { input: UpdateCredentialInput; errors?: undefined }
  | {
      input?: undefined;
      errors: ValidationErrors;
      rotation: { provider: unknown; credentialType: unknown; credentialData: Record<string, unknown> };
    };

/**
 * A PATCH body: a new name, new credentialData (a rotation), or both; provider and type may be repeated, not changed.
 * A body whose envelope is wrong is refused here unless it carries credentialData to check as well.
 */
export function parseUpdateInput(body: unknown): UpdateBody {
  const checked = check(updateBody, body);
  if (checked.errors) {
    const raw = isObject(body) ? body : {};
    if (!isObject(raw.credentialData)) throw validationError(checked.errors);
    const rotation = { provider: raw.provider, credentialType: raw.credentialType, credentialData: raw.credentialData };
    return { errors: checked.errors, rotation };
  }
  const input = checked.output;
  if (input.name === undefined && input.credentialData === undefined) {
    throw validationError({ body: 'Give a new name, new credentialData, or both' });
  }
  return { input };
}

/**
 * The new credentialData of a rotation (undefined when the PATCH only renames), validated against the schema of the
 * credential's own provider and type; a provider or type in the body must be the credential's. Every field's error is
 * named at once, the envelope's included.
 */
export function parseRotation(
  current: { provider: Provider; credentialType: string },
  body: UpdateBody,
): { kind: CredentialKind; credentialData: Record<string, unknown> } | undefined {
  const fields = body.input ?? body.rotation;
  const keeps = 'a rotation keeps the provider and type; create a new credential to change them';
  const errors: ValidationErrors = {};
  if (typeof fields.provider === 'string' && fields.provider !== current.provider) {
    errors.provider = `Must stay ${current.provider}: ${keeps}`;
  }
  if (typeof fields.credentialType === 'string' && fields.credentialType !== current.credentialType) {
    errors.credentialType = `Must stay ${current.credentialType}: ${keeps}`;
  }
  const kind = fields.credentialData === undefined ? undefined : kindOf(current.provider, current.credentialType);
  const data = kind && check(kind.schema, fields.credentialData, 'credentialData');
  throwIfAny(body.errors, errors, data?.errors);
  return kind && { kind, credentialData: data!.output as Record<string, unknown> };
}
