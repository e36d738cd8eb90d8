import * as v from 'valibot';
import { displayName } from '#shared/display-name.ts';
import { validationError } from '#shared/errors.ts';
import { parseOrThrow, strictObject } from '#shared/validation.ts';
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

/** A PATCH body: any of name, credentialId (a move), resourceIdentifier, region, config (replaced as a whole). */
export function parseUpdateResourceInput(body: unknown): UpdateResourceInput {
  const input = parseOrThrow(updateBody, body);
  if (Object.keys(input).length === 0) {
    throw validationError({ body: 'Give at least one of: name, credentialId, resourceIdentifier, region, config' });
  }
  return { ...input, ...(input.credentialId !== undefined && { credentialId: input.credentialId.toLowerCase() }) };
}

/** A provider or resource type in a PATCH body may repeat the resource's own, never change it. */
export function checkSameKind(current: { provider: string; resourceType: string }, input: UpdateResourceInput): void {
  const keeps = 'create a new resource to change it';
  if (input.provider !== undefined && input.provider !== current.provider) {
    throw validationError({ provider: `Must stay ${current.provider}: ${keeps}` });
  }
  if (input.resourceType !== undefined && input.resourceType !== current.resourceType) {
    throw validationError({ resourceType: `Must stay ${current.resourceType}: ${keeps}` });
  }
}
