import type { Principal } from '#shared/auth/principal.ts';

export const AUDIT_EVENT_TYPES = [
  'CREDENTIAL_CREATE',
  'CREDENTIAL_UPDATE',
  'CREDENTIAL_DELETE',
  'CREDENTIAL_VERIFY',
  'RESOURCE_CREATE',
  'RESOURCE_UPDATE',
  'RESOURCE_DELETE',
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/** Ids and flags only, never values. */
export type AuditDetails = Record<string, string | number | boolean | null>;

export interface AuditEntry {
  id: string;
  eventType: AuditEventType;
  actorId: string;
  actorEmail: string | null;
  actorType: 'USER' | 'SYSTEM';
  resourceType: 'CREDENTIAL' | 'RESOURCE';
  resourceId: string;
  resourceName: string | null;
  result: 'SUCCESS' | 'FAILURE';
  ipAddress: string | null;
  errorMessage: string | null;
  details: AuditDetails;
  createdAt: string;
}

/** Who did it, as the audit log records it. */
export interface Actor {
  principal: Principal;
  ipAddress: string | null;
}

export function auditEntry(
  actor: Actor,
  event: Pick<AuditEntry, 'eventType' | 'resourceType' | 'resourceId' | 'resourceName'> & { details?: AuditDetails },
  id: string,
  createdAt: string,
): AuditEntry {
  return {
    id,
    eventType: event.eventType,
    actorId: actor.principal.userId,
    actorEmail: actor.principal.email ?? null,
    actorType: 'USER',
    resourceType: event.resourceType,
    resourceId: event.resourceId,
    resourceName: event.resourceName,
    result: 'SUCCESS',
    ipAddress: actor.ipAddress,
    errorMessage: null,
    details: event.details ?? {},
    createdAt,
  };
}
