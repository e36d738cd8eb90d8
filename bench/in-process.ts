import { randomUUID } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import { v7 as uuidv7 } from 'uuid';
import { routes } from '#functions/routes.ts';
import { type AuditEntry, auditEntry } from '#shared/audit/audit-entry.ts';
import { toAuthorizerContext } from '#shared/auth/authorizer-context.ts';
import { ORG_ADMIN, type Principal } from '#shared/auth/principal.ts';
import { lambdaContext } from '../infra/local/gateway-event.ts';
import { lambdaEvents } from '../test/helpers/infra/lambda-events.ts';
import type { Item } from './floors/raw-requests.ts';

type Handler = (event: unknown, context: unknown) => Promise<any>;
const loaded = new Map<string, Promise<Handler>>();

/** Calls a function's handler in this process, from source, as the Lambda runtime would call it. */
export async function invoke(handler: string, event: unknown): Promise<any> {
  let module = loaded.get(handler);
  if (!module) {
    module = import(`../functions/${handler}/handler.ts`).then((m: { handler: Handler }) => m.handler);
    loaded.set(handler, module);
  }
  return (await module)(event, lambdaContext(handler, randomUUID()));
}

export function principalOf(orgId: string): Principal {
  return { userId: `bench-admin-${orgId}`, orgId, roles: [ORG_ADMIN], email: 'bench@example.com' };
}

/** The event API Gateway hands the route's function after the authorizer let `principal` in. */
export function apiEvent(
  handler: string,
  principal: Principal | null,
  options: { pathParameters?: Record<string, string>; body?: unknown } = {},
) {
  const route = routes.find((candidate) => candidate.handler === handler);
  if (!route) throw new Error(`no route is served by ${handler}`);
  const authorizer = principal && { ...toAuthorizerContext(principal), principalId: principal.userId };
  return lambdaEvents.api(route, { ...options, authorizer });
}

/** Calls a route in this process and returns its JSON body; anything but a 2xx stops the benchmark. */
export async function callRoute(handler: string, principal: Principal, options: Parameters<typeof apiEvent>[2] = {}) {
  const response = await invoke(handler, apiEvent(handler, principal, options));
  if (response.statusCode >= 300) throw new Error(`${handler} answered ${response.statusCode}: ${response.body}`);
  return response.body ? JSON.parse(response.body) : undefined;
}

/** An audit entry as the table holds it, for the floors that write one. */
export function auditItem(orgId: string, event: Parameters<typeof auditEntry>[1]): Item {
  const id = uuidv7();
  const entry: AuditEntry = auditEntry(
    { principal: principalOf(orgId), ipAddress: '203.0.113.10' },
    event,
    id,
    new Date().toISOString(),
  );
  return marshall({ pk: `ORG#${orgId}`, sk: `AUDIT#${id}`, ...entry }, { removeUndefinedValues: true });
}

export { marshall, uuidv7 };
