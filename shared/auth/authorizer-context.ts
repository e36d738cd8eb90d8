import { isIdClaim, type Principal } from './principal.ts';

/**
 * The principal as an API Gateway authorizer context: values must be strings, numbers or booleans,
 * so the roles travel as a JSON array string and an absent email is left out.
 */
export type AuthorizerContext = {
  userId: string;
  orgId: string;
  roles: string;
  email?: string;
};

export function toAuthorizerContext(principal: Principal): AuthorizerContext {
  const context: AuthorizerContext = {
    userId: principal.userId,
    orgId: principal.orgId,
    roles: JSON.stringify(principal.roles),
  };
  if (principal.email !== undefined) context.email = principal.email;
  return context;
}

/**
 * The principal the authorizer put into the request context, or undefined if anything is missing or malformed.
 * API Gateway adds its own keys (`principalId`, `integrationLatency`) beside ours; they are ignored.
 */
export function principalFromContext(ctx: unknown): Principal | undefined {
  if (typeof ctx !== 'object' || ctx === null) return undefined;
  const { userId, orgId, roles, email } = ctx as Record<string, unknown>;
  if (!isIdClaim(userId) || !isIdClaim(orgId) || typeof roles !== 'string') return undefined;
  if (email !== undefined && typeof email !== 'string') return undefined;
  const decodedRoles = parseRoles(roles);
  if (decodedRoles === undefined) return undefined;
  return { userId, orgId, roles: decodedRoles, email };
}

function parseRoles(json: string): string[] | undefined {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}
