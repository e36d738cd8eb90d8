import type * as v from 'valibot';
import type { Provider } from '#shared/providers/provider.ts';

/**
 * One provider + resourceType pair: what `resourceIdentifier` names, whether it lives in a `region`, and the
 * shape of its `config` (what the service opens on it: protocol and ports).
 */
export interface ResourceKind<TConfig = Record<string, unknown>> {
  provider: Provider;
  resourceType: string;
  identifier: v.GenericSchema<unknown, string>;
  /** The region schema of a regional resource (required); absent when the resource has no region. */
  region?: v.GenericSchema<unknown, string>;
  config: v.GenericSchema<unknown, TConfig>;
}

export function defineResourceKind<TConfig>(kind: ResourceKind<TConfig>): ResourceKind<TConfig> {
  return kind;
}
