import * as v from 'valibot';
import { displayName } from '#shared/display-name.ts';
import { type ValidationErrors, validationError } from '#shared/errors.ts';
import { check, isObject, parseOrThrow, strictObject } from '#shared/validation.ts';
import { credentialIdField } from './resource-input.ts';

const updateBody = strictObject({
  name: v.optional(displayName),
  credentialId: v.optional(credentialIdField),
  resourceIdentifier: v.optional(v.unknown()),
  region: v.optional(v.unknown()),
  config: v.optional(v.unknown()),
  provider: v.optional(v.string()),
  resourceType: v.optional(v.string()),
});

export type UpdateResourceInput = v.InferOutput<typeof updateBody>;

/** The fields of a PATCH body checked against the resource as it is: its kind, and its target's rules. */
const AGAINST_RESOURCE = ['provider', 'resourceType', 'resourceIdentifier', 'region', 'config'] as const;

/** A PATCH body: any of name, credentialId (a move), resourceIdentifier, region, config (replaced as a whole). */
export function parseUpdateResourceInput(body: unknown): UpdateResourceInput {
  return completeInput(parseOrThrow(updateBody, body));
}

function completeInput(input: UpdateResourceInput): UpdateResourceInput {
  if (Object.keys(input).length === 0) {
    throw validationError({ body: 'Give at least one of: name, credentialId, resourceIdentifier, region, config' });
  }
  return { ...input, ...(input.credentialId !== undefined && { credentialId: input.credentialId.toLowerCase() }) };
}

/**
 * A PATCH body as far as it can be checked before the resource is read: the parsed input, or the envelope's errors
 * with the fields to check against the resource as well, so one answer can name every field's error. A body whose
 * envelope is wrong is refused here unless it carries such a field.
 */
export type UpdateResourceBody =
  | { input: UpdateResourceInput; errors?: undefined }
  | {
      input?: undefined;
      errors: ValidationErrors;
      fields: Partial<Record<(typeof AGAINST_RESOURCE)[number], unknown>>;
    };

export function parseUpdateResourceBody(body: unknown): UpdateResourceBody {
  const checked = check(updateBody, body);
  if (!checked.errors) return { input: completeInput(checked.output) };
  const raw = isObject(body) ? body : {};
  const fields = Object.fromEntries(
    AGAINST_RESOURCE.filter((key) => Object.hasOwn(raw, key)).map((key) => [key, raw[key]]),
  );
  if (Object.keys(fields).length === 0) throw validationError(checked.errors);
  return { errors: checked.errors, fields };
}

/** A provider or resource type in a PATCH body may repeat the resource's own, never change it: the errors if not. */
export function sameKindErrors(
  current: { provider: string; resourceType: string },
  fields: { provider?: unknown; resourceType?: unknown },
): ValidationErrors {
  const keeps = 'create a new resource to change it';
  const errors: ValidationErrors = {};
  if (typeof fields.provider === 'string' && fields.provider !== current.provider) {
    errors.provider = `Must stay ${current.provider}: ${keeps}`;
  }
  if (typeof fields.resourceType === 'string' && fields.resourceType !== current.resourceType) {
    errors.resourceType = `Must stay ${current.resourceType}: ${keeps}`;
  }
  return errors;
}
