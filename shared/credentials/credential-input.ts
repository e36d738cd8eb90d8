import * as z from 'zod/mini';
import { validationError } from '../errors.ts';
import { findKind, typesOf } from '../providers/index.ts';
import { PROVIDERS, type CredentialKind, type Provider } from '../providers/provider.ts';
import { parseOrThrow } from '../validation.ts';
import type { VerificationStatus } from './model.ts';

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** A credential's or resource's name: 1–128 characters after trimming, no control characters. */
export const displayName = z.string().check(
  z.trim(),
  z.minLength(1, { error: 'Must be 1 to 128 characters' }),
  z.maxLength(128, { error: 'Must be 1 to 128 characters' }),
  z.refine((value) => !CONTROL_CHARACTERS.test(value), { error: 'Must not contain control characters' }),
);

const createBody = z.strictObject({
  name: displayName,
  provider: z.enum(PROVIDERS, { error: `Must be one of: ${PROVIDERS.join(', ')}` }),
  credentialType: z.string(),
  credentialData: z.record(z.string(), z.unknown()),
});

export interface CreateCredentialInput {
  name: string;
  kind: CredentialKind;
  credentialData: Record<string, unknown>;
}

/** Validates a create body: the envelope first, then credentialData against its provider's schema. */
export function parseCreateInput(body: unknown): CreateCredentialInput {
  const envelope = parseOrThrow(createBody, body);
  const kind = kindOf(envelope.provider, envelope.credentialType);
  const credentialData = parseOrThrow(kind.schema, envelope.credentialData, 'credentialData') as Record<string, unknown>;
  return { name: envelope.name, kind, credentialData };
}

const updateBody = z.strictObject({
  name: z.optional(displayName),
  provider: z.optional(z.string()),
  credentialType: z.optional(z.string()),
  credentialData: z.optional(z.record(z.string(), z.unknown())),
});

export type UpdateCredentialInput = z.infer<typeof updateBody>;

/** A PATCH body: a new name, new credentialData (a rotation), or both; provider and type may be repeated, not changed. */
export function parseUpdateInput(body: unknown): UpdateCredentialInput {
  const input = parseOrThrow(updateBody, body);
  if (input.name === undefined && input.credentialData === undefined) {
    throw validationError({ body: 'Give a new name, new credentialData, or both' });
  }
  return input;
}

/**
 * The new credentialData of a rotation (undefined when the PATCH only renames), validated against the schema of the
 * credential's own provider and type; a provider or type in the body must be the credential's.
 */
export function parseRotation(
  current: { provider: Provider; credentialType: string },
  input: UpdateCredentialInput,
): { kind: CredentialKind; credentialData: Record<string, unknown> } | undefined {
  const keeps = 'a rotation keeps the provider and type; create a new credential to change them';
  if (input.provider !== undefined && input.provider !== current.provider) {
    throw validationError({ provider: `Must stay ${current.provider}: ${keeps}` });
  }
  if (input.credentialType !== undefined && input.credentialType !== current.credentialType) {
    throw validationError({ credentialType: `Must stay ${current.credentialType}: ${keeps}` });
  }
  if (input.credentialData === undefined) return undefined;
  const kind = kindOf(current.provider, current.credentialType);
  return { kind, credentialData: parseOrThrow(kind.schema, input.credentialData, 'credentialData') as Record<string, unknown> };
}

export function kindOf(provider: Provider, credentialType: string): CredentialKind {
  const kind = findKind(provider, credentialType);
  if (!kind) {
    throw validationError({ credentialType: `Must be one of: ${typesOf(provider).join(', ')} for provider ${provider}` });
  }
  return kind;
}

const STATUSES = ['UNVERIFIED', 'VALID', 'INVALID'] as const;

const listQuery = z.strictObject({
  provider: z.optional(z.enum(PROVIDERS, { error: `Must be one of: ${PROVIDERS.join(', ')}` })),
  status: z.optional(z.enum(STATUSES, { error: `Must be one of: ${STATUSES.join(', ')}` })),
  limit: z.optional(
    z.string().check(z.regex(/^(100|[1-9][0-9]?)$/, { error: 'Must be an integer from 1 to 100' })),
  ),
  cursor: z.optional(z.string().check(z.maxLength(512, { error: 'Invalid cursor' }))),
});

export interface ListCredentialsInput {
  provider?: Provider;
  status?: VerificationStatus;
  limit?: number;
  cursor?: string;
}

export function parseListInput(query: Record<string, string | undefined>): ListCredentialsInput {
  const parsed = parseOrThrow(listQuery, query);
  return {
    ...(parsed.provider && { provider: parsed.provider }),
    ...(parsed.status && { status: parsed.status }),
    ...(parsed.limit && { limit: Number(parsed.limit) }),
    ...(parsed.cursor !== undefined && { cursor: parsed.cursor }),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseId(id: string | undefined, field = 'id'): string {
  if (id === undefined || !UUID.test(id)) throw validationError({ [field]: 'Must be a UUID' });
  return id.toLowerCase();
}
