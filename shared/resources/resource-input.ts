import * as v from 'valibot';
import { UUID } from '#shared/ids.ts';
import { matching } from '#shared/providers/fields.ts';
import type { ResourceKind, ResourceTarget } from '#shared/providers/provider.ts';
import { type Checked, check, throwIfAny } from '#shared/validation.ts';

// What the create and update bodies (each in a module of its own, so a route loads only its own schema) share.

/** The id of the credential a resource uses, as a body names it. */
export const credentialIdField = matching(UUID, 'Must be a UUID');

/** Identifier, region and config checked together, so one answer names every wrong field. */
export function parseTarget(
  kind: ResourceKind,
  target: { resourceIdentifier: unknown; region: unknown; config: unknown },
): ResourceTarget {
  const checked = checkTarget(kind, target);
  throwIfAny(checked.errors);
  return checked.output!;
}

/** `parseTarget` without throwing, for a caller that names these errors with others (the body's envelope). */
export function checkTarget(
  kind: ResourceKind,
  target: { resourceIdentifier: unknown; region: unknown; config: unknown },
): Checked<ResourceTarget> {
  // The callers build this object with exactly these fields: a strict object, as every body uses, accepts what a loose one would.
  const schema = v.strictObject({
    resourceIdentifier: kind.identifier,
    region: kind.region ?? noRegion(kind),
    config: kind.config,
  });
  const checked = check(schema, { ...target, region: kind.region ? target.region : (target.region ?? null) });
  if (checked.errors) return checked;
  const parsed = checked.output;
  return {
    output: {
      resourceIdentifier: parsed.resourceIdentifier,
      region: typeof parsed.region === 'string' ? parsed.region : null,
      config: parsed.config,
    },
  };
}

function noRegion(kind: ResourceKind) {
  return v.pipe(
    v.unknown(),
    v.check((value) => value === null, `Not used by ${kind.provider} ${kind.resourceType} resources; leave it out`),
  );
}
