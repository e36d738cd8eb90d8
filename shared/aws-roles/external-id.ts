import { randomBytes } from 'node:crypto';

/**
 * The scheme new external IDs are made with. A stored ID keeps the scheme it was made with (its `version`), since
 * customers' trust policies hold it verbatim: a new scheme applies to organizations that have none yet.
 */
export const EXTERNAL_ID_VERSION = 1;

/** `eg1-` and 192 random bits in base64url: unguessable, and only characters STS accepts in an external ID. */
export function newExternalId(): string {
  return `eg${EXTERNAL_ID_VERSION}-${randomBytes(24).toString('base64url')}`;
}
