import * as v from 'valibot';
import { displayName } from '#shared/display-name.ts';
import { credentialDataField, kindOf } from '#shared/providers/kinds.ts';
import { type CredentialKind, PROVIDERS } from '#shared/providers/provider.ts';
import { parseOrThrow, strictObject } from '#shared/validation.ts';

const createBody = strictObject({
  name: displayName,
  provider: v.picklist(PROVIDERS, `Must be one of: ${PROVIDERS.join(', ')}`),
  credentialType: v.string(),
  credentialData: credentialDataField,
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
  const credentialData = parseOrThrow(kind.schema, envelope.credentialData, 'credentialData') as Record<
    string,
    unknown
  >;
  return { name: envelope.name, kind, credentialData };
}
