import * as z from 'zod/mini';
import { validationError } from '../errors.ts';
import { parseOrThrow } from '../validation.ts';
import { AUDIT_EVENT_TYPES, type AuditEventType } from './audit-entry.ts';

const instant = z.iso.datetime({ offset: true, error: 'Must be an ISO-8601 date-time with a time zone, such as 2026-02-18T13:00:00Z' });

const query = z.strictObject({
  eventType: z.optional(z.enum(AUDIT_EVENT_TYPES, { error: `Must be one of: ${AUDIT_EVENT_TYPES.join(', ')}` })),
  from: z.optional(instant),
  to: z.optional(instant),
  limit: z.optional(z.string().check(z.regex(/^(100|[1-9][0-9]?)$/, { error: 'Must be an integer from 1 to 100' }))),
  cursor: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,512}$/, { error: 'Invalid cursor' }))),
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
