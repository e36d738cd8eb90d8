import { randomBytes, randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNOPENABLE_SECRET_MESSAGE } from '#shared/credentials/model.ts';
import { keys } from '#shared/data/table.ts';
import { keyProvider, table } from '#shared/runtime/clients.ts';
import { awsCredential, vercelCredential } from '../helpers/credential-fixtures.ts';
import { expectContractError } from '../helpers/expect-contract-error.ts';
import { sealV1 } from '../helpers/legacy-seal.ts';
import { type Api, type ApiResponse, type CallOptions, startApi } from '../helpers/local-api.ts';
import { assertProperty } from '../helpers/property-seed.ts';
import { securityGroupResource, vercelProjectResource } from '../helpers/resource-fixtures.ts';
import { scanTable } from '../helpers/table-scan.ts';

/**
 * Three organizations run random sequences of operations on their own and each other's ids. The model is a map of
 * which organization owns which id: an operation on another organization's object (or a deleted one) must answer
 * exactly as for an id that never existed, never a 2xx; no body or header may carry another organization's ids,
 * names, hints, e-mail or external ID; and each organization's own operations keep working.
 */

const ORGANIZATIONS = 3;
const RUNS = 12;

type Provider = 'AWS' | 'VERCEL';

interface Organization {
  orgId: string;
  email: string;
  token: string;
  externalId?: string;
}

interface Credential {
  id: string;
  owner: number;
  provider: Provider;
  alive: boolean;
  links: number;
}

interface Resource {
  id: string;
  owner: number;
  credential: Credential;
  alive: boolean;
}

/** What the service must have, and everything each organization ever showed it. */
interface World {
  organizations: Organization[];
  credentials: Credential[];
  resources: Resource[];
  /** Per organization: names, hints and ids it created; none may reach another organization. */
  ownData: Set<string>[];
}

const organization = fc.nat({ max: ORGANIZATIONS - 1 });
/** An index into every credential or resource created so far, whoever owns it and whether it still exists. */
const target = fc.nat();

const operation = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('create credential' as const),
      org: organization,
      provider: fc.constantFrom<Provider>('AWS', 'VERCEL'),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('create resource' as const), org: organization, credential: target }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constantFrom(
        'get credential' as const,
        'rename credential' as const,
        'rotate credential' as const,
        'verify credential' as const,
        'required policy' as const,
        'delete credential' as const,
      ),
      org: organization,
      credential: target,
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constantFrom(
        'get resource' as const,
        'rename resource' as const,
        'verify resource' as const,
        'delete resource' as const,
      ),
      org: organization,
      resource: target,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('move resource' as const),
      org: organization,
      resource: target,
      credential: target,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('list credentials' as const),
      org: organization,
      pageOf: fc.option(organization, { nil: undefined }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('list resources' as const),
      org: organization,
      credential: fc.option(target, { nil: undefined }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('list audit logs' as const), org: organization }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('aws role setup' as const), org: organization }) },
);

type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

let api: Api;
const tried = { runs: 0, operations: 0, requests: 0, foreign: 0 };

beforeAll(async () => {
  // Checks queued by creates and rotations fail at once against the closed provider port.
  api = await startApi({ queueTimeScale: 0 });
});

afterAll(async () => {
  await api.stop();
});

async function newWorld(): Promise<World> {
  const organizations = await Promise.all(
    Array.from({ length: ORGANIZATIONS }, async (_, index) => {
      const orgId = `org-${randomUUID()}`;
      const email = `admin-${index}-${randomBytes(4).toString('hex')}@tenant.test`;
      return { orgId, email, token: await api.tokenFor(orgId, ['ORG_ADMIN'], { email }) };
    }),
  );
  return {
    organizations,
    credentials: [],
    resources: [],
    ownData: organizations.map(({ orgId, email }) => new Set([orgId, email])),
  };
}

function pick<T>(items: T[], index: number): T | undefined {
  return items.length === 0 ? undefined : items[index % items.length];
}

/** What an operation aims at: any organization's object, maybe deleted, or an id never used when there is none yet. */
function aim<T extends { id: string }>(items: T[], index: number, collection: 'credentials' | 'resources') {
  const item = pick(items, index);
  const id = item?.id ?? randomUUID();
  return { item, id, path: `/api/v1/${collection}/${id}` };
}

function owns(_world: World, org: number, item: { owner: number; alive: boolean } | undefined): boolean {
  return item !== undefined && item.owner === org && item.alive;
}

/**
 * Calls the API as `org` and checks that nothing of another organization comes back. Ids the request itself named
 * may come back (a 404 names the id it did not find); nothing else of theirs may.
 */
async function call(
  world: World,
  org: number,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<ApiResponse> {
  const response = await api.call(method, path, { token: world.organizations[org]!.token, ...options });
  tried.requests++;
  const sent = `${path} ${JSON.stringify(options.body ?? '')}`;
  const received = `${response.text} ${JSON.stringify([...response.headers])}`;
  world.ownData.forEach((data, owner) => {
    if (owner === org) return;
    for (const value of data)
      if (!sent.includes(value))
        expect(received, `${world.organizations[org]!.orgId} sees data of another organization`).not.toContain(value);
  });
  return response;
}

function remember(world: World, org: number, ...values: (string | undefined)[]): void {
  for (const value of values) if (value) world.ownData[org]!.add(value);
}

/** Another organization's object, or a deleted one, must look exactly like an id that never existed. */
function expectNotFound(
  response: ApiResponse,
  code: 'CREDENTIAL_NOT_FOUND' | 'RESOURCE_NOT_FOUND',
  id: string,
  org: number,
  item?: { owner: number },
): void {
  expectContractError(response, 404, code);
  expect(response.body.message).toBe(
    `${code === 'CREDENTIAL_NOT_FOUND' ? 'Credential' : 'Resource'} with ID ${id} not found`,
  );
  if (item !== undefined && item.owner !== org) tried.foreign++;
}

function freshName(): string {
  return `tenant-${randomBytes(6).toString('hex')}`;
}

async function apply(world: World, op: Operation): Promise<void> {
  const { org } = op;
  switch (op.kind) {
    case 'create credential': {
      const name = freshName();
      const response = await call(world, org, 'POST', '/api/v1/credentials', {
        body: op.provider === 'AWS' ? awsCredential(name) : vercelCredential(name),
      });
      expect(response.status).toBe(201);
      world.credentials.push({ id: response.body.id, owner: org, provider: op.provider, alive: true, links: 0 });
      remember(world, org, response.body.id, name, response.body.hint);
      return;
    }
    case 'create resource': {
      const credential = pick(world.credentials, op.credential);
      const credentialId = credential?.id ?? randomUUID();
      const name = freshName();
      const body =
        credential?.provider === 'VERCEL'
          ? vercelProjectResource(name, credentialId)
          : securityGroupResource(name, credentialId);
      const response = await call(world, org, 'POST', '/api/v1/resources', { body });
      if (!owns(world, org, credential))
        return expectNotFound(response, 'CREDENTIAL_NOT_FOUND', credentialId, org, credential);
      expect(response.status).toBe(201);
      credential!.links++;
      world.resources.push({ id: response.body.id, owner: org, credential: credential!, alive: true });
      remember(world, org, response.body.id, name);
      return;
    }
    case 'get credential':
    case 'rename credential':
    case 'rotate credential':
    case 'verify credential':
    case 'required policy':
    case 'delete credential': {
      const { item: credential, id, path } = aim(world.credentials, op.credential, 'credentials');
      const name = freshName();
      const rotation =
        credential?.provider === 'VERCEL' ? vercelCredential(name).credentialData : awsCredential(name).credentialData;
      const [method, url, options]: [string, string, CallOptions] = {
        'get credential': ['GET', path, {}],
        'rename credential': ['PATCH', path, { body: { name } }],
        'rotate credential': ['PATCH', path, { body: { credentialData: rotation } }],
        'verify credential': ['POST', `${path}/verify`, {}],
        'required policy': ['GET', `${path}/required-policy`, {}],
        'delete credential': ['DELETE', path, {}],
      }[op.kind] as [string, string, CallOptions];
      const response = await call(world, org, method, url, options);
      if (!owns(world, org, credential)) return expectNotFound(response, 'CREDENTIAL_NOT_FOUND', id, org, credential);
      if (op.kind === 'delete credential') {
        if (credential!.links > 0) return expectContractError(response, 400, 'CREDENTIAL_IN_USE');
        expect(response.status).toBe(204);
        credential!.alive = false;
        return;
      }
      if (op.kind === 'required policy') {
        // Exactly the resources linked to this credential now: never another organization's, never a moved one.
        expect(response.status).toBe(200);
        expect(response.body.credentialId).toBe(id);
        const linked = world.resources.filter((resource) => resource.alive && resource.credential === credential);
        expect(response.body.includedResources.map((resource: { id: string }) => resource.id).sort()).toEqual(
          linked.map((resource) => resource.id).sort(),
        );
        return;
      }
      expect(response.status).toBe(op.kind === 'verify credential' ? 202 : 200);
      expect(response.body.id).toBe(id);
      if (op.kind === 'rename credential') remember(world, org, name);
      remember(world, org, response.body.hint);
      return;
    }
    case 'get resource':
    case 'rename resource':
    case 'verify resource':
    case 'delete resource': {
      const { item: resource, id, path } = aim(world.resources, op.resource, 'resources');
      const name = freshName();
      const [method, url, options]: [string, string, CallOptions] = {
        'get resource': ['GET', path, {}],
        'rename resource': ['PATCH', path, { body: { name } }],
        'verify resource': ['POST', `${path}/verify`, {}],
        'delete resource': ['DELETE', path, {}],
      }[op.kind] as [string, string, CallOptions];
      const response = await call(world, org, method, url, options);
      if (!owns(world, org, resource)) return expectNotFound(response, 'RESOURCE_NOT_FOUND', id, org, resource);
      if (op.kind === 'verify resource') return expectContractError(response, 400, 'VERIFICATION_FAILED');
      if (op.kind === 'delete resource') {
        expect(response.status).toBe(204);
        resource!.alive = false;
        resource!.credential.links--;
        return;
      }
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id, credentialId: resource!.credential.id });
      if (op.kind === 'rename resource') remember(world, org, name);
      return;
    }
    case 'move resource': {
      const resource = pick(world.resources, op.resource);
      const credential = pick(world.credentials, op.credential);
      const id = resource?.id ?? randomUUID();
      const credentialId = credential?.id ?? randomUUID();
      const response = await call(world, org, 'PATCH', `/api/v1/resources/${id}`, { body: { credentialId } });
      if (!owns(world, org, resource)) return expectNotFound(response, 'RESOURCE_NOT_FOUND', id, org, resource);
      if (!owns(world, org, credential))
        return expectNotFound(response, 'CREDENTIAL_NOT_FOUND', credentialId, org, credential);
      if (credential!.provider !== resource!.credential.provider)
        return expectContractError(response, 400, 'VALIDATION_ERROR');
      expect(response.status).toBe(200);
      resource!.credential.links--;
      credential!.links++;
      resource!.credential = credential!;
      return;
    }
    case 'list credentials': {
      // With another organization's cursor when asked: it may only ever page through the caller's own credentials.
      let query = '';
      if (op.pageOf !== undefined) {
        const page = await call(world, op.pageOf, 'GET', '/api/v1/credentials?limit=1');
        const cursor = page.headers.get('x-next-cursor');
        if (cursor) query = `?limit=100&cursor=${cursor}`;
      }
      const response = await call(world, org, 'GET', `/api/v1/credentials${query}`);
      expect(response.status).toBe(200);
      const own = world.credentials
        .filter((credential) => owns(world, org, credential))
        .map((credential) => credential.id);
      const listed = response.body.map((credential: { id: string }) => credential.id);
      if (query) expect(own).toEqual(expect.arrayContaining(listed));
      else expect(listed.sort()).toEqual(own.sort());
      return;
    }
    case 'list resources': {
      const credential =
        op.credential === undefined ? undefined : (pick(world.credentials, op.credential) ?? { id: randomUUID() });
      const response = await call(
        world,
        org,
        'GET',
        `/api/v1/resources${credential ? `?credentialId=${credential.id}` : ''}`,
      );
      expect(response.status).toBe(200);
      const expected = world.resources
        .filter(
          (resource) =>
            owns(world, org, resource) && (credential === undefined || resource.credential.id === credential.id),
        )
        .map((resource) => resource.id);
      expect(response.body.map((resource: { id: string }) => resource.id).sort()).toEqual(expected.sort());
      return;
    }
    case 'list audit logs': {
      const response = await call(world, org, 'GET', '/api/v1/audit-logs?limit=100');
      expect(response.status).toBe(200);
      const ownIds = new Set(
        [...world.credentials, ...world.resources].filter((item) => item.owner === org).map((item) => item.id),
      );
      for (const entry of response.body.content) {
        expect(ownIds.has(entry.resourceId), `audit entry ${entry.id} is about ${entry.resourceId}`).toBe(true);
        expect(entry.actorEmail).toBe(world.organizations[org]!.email);
      }
      return;
    }
    case 'aws role setup': {
      const response = await call(world, org, 'GET', '/api/v1/credentials/aws-role-setup');
      expect(response.status).toBe(200);
      const organizationOf = world.organizations[org]!;
      organizationOf.externalId ??= response.body.externalId;
      expect(response.body.externalId).toBe(organizationOf.externalId);
      remember(world, org, response.body.externalId);
      return;
    }
  }
}

describe('tenant isolation under random operations of several organizations', () => {
  it("never answers 2xx on another organization's object nor shows its data, and own operations keep working", {
    timeout: 120_000,
  }, async () => {
    await assertProperty(
      fc.asyncProperty(fc.array(operation, { minLength: 20, maxLength: 50 }), async (operations) => {
        const world = await newWorld();
        tried.runs++;
        for (const op of operations) {
          tried.operations++;
          await apply(world, op);
        }
        for (let org = 0; org < ORGANIZATIONS; org++)
          await apply(world, { kind: 'list credentials', org, pageOf: undefined });
        for (let org = 0; org < ORGANIZATIONS; org++)
          await apply(world, { kind: 'list resources', org, credential: undefined });
      }),
      RUNS,
    );
    console.info(
      `tenant isolation: ${tried.runs} runs, ${tried.operations} operations, ${tried.requests} requests, ` +
        `${tried.foreign} on another organization's object, each refused exactly as an id that never existed`,
    );
    expect(tried.foreign).toBeGreaterThan(50);
  });
});

describe('a stored secret opens only as what it was sealed for', () => {
  const organizationToken = async () => {
    const orgId = `org-${randomUUID()}`;
    return { orgId, token: await api.tokenFor(orgId) };
  };
  const itemOf = async (id: string, orgId: string) =>
    (await scanTable()).find((item) => item.id === id && item.pk === keys.org(orgId))!;
  const put = (item: Record<string, unknown>) =>
    table.get().client.send(new PutCommand({ TableName: table.get().name, Item: item }));
  const deadLettersOf = (credentialId: string) =>
    api.service.queue.deadLetters
      .map((letter) => JSON.parse(letter.body))
      .filter((m) => m.credentialId === credentialId);

  it("does not open a whole credential item copied into another organization's partition", async () => {
    const [owner, thief] = [await organizationToken(), await organizationToken()];
    const created = await api.call('POST', '/api/v1/credentials', {
      token: owner.token,
      body: vercelCredential('copied'),
    });
    await api.service.queue.idle();
    // The item as it is, its orgId attribute included, under the other organization's key.
    const original = await itemOf(created.body.id, owner.orgId);
    await put({ ...original, pk: keys.org(thief.orgId) });

    const verify = await api.call('POST', `/api/v1/credentials/${created.body.id}/verify`, { token: thief.token });
    expect(verify.status).toBe(202);
    await api.service.queue.idle();
    // The consumer opened it as the message's organization: the integrity check failed, so the copy is said to be
    // unusable (INVALID "cannot be opened", terminal: no retry, no dead letter), and the owner's item is untouched.
    expect(deadLettersOf(created.body.id)).toEqual([]);
    const copy = await itemOf(created.body.id, thief.orgId);
    expect(copy).toMatchObject({
      status: 'INVALID',
      verificationError: UNOPENABLE_SECRET_MESSAGE,
      verifiedIdentity: null,
    });
    expect(await itemOf(created.body.id, owner.orgId)).toEqual(original);
  });

  it('does not open an older ciphertext written back over a rotation', async () => {
    const owner = await organizationToken();
    const created = await api.call('POST', '/api/v1/credentials', {
      token: owner.token,
      body: vercelCredential('rolled back'),
    });
    await api.service.queue.idle();
    const before = await itemOf(created.body.id, owner.orgId);
    const rotated = await api.call('PATCH', `/api/v1/credentials/${created.body.id}`, {
      token: owner.token,
      body: { credentialData: { apiToken: `rotated-${randomBytes(16).toString('hex')}` } },
    });
    expect(rotated.status).toBe(200);
    await api.service.queue.idle();
    const after = await itemOf(created.body.id, owner.orgId);
    expect(after.secretVersion).toBe(2);
    await put({ ...after, sealedSecret: before.sealedSecret });

    expect(
      (await api.call('POST', `/api/v1/credentials/${created.body.id}/verify`, { token: owner.token })).status,
    ).toBe(202);
    await api.service.queue.idle();
    // The older ciphertext is bound to version 1: it does not open as version 2, and the credential says so.
    expect(deadLettersOf(created.body.id)).toEqual([]);
    expect(await itemOf(created.body.id, owner.orgId)).toMatchObject({
      secretVersion: 2,
      status: 'INVALID',
      verificationError: UNOPENABLE_SECRET_MESSAGE,
    });
  });

  it('still opens a secret sealed before the version was bound (v1), with no migration', async () => {
    const owner = await organizationToken();
    const apiToken = `v1-${randomBytes(16).toString('hex')}`;
    const created = await api.call('POST', '/api/v1/credentials', {
      token: owner.token,
      body: vercelCredential('v1', apiToken),
    });
    await api.service.queue.idle();
    const item = await itemOf(created.body.id, owner.orgId);
    const sealedSecret = await sealV1(keyProvider.get(), { apiToken }, { orgId: owner.orgId, credentialId: item.id });
    await put({ ...item, sealedSecret, lastVerifiedAt: null, status: 'UNVERIFIED' });

    expect(
      (await api.call('POST', `/api/v1/credentials/${created.body.id}/verify`, { token: owner.token })).status,
    ).toBe(202);
    await api.service.queue.idle();
    expect(deadLettersOf(created.body.id)).toEqual([]);
    // Opened and checked: the closed provider port left it UNVERIFIED with a note, at a new lastVerifiedAt.
    expect((await itemOf(created.body.id, owner.orgId)).lastVerifiedAt).not.toBeNull();
  });
});
