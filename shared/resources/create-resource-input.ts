import * as v from 'valibot';
import { displayName } from '#shared/display-name.ts';
import type { ValidationErrors } from '#shared/errors.ts';
import { PROVIDERS, type Provider, type ResourceKind, type ResourceTarget } from '#shared/providers/provider.ts';
import { findResourceKind, unknownResourceType } from '#shared/providers/resource-kinds.ts';
import { check, isObject, strictObject, throwIfAny } from '#shared/validation.ts';
import { checkTarget, credentialIdField } from './resource-input.ts';

const createBody = strictObject({
  name: displayName,
  provider: v.picklist(PROVIDERS, `Must be one of: ${PROVIDERS.join(', ')}`),
  credentialId: credentialIdField,
  resourceType: v.string(),
  resourceIdentifier: v.unknown(),
  region: v.optional(v.unknown()),
  config: v.optional(v.unknown()),
});

export interface CreateResourceInput {
  name: string;
  provider: Provider;
  credentialId: string;
  kind: ResourceKind;
  target: ResourceTarget;
}

/**
 * A create body, answering every field's error at once: the envelope's, and identifier, region and config against
 * the resource type's own rules whenever the provider and type are known (even when another envelope field is wrong).
 */
export function parseCreateResourceInput(body: unknown): CreateResourceInput {
  const envelope = check(createBody, body);
  const raw = isObject(body) ? body : {};
  const { kind, errors } = kindOfBody(raw, envelope.errors);
  const target =
    kind &&
    checkTarget(kind, { resourceIdentifier: raw.resourceIdentifier, region: raw.region, config: raw.config ?? {} });
  throwIfAny(envelope.errors, errors, target?.errors);
  // No error in any group: the envelope parsed, and so did the target against the kind it names.
  const input = envelope.output!;
  return {
    name: input.name,
    provider: input.provider,
    credentialId: input.credentialId.toLowerCase(),
    kind: kind!,
    target: target!.output!,
  };
}

/** The kind a body names, or the error on `resourceType` when its provider is known and the type is not one of its. */
function kindOfBody(
  body: Record<string, unknown>,
  envelopeErrors: ValidationErrors | undefined,
): { kind?: ResourceKind; errors?: ValidationErrors } {
  const { provider, resourceType } = body;
  if (!PROVIDERS.includes(provider as Provider) || typeof resourceType !== 'string') return {};
  const kind = findResourceKind(provider as Provider, resourceType);
  if (kind) return { kind };
  return envelopeErrors?.resourceType ? {} : { errors: unknownResourceType(provider as Provider) };
}
