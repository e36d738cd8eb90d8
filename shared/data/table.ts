import { createHash } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The one DynamoDB table (single-table design, docs/operations.md has the data model). Key attribute names are shared by
 * the data functions, the local bootstrap and the CDK stack.
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  verificationIndex: {
    name: 'verification-due',
    partitionKey: 'dueShard',
    sortKey: 'dueAt',
    projectedAttributes: ['orgId', 'id', 'secretVersion'],
  },
} as const;

export const keys = {
  org: (orgId: string) => `ORG#${orgId}`,
  credential: (id: string) => `CRED#${id}`,
  credentialPrefix: 'CRED#',
  /** The name claim of a credential named `name`: unique per organization, so two look-alike names cannot both exist. */
  nameClaim: (name: string) => `NAME#${comparableName(name)}`,
  /**
   * The claim a credential written before names were compared folded holds (its lower-cased name): the same key as
   * `nameClaim` for every ASCII name and most others. Such a credential has no `nameKey` attribute.
   */
  legacyNameClaim: (name: string) => `NAME#${name.trim().toLowerCase()}`,
  link: (credentialId: string, resourceId: string) => `LINK#${credentialId}#${resourceId}`,
  linkPrefix: (credentialId: string) => `LINK#${credentialId}#`,
  resource: (id: string) => `RES#${id}`,
  resourcePrefix: 'RES#',
  audit: (id: string) => `AUDIT#${id}`,
  auditPrefix: 'AUDIT#',
  idempotency: (key: string) => `IDEMPOTENCY#${key}`,
  awsRoleSettings: 'SETTINGS#AWS_ROLE',
  rateLimit: (orgId: string, budget: string, minute: number) => `RATE#${orgId}#${budget}#${minute}`,
} as const;

/** Longer folded names are claimed by their hash: a sort key holds at most 1,024 bytes. */
const MAX_CLAIMED_NAME_BYTES = 1000;

/**
 * A name as uniqueness compares it: trimmed, NFKC-normalized (fullwidth letters, ligatures, NFC/NFD variants become
 * one form) and case-folded. JavaScript has no full case folding; lower-casing, upper-casing and lower-casing again is
 * it for every letter but a handful (Turkish dotless ı meets i, as in upper case), and it maps ß, ẞ, SS and ss, or ς,
 * σ and Σ, to one form as folding does. An ASCII name folds to its lower-casing, so the claims written before keep
 * their keys. NFKC can expand a character (U+FDFA is 18 letters), so a folded name too long for a sort key is claimed
 * by its SHA-256, behind a NUL that no name can hold (names refuse control characters).
 */
export function comparableName(name: string): string {
  const folded = name.trim().normalize('NFKC').toLowerCase().toUpperCase().toLowerCase().normalize('NFKC');
  if (Buffer.byteLength(folded, 'utf8') <= MAX_CLAIMED_NAME_BYTES) return folded;
  return `\u0000sha256:${createHash('sha256').update(folded, 'utf8').digest('hex')}`;
}

/** The table as the data functions take it: the document client and the table's name. */
export interface Table {
  client: DynamoDBDocumentClient;
  name: string;
}

/** What a use case that only reads needs: the table. */
export interface ReadDeps {
  table: Table;
}

/**
 * What a use case that writes needs: the table, the clock and new ids (for what it creates and for its audit
 * entry). Handlers pass in process-wide instances, tests their own.
 */
export interface WriteDeps {
  table: Table;
  now: () => Date;
  newId: () => string;
}
