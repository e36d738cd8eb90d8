import type { StsIdentity } from './sts-double.ts';
import { type StsRole, StsRoles, type StsSession } from './sts-roles.ts';

/** The EC2 actions EntryGuard uses on a security group. */
export const EC2_ACTIONS = [
  'ec2:DescribeSecurityGroups',
  'ec2:AuthorizeSecurityGroupIngress',
  'ec2:RevokeSecurityGroupIngress',
] as const;
export type Ec2Action = (typeof EC2_ACTIONS)[number];

/** An Allow statement of an identity policy: the action on every security group (`Resource: "*"`) or only on these. */
export interface Ec2Grant {
  action: Ec2Action;
  groupIds?: readonly string[];
}

/** A user (any of its access keys) or a role, named by its ARN. */
export type AwsPrincipal = { arn: string } | string;

interface ActionGrant {
  /** Allowed on `*`. */
  all: boolean;
  /** Allowed on these groups. */
  groups: Set<string>;
  /** Denied on these groups even with `all` (an explicit Deny statement). */
  denied: Set<string>;
}

/**
 * The IAM side of the AWS accounts the STS and EC2 doubles share: users (by access key), roles (STS's trust policies
 * and propagation, in `roles`) and the EC2 actions each may perform, changeable while a test runs. A role session
 * has its role's permissions as they are at each request, as in IAM: revoking from the role affects live sessions.
 *
 * `ec2:DescribeSecurityGroups` supports no resource-level permissions: only a grant on `*` allows it (a grant
 * scoped to group ids matches nothing, as an IAM statement naming a group ARN would).
 */
export class AwsAccounts {
  /** The roles STS knows and the sessions it issued: pass the same model to the STS double. */
  readonly roles = new StsRoles();
  private readonly userKeys: StsIdentity[] = [];
  private readonly policies = new Map<string, Map<Ec2Action, ActionGrant>>();

  /** A user's access key; a second key of the same user (same ARN) shares its permissions. */
  addUser(identity: StsIdentity, grants: readonly (Ec2Action | Ec2Grant)[] = []): StsIdentity {
    this.userKeys.push(identity);
    for (const grant of grants) this.grantOne(identity, grant);
    return identity;
  }

  /** A role STS can issue sessions for (its propagation delay counts from here). */
  addRole(role: StsRole, grants: readonly (Ec2Action | Ec2Grant)[] = []): StsRole {
    this.roles.add(role);
    for (const grant of grants) this.grantOne(role, grant);
    return role;
  }

  /** Allow `action` on every group, or on these groups only (added to what the principal has). */
  grant(principal: AwsPrincipal, action: Ec2Action, groupIds?: readonly string[]): void {
    const grant = this.actionGrant(principal, action);
    if (groupIds === undefined) {
      grant.all = true;
      grant.denied.clear();
      return;
    }
    for (const id of groupIds) {
      grant.groups.add(id);
      grant.denied.delete(id);
    }
  }

  /** Take `action` away entirely, or on these groups only (a Deny on them if it was allowed on `*`). */
  revoke(principal: AwsPrincipal, action: Ec2Action, groupIds?: readonly string[]): void {
    const grant = this.actionGrant(principal, action);
    if (groupIds === undefined) {
      grant.all = false;
      grant.groups.clear();
      grant.denied.clear();
      return;
    }
    for (const id of groupIds) {
      grant.groups.delete(id);
      if (grant.all) grant.denied.add(id);
    }
  }

  /** Deletes a user's access key, as in IAM: STS and EC2 refuse it from now on (its user keeps its permissions). */
  deleteKey(identity: StsIdentity): void {
    const index = this.userKeys.findIndex((candidate) => candidate.accessKeyId === identity.accessKeyId);
    if (index >= 0) this.userKeys.splice(index, 1);
  }

  users(): readonly StsIdentity[] {
    return this.userKeys;
  }

  sessions(): readonly StsSession[] {
    return this.roles.sessions();
  }

  /** Every key the model can sign with: users' keys and the sessions issued so far. */
  keys(): (StsIdentity | StsSession)[] {
    return [...this.userKeys, ...this.roles.sessions()];
  }

  /** The IAM principal (user or role ARN) behind an access key, or undefined when the model does not know the key. */
  principalOf(accessKeyId: string): string | undefined {
    const session = this.roles.sessions().find((candidate) => candidate.accessKeyId === accessKeyId);
    if (session !== undefined) return session.roleArn;
    return this.userKeys.find((candidate) => candidate.accessKeyId === accessKeyId)?.arn;
  }

  /**
   * Whether the key may perform `action` on the group (`undefined`: a request with no group, i.e. on `*`), or
   * `undefined` when the model does not know the key.
   */
  allows(accessKeyId: string, action: Ec2Action, groupId?: string): boolean | undefined {
    const principal = this.principalOf(accessKeyId);
    if (principal === undefined) return undefined;
    const grant = this.policies.get(principal)?.get(action);
    if (grant === undefined) return false;
    if (action === 'ec2:DescribeSecurityGroups' || groupId === undefined) return grant.all;
    return !grant.denied.has(groupId) && (grant.all || grant.groups.has(groupId));
  }

  private grantOne(principal: AwsPrincipal, grant: Ec2Action | Ec2Grant): void {
    if (typeof grant === 'string') this.grant(principal, grant);
    else this.grant(principal, grant.action, grant.groupIds);
  }

  private actionGrant(principal: AwsPrincipal, action: Ec2Action): ActionGrant {
    const arn = typeof principal === 'string' ? principal : principal.arn;
    let policy = this.policies.get(arn);
    if (policy === undefined) {
      policy = new Map();
      this.policies.set(arn, policy);
    }
    let grant = policy.get(action);
    if (grant === undefined) {
      grant = { all: false, groups: new Set(), denied: new Set() };
      policy.set(action, grant);
    }
    return grant;
  }
}
