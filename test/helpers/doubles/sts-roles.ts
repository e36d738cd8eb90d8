import { randomBytes, randomInt } from 'node:crypto';
import type { StsIdentity } from './sts-double.ts';

/** Temporary credentials the STS double issued for a role: signing with them also needs the session token. */
export interface StsSession extends StsIdentity {
  sessionToken: string;
  expiresAt: Date;
  /** The role the session was issued for: its permissions are the session's. */
  roleArn: string;
}

/** An IAM role in some account as the STS double knows it: its ARN and its trust policy. */
export interface StsRole {
  arn: string;
  /**
   * The `Principal.AWS` of the trust policy: who may assume the role. A role's ARN admits that role's sessions, as
   * IAM does (role chaining).
   */
  trustedPrincipalArn: string;
  /** The `sts:ExternalId` the trust policy's condition requires; none: the policy has no such condition. */
  externalId?: string;
  /** Not yet propagated in IAM: AssumeRole answers AccessDenied for this many requests after the role was added… */
  unpropagatedRequests?: number;
  /** …and for this long after it was added. */
  unpropagatedMs?: number;
}

export interface StsRefusal {
  status: number;
  code: string;
  message: string;
}

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
/** The longest session a role allows by default (and the most a role session may ask for). */
const MAX_SESSION_SECONDS = 3600;

/** A role in a fresh account whose trust policy allows `principalArn` with `externalId`. */
export function newStsRole(trust: { principalArn: string; externalId: string }, name = 'EntryGuardAccess'): StsRole {
  const account = String(randomInt(100_000_000_000, 1_000_000_000_000));
  return {
    arn: `arn:aws:iam::${account}:role/${name}`,
    trustedPrincipalArn: trust.principalArn,
    externalId: trust.externalId,
  };
}

interface KnownRole {
  role: StsRole;
  addedAt: number;
  deniedLeft: number;
}

/** The roles of the double's accounts and the sessions it issued for them. */
export class StsRoles {
  private readonly roles = new Map<string, KnownRole>();
  private readonly issued: StsSession[] = [];

  add(role: StsRole): void {
    this.roles.set(role.arn, { role, addedAt: Date.now(), deniedLeft: role.unpropagatedRequests ?? 0 });
  }

  sessions(): readonly StsSession[] {
    return this.issued;
  }

  /** AssumeRole as AWS decides it: every reason not to is the same AccessDenied, so nothing leaks about the role. */
  assume(form: URLSearchParams, caller: StsIdentity): StsSession | StsRefusal {
    const roleArn = form.get('RoleArn') ?? '';
    const sessionName = form.get('RoleSessionName') ?? '';
    const externalId = form.get('ExternalId');
    const duration = Number(form.get('DurationSeconds') ?? MAX_SESSION_SECONDS);
    if (!SESSION_NAME.test(sessionName)) return invalid('roleSessionName', sessionName);
    if (externalId !== null && !EXTERNAL_ID.test(externalId)) return invalid('externalId', externalId);
    if (!Number.isInteger(duration) || duration < 900 || duration > MAX_SESSION_SECONDS)
      return invalid('durationSeconds', String(duration));

    const known = this.roles.get(roleArn);
    if (
      known === undefined ||
      !this.propagated(known) ||
      !trusts(known.role, caller) ||
      (known.role.externalId !== undefined && known.role.externalId !== externalId)
    ) {
      return {
        status: 403,
        code: 'AccessDenied',
        message: `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      };
    }
    const [, partition, , , account = ''] = roleArn.split(':');
    const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
    const session: StsSession = {
      accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(96).toString('base64'),
      expiresAt: new Date(Date.now() + duration * 1000),
      account,
      arn: `arn:${partition}:sts::${account}:assumed-role/${roleName}/${sessionName}`,
      userId: `AROA${randomBytes(9).toString('hex').toUpperCase().slice(0, 17)}:${sessionName}`,
      roleArn,
    };
    this.issued.push(session);
    return session;
  }

  /** Counts the attempt against the role's propagation delay. */
  private propagated(known: KnownRole): boolean {
    if (known.deniedLeft > 0) {
      known.deniedLeft -= 1;
      return false;
    }
    return Date.now() >= known.addedAt + (known.role.unpropagatedMs ?? 0);
  }
}

/** Whether the role's trust policy names the caller: its own ARN, or the role the caller's session is of. */
function trusts(role: StsRole, caller: StsIdentity): boolean {
  return (
    role.trustedPrincipalArn === caller.arn || ('roleArn' in caller && caller.roleArn === role.trustedPrincipalArn)
  );
}

export function isRefusal(outcome: StsSession | StsRefusal): outcome is StsRefusal {
  return 'code' in outcome;
}

function invalid(parameter: string, value: string): StsRefusal {
  return {
    status: 400,
    code: 'ValidationError',
    message: `1 validation error detected: Value '${value}' at '${parameter}' failed to satisfy constraint`,
  };
}
