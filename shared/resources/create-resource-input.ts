import * as v from 'valibot';
import { displayName } from '#shared/display-name.ts';
import { PROVIDERS, type Provider, type ResourceKind, type ResourceTarget } from '#shared/providers/provider.ts';
import { resourceKindOf } from '#shared/providers/resource-kinds.ts';
import { parseOrThrow, strictObject } from '#shared/validation.ts';
import { credentialIdField, parseTarget } from './resource-input.ts';

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

/** A create body: the envelope, then identifier, region and config against the resource type's own rules. */
export function parseCreateResourceInput(body: unknown): CreateResourceInput {
  const envelope = parseOrThrow(createBody, body);
  const kind = resourceKindOf(envelope.provider, envelope.resourceType);
  const target = parseTarget(kind, {
    resourceIdentifier: envelope.resourceIdentifier,
    region: envelope.region,
    config: envelope.config ?? {},
  });
  return {
    name: envelope.name,
    provider: envelope.provider,
    credentialId: envelope.credentialId.toLowerCase(),
    kind,
    target,
  };
}
