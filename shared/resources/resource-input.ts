import * as v from 'valibot';
import { displayName } from '../display-name.ts';
import { validationError } from '../errors.ts';
import { GUID, matching } from '../providers/fields.ts';
import { PROVIDERS, type Provider } from '../providers/provider.ts';
import { parseOrThrow, strictObject } from '../validation.ts';
import type { ResourceKind } from './resource-kind.ts';
import { findResourceKind, resourceTypesOf } from './resource-kinds.ts';
import type { ResourceTarget } from './model.ts';

const uuid = matching(GUID, 'Must be a UUID');

const createBody = strictObject({
  name: displayName,
  provider: v.picklist(PROVIDERS, `Must be one of: ${PROVIDERS.join(', ')}`),
  credentialId: uuid,
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

/** A create body: the envelope, then identifier, region and config against the resource type's own rules. */
export function parseCreateResourceInput(body: unknown): CreateResourceInput {
  const envelope = parseOrThrow(createBody, body);
  const kind = resourceKindOf(envelope.provider, envelope.resourceType);
  const target = parseTarget(kind, {
    resourceIdentifier: envelope.resourceIdentifier,
    region: envelope.region,
    config: envelope.config ?? {},
  });
  return { name: envelope.name, provider: envelope.provider, credentialId: envelope.credentialId.toLowerCase(), kind, target };
}

const updateBody = strictObject({
  name: v.optional(displayName),
  credentialId: v.optional(uuid),
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

export function resourceKindOf(provider: Provider, resourceType: string): ResourceKind {
  const kind = findResourceKind(provider, resourceType);
  if (!kind) {
    throw validationError({ resourceType: `Must be one of: ${resourceTypesOf(provider).join(', ')} for provider ${provider}` });
  }
  return kind;
}

/** Identifier, region and config checked together, so one answer names every wrong field. */
export function parseTarget(kind: ResourceKind, target: { resourceIdentifier: unknown; region: unknown; config: unknown }): ResourceTarget {
  const schema = v.object({
    resourceIdentifier: kind.identifier,
    region: kind.region ?? noRegion(kind),
    config: kind.config,
  });
  const parsed = parseOrThrow(schema, { ...target, region: kind.region ? target.region : (target.region ?? null) });
  return {
    resourceIdentifier: parsed.resourceIdentifier,
    region: typeof parsed.region === 'string' ? parsed.region : null,
    config: parsed.config,
  };
}

function noRegion(kind: ResourceKind) {
  return v.pipe(
    v.unknown(),
    v.check((value) => value === null, `Not used by ${kind.provider} ${kind.resourceType} resources; leave it out`),
  );
}
