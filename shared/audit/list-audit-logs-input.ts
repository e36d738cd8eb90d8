import * as v from 'valibot';
import { validationError } from '#shared/errors.ts';
import { parseOrThrow, strictObject } from '#shared/validation.ts';
import { AUDIT_EVENT_TYPES, type AuditEventType } from './audit-entry.ts';

/** RFC 3339 with seconds and a zone (Z or ±hh:mm), on a real calendar day: what zod's `iso.datetime({ offset: true })` took. */
const ISO_DATETIME =
  /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8])))T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

const instant = v.pipe(
  v.string(),
  v.regex(ISO_DATETIME, 'Must be an ISO-8601 date-time with a time zone, such as 2026-02-18T13:00:00Z'),
);

const query = strictObject({
  eventType: v.optional(v.picklist(AUDIT_EVENT_TYPES, `Must be one of: ${AUDIT_EVENT_TYPES.join(', ')}`)),
  from: v.optional(instant),
  to: v.optional(instant),
  limit: v.optional(v.pipe(v.string(), v.regex(/^(100|[1-9][0-9]?)$/, 'Must be an integer from 1 to 100'))),
  cursor: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,512}$/, 'Invalid cursor'))),
});

export const DEFAULT_AUDIT_PAGE = 50;

export interface AuditLogQuery {
  eventType?: AuditEventType;
  /** Inclusive bounds, normalised to `Date.toISOString()` so they compare with `createdAt` as strings. */
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

export function parseAuditLogQuery(raw: Record<string, string | undefined>): AuditLogQuery {
  const parsed = parseOrThrow(query, raw);
  const from = parsed.from === undefined ? undefined : new Date(parsed.from).toISOString();
  const to = parsed.to === undefined ? undefined : new Date(parsed.to).toISOString();
  if (from !== undefined && to !== undefined && from > to) throw validationError({ to: 'Must not be before from' });
  return {
    ...(parsed.eventType && { eventType: parsed.eventType }),
    ...(from !== undefined && { from }),
    ...(to !== undefined && { to }),
    limit: parsed.limit === undefined ? DEFAULT_AUDIT_PAGE : Number(parsed.limit),
    ...(parsed.cursor !== undefined && { cursor: parsed.cursor }),
  };
}
