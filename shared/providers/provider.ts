import type * as v from 'valibot';
import { strictObject } from '#shared/validation.ts';

export const PROVIDERS = ['AWS', 'GCP', 'AZURE', 'APISIX', 'VERCEL'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** One provider + credentialType: how its credentialData is validated, which of it is secret, how it is hinted at. */
export interface CredentialKind<TData extends Record<string, unknown> = Record<string, unknown>> {
  provider: Provider;
  credentialType: string;
  /** Every credentialData field, by name; `schema` is the strict object of exactly these. */
  fields: v.ObjectEntries;
  schema: v.GenericSchema<unknown, TData>;
  /** Fields whose values are secret: redacted in logs, scrubbed in every form from what providers answer. */
  secretFields: readonly (keyof TData & string)[];
  /** A short reminder of which key this is, built only from non-secret parts. */
  hint(data: TData): string;
}

/** A credential kind whatever its data: what a registry holds (its data type is read back through the registry's type). */
export interface AnyCredentialKind {
  provider: Provider;
  credentialType: string;
  fields: v.ObjectEntries;
  schema: v.GenericSchema;
  secretFields: readonly string[];
  hint(data: never): string;
}

/** A kind whose schema is the strict object of `fields`, so the field names can be read without parsing anything. */
export function defineKind<const TFields extends v.ObjectEntries>(kind: {
  provider: Provider;
  credentialType: string;
  fields: TFields;
  secretFields: readonly (keyof TFields & string)[];
  hint(data: v.InferOutput<v.StrictObjectSchema<TFields, undefined>>): string;
}) {
  return { ...kind, schema: strictObject(kind.fields) };
}

/** What a resource check looks at: the resource's identifier, region and config. */
export interface ResourceTarget {
  resourceIdentifier: string;
  region: string | null;
  config: Record<string, unknown>;
}

/**
 * One provider + resourceType: what `resourceIdentifier` names, whether it lives in a `region`, and the shape of its
 * `config` (what the service opens on it: protocol and ports).
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

/** One permission EntryGuard uses on a resource, as the check found it. */
export interface PermissionFinding {
  /** As the provider names it: `ec2:RevokeSecurityGroupIngress`, `compute.firewalls.update`, … */
  permission: string;
  /** `null`: it cannot be probed without changing something, so it was not (never guessed). */
  granted: boolean | null;
  /** Why not, actionable (which permission, on what, where to add it); scrubbed. `null` when granted. */
  detail: string | null;
}
