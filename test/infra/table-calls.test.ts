import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '#functions/routes.ts';
import { TABLE } from '#shared/data/table.ts';
import { verificationSweepDeps } from '#shared/runtime/deps.ts';
import { runVerificationSweep } from '#shared/verification/verification-sweep.ts';
import { backgroundFunctions } from '../../infra/aws/background-functions.ts';
import { invokeConsumer } from '../../infra/local/queue-consumer.ts';
import { vercelCredential } from '../helpers/credential-fixtures.ts';
import {
  newVercelAccount,
  newVercelFirewallRule,
  newVercelProject,
  startVercelDouble,
  type VercelDouble,
} from '../helpers/doubles/vercel-double.ts';
import {
  actionsOf,
  RATE_LIMIT_UPDATE,
  type RecordedCall,
  recordTableCalls,
  runningAs,
} from '../helpers/infra/table-calls.ts';
import { logicalIdsOf, testStack } from '../helpers/infra/test-stack.ts';
import { type Api, type CallOptions, startApi } from '../helpers/local-api.ts';
import { securityGroupResource } from '../helpers/resource-fixtures.ts';

/**
 * Every function of the stack, run through the local server (the routes) or as its trigger runs it (the consumer's
 * batches, the sweep), with every DynamoDB call recorded and put down to the function that made it; then the
 * actions those calls need are compared with what the synthesized template grants each function's role. The
 * scenario walks each route's paths that touch the table differently (an idempotent replay, a rename and a rotation,
 * moving a resource to another credential, an AWS role checked before anyone opened the role setup).
 * A path added to a function that needs another action fails here until the route table grants it.
 */

let api: Api;
let vercel: VercelDouble;
let recorder: ReturnType<typeof recordTableCalls>;
const recorded = new Map<string, Set<string>>();
/** Calls that could not be put down to a function: there must be none. */
const unattributed: RecordedCall[] = [];
let seen = 0;

const account = newVercelAccount();
const project = newVercelProject(account.user.id, [newVercelFirewallRule()]);
const ROLE_ARN = 'arn:aws:iam::123456789012:role/entryguard-check';

function attribute(handler: string | undefined): void {
  for (const call of recorder.calls.slice(seen)) {
    const owner = call.label ?? handler;
    if (owner === undefined) {
      unattributed.push(call);
      continue;
    }
    const actions = recorded.get(owner) ?? new Set<string>();
    for (const action of actionsOf(call)) actions.add(action);
    recorded.set(owner, actions);
  }
  seen = recorder.calls.length;
}

/** One request, alone in flight: the calls made meanwhile without a label are the one invoked handler's. */
async function request(method: string, path: string, token: string, options: CallOptions = {}, status?: number) {
  attribute(undefined);
  const before = new Map(api.service.invocations);
  const response = await api.call(method, path, { token, ...options });
  const invoked = [...api.service.invocations].filter(([handler, count]) => count !== (before.get(handler) ?? 0));
  expect(invoked.length, `${method} ${path} invoked ${invoked.map(([h]) => h)}`).toBe(1);
  attribute(invoked[0]![0]);
  // Every step of the scenario succeeds, so each one runs its writes (or answers the one status it is given).
  if (status === undefined) expect(response.status, `${method} ${path}: ${response.text}`).toBeLessThan(300);
  else expect(response.status, `${method} ${path}: ${response.text}`).toBe(status);
  return response;
}

beforeAll(async () => {
  vercel = await startVercelDouble({ accounts: [account], projects: [project] });
  process.env.VERCEL_API_URL = vercel.url;
  api = await startApi({ queueTimeScale: 0.001 });
  // The routes run first, with the queue holding their messages; the consumer starts later, under its own label.
  api.service.queue.stop();
  recorder = recordTableCalls();

  const org = await api.tokenFor(`org-${randomUUID()}`);
  const key = randomUUID();
  const create = (name: string) =>
    request('POST', '/api/v1/credentials', org, {
      body: vercelCredential(name, account.token),
      headers: { 'idempotency-key': `${key}-${name.replaceAll(' ', '-')}` },
    });
  const first = (await create('deploy token')).body;
  await create('deploy token'); // the same Idempotency-Key again: the stored answer
  const second = (await create('preview token')).body;
  await request('GET', '/api/v1/credentials', org);
  await request('GET', `/api/v1/credentials/${first.id}`, org);
  await request('GET', '/api/v1/credentials/aws-role-setup', org); // creates the external ID
  await request('GET', '/api/v1/credentials/aws-role-setup', org); // reads it
  await request('PATCH', `/api/v1/credentials/${first.id}`, org, { body: { name: 'production token' } });
  await request('PATCH', `/api/v1/credentials/${first.id}`, org, {
    body: { credentialData: { apiToken: account.token } },
  });
  await request('POST', `/api/v1/credentials/${first.id}/verify`, org);

  const resource = (
    await request('POST', '/api/v1/resources', org, {
      body: {
        name: 'site',
        provider: 'VERCEL',
        credentialId: first.id,
        resourceType: 'PROJECT',
        resourceIdentifier: project.id,
        config: { firewallRuleId: project.firewall!.rules[0]!.id },
      },
    })
  ).body;
  await request('GET', '/api/v1/resources', org);
  await request('GET', `/api/v1/resources/${resource.id}`, org);
  await request('PATCH', `/api/v1/resources/${resource.id}`, org, {
    body: { name: 'main site', credentialId: second.id },
  });
  await request('POST', `/api/v1/resources/${resource.id}/verify`, org);
  await request('GET', `/api/v1/credentials/${second.id}/required-policy`, org);
  await request('DELETE', `/api/v1/resources/${resource.id}`, org);
  await request('DELETE', `/api/v1/credentials/${first.id}`, org);
  // Still linked when the consumer runs: the verdicts on its credential re-check it in the background.
  await request('POST', '/api/v1/resources', org, {
    body: {
      name: 'kept site',
      provider: 'VERCEL',
      credentialId: second.id,
      resourceType: 'PROJECT',
      resourceIdentifier: project.id,
      config: { firewallRuleId: project.firewall!.rules[0]!.id },
    },
  });
  await request('GET', '/api/v1/audit-logs', org);
  await request('GET', '/api/v1/health', org);

  // A resource check through an AWS role in an organization that never opened its role setup and whose credential
  // was not checked yet: the route creates the external ID itself. STS cannot be reached here, so the check answers
  // 400 VERIFICATION_FAILED (not a 5xx).
  const roleOrg = await api.tokenFor(`org-${randomUUID()}`);
  const role = (
    await request('POST', '/api/v1/credentials', roleOrg, {
      body: { name: 'role', provider: 'AWS', credentialType: 'ASSUME_ROLE', credentialData: { roleArn: ROLE_ARN } },
    })
  ).body;
  const guarded = (await request('POST', '/api/v1/resources', roleOrg, { body: securityGroupResource('sg', role.id) }))
    .body;
  await request('POST', `/api/v1/resources/${guarded.id}/verify`, roleOrg, {}, 400);

  attribute(undefined);

  // The consumer: the routes' messages (verdicts), and an AWS role of an organization that never opened its role
  // setup: its external ID is created by the check (then STS is unreachable, and the check is retried).
  const background = await api.tokenFor(`org-${randomUUID()}`);
  await request('POST', '/api/v1/credentials', background, {
    body: { name: 'background', provider: 'AWS', credentialType: 'ASSUME_ROLE', credentialData: { roleArn: ROLE_ARN } },
  });
  api.service.queue.start((event) => runningAs.run('verification-consumer', () => invokeConsumer(event)), {
    batchSize: 10,
  });
  await api.service.queue.idle();

  // The sweep, a day later: every credential is due; then the consumer checks what it queued.
  const later = new Date(Date.now() + 25 * 3_600_000);
  const { queued } = await runningAs.run('verification-sweep', () =>
    runVerificationSweep({ ...verificationSweepDeps(), now: () => later }),
  );
  expect(queued).toBeGreaterThan(0);
  await api.service.queue.idle();
  attribute(undefined);
}, 120_000);

afterAll(async () => {
  recorder?.stop();
  await api?.stop();
  await vercel?.close();
  delete process.env.VERCEL_API_URL;
});

/** The table actions the template grants a function's role, in the words `actionsOf` uses. */
function grantedTableActions(handler: string): Set<string> {
  const role = logicalIdsOf(stack, handler).role;
  const statements = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === role))
    .flatMap(
      (p) =>
        p.Properties.PolicyDocument.Statement as {
          Action: string | string[];
          Resource: unknown;
          Condition?: unknown;
        }[],
    )
    .filter((s) => [s.Action].flat().some((action) => action.startsWith('dynamodb:')));
  const granted = new Set<string>();
  for (const statement of statements) {
    const onIndex = JSON.stringify(statement.Resource).includes(`/index/${TABLE.verificationIndex.name}`);
    for (const action of [statement.Action].flat()) {
      const name = action.replace(/^dynamodb:/, '');
      if (statement.Condition) granted.add(RATE_LIMIT_UPDATE);
      else granted.add(onIndex ? `${name} on ${TABLE.verificationIndex.name}` : name);
    }
  }
  return granted;
}

/** What the calls need: a counter update needs no statement of its own where UpdateItem is granted anyway. */
function neededTableActions(handler: string): Set<string> {
  const actions = new Set(recorded.get(handler) ?? []);
  if (actions.has('UpdateItem')) actions.delete(RATE_LIMIT_UPDATE);
  return actions;
}

const { stack, template } = testStack();
const handlers = [...routes.map((r) => r.handler), ...backgroundFunctions.map((b) => b.handler)];
const sorted = (set: Set<string>) => [...set].sort();

describe('the DynamoDB actions each function calls', () => {
  it('were all put down to a function, and every function with a table grant was run', () => {
    expect(unattributed.map((call) => call.commandName)).toEqual([]);
    const granted = handlers.filter((handler) => grantedTableActions(handler).size > 0);
    expect(granted.filter((handler) => !recorded.has(handler))).toEqual([]);
  });

  it.each(handlers)('%s: its role is granted exactly the table actions its code called', (handler) => {
    expect(sorted(grantedTableActions(handler))).toEqual(sorted(neededTableActions(handler)));
  });

  it('the authorizer makes no table call and is granted none', () => {
    expect(grantedTableActions('authorizer').size).toBe(0);
    expect(recorded.has('authorizer')).toBe(false);
  });
});
