import { randomUUID } from 'node:crypto';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { keys } from '#shared/data/table.ts';
import { table } from '#shared/runtime/clients.ts';
import { awsAccessKey, awsCredential, vercelCredential } from '../helpers/credential-fixtures.ts';
import { expectContractError } from '../helpers/expect-contract-error.ts';
import { type Api, startApi } from '../helpers/local-api.ts';
import { securityGroupResource } from '../helpers/resource-fixtures.ts';
import { storeViolations } from '../helpers/store-invariants.ts';
import { scanTable } from '../helpers/table-scan.ts';

let api: Api;
let orgId: string;
let token: string;
const secrets: string[] = [];

function remember<T extends { credentialData: Record<string, string> }>(body: T): T {
  for (const [key, value] of Object.entries(body.credentialData)) if (key !== 'accessKeyId') secrets.push(value);
  return body;
}

beforeAll(async () => {
  api = await startApi();
  orgId = `org-${randomUUID()}`;
  token = await api.tokenFor(orgId, ['ORG_ADMIN'], { email: 'admin@example.com' });
});

afterAll(async () => {
  const everything = [
    ...api.responses.map((r) => r.text + JSON.stringify([...r.headers])),
    JSON.stringify(await scanTable()),
  ].join('\n');
  for (const secret of secrets) expect(everything).not.toContain(secret);
  await api.stop();
});

describe('POST /api/v1/credentials', () => {
  it('stores the credential, answers 201 with the safe view, Location and the contract headers, and queues a check', async () => {
    const send = vi.spyOn(api.service.queue, 'send');
    const body = remember(awsCredential('AWS Production Account'));
    const response = await api.call('POST', '/api/v1/credentials', { token, body });

    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe(`/api/v1/credentials/${response.body.id}`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(Object.keys(response.body).sort()).toEqual([
      'createdAt',
      'credentialType',
      'hint',
      'id',
      'isValid',
      'lastCheckFailure',
      'lastVerifiedAt',
      'name',
      'provider',
      'resourcesNeedingAttention',
      'status',
      'updatedAt',
      'verificationError',
      'verifiedIdentity',
    ]);
    expect(response.body).toMatchObject({
      name: 'AWS Production Account',
      provider: 'AWS',
      credentialType: 'ACCESS_KEY',
      status: 'UNVERIFIED',
      isValid: null,
      lastVerifiedAt: null,
      verificationError: null,
      verifiedIdentity: null,
      hint: `${body.credentialData.accessKeyId.slice(0, 4)}…${body.credentialData.accessKeyId.slice(-4)}`,
      resourcesNeedingAttention: 0,
    });
    expect(response.body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(send).toHaveBeenCalledWith({
      orgId,
      credentialId: response.body.id,
      secretVersion: 1,
      checkId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/),
      attempt: 1,
    });
    send.mockRestore();
  });

  it('refuses a second credential with the same name, whatever its case, with 409', async () => {
    await api.call('POST', '/api/v1/credentials', { token, body: remember(vercelCredential('Shared Name')) });
    const response = await api.call('POST', '/api/v1/credentials', {
      token,
      body: remember(vercelCredential('  shared NAME ')),
    });
    expectContractError(response, 409, 'CREDENTIAL_NAME_CONFLICT');
  });

  it('refuses a look-alike of a name with 409: fullwidth letters, NFC and NFD, ß and SS, a ligature, and stores a name as given', async () => {
    const first = await api.call('POST', '/api/v1/credentials', {
      token,
      body: remember(vercelCredential('Straße café office')),
    });
    expect(first.status).toBe(201);
    const lookAlikes = [
      'STRASSE CAFÉ OFFICE',
      'strasse cafe\u0301 office',
      'Straße café office'.normalize('NFD'),
      '\uff33\uff54\uff52\uff41\u00df\uff45 caf\u00e9 o\ufb03ce',
      'STRAẞE Café Office',
    ];
    for (const name of lookAlikes) {
      const response = await api.call('POST', '/api/v1/credentials', { token, body: remember(vercelCredential(name)) });
      expectContractError(response, 409, 'CREDENTIAL_NAME_CONFLICT');
    }
    const nfd = 'Zoë NFD'.normalize('NFD');
    const stored = await api.call('POST', '/api/v1/credentials', { token, body: remember(vercelCredential(nfd)) });
    expect(stored.status).toBe(201);
    expect(stored.body.name).toBe(nfd);
    const renamed = await api.call('PATCH', `/api/v1/credentials/${stored.body.id}`, {
      token,
      body: { name: 'ＳＴＲＡＳＳＥ café office' },
    });
    expectContractError(renamed, 409, 'CREDENTIAL_NAME_CONFLICT');
  });

  it('takes a name of 128 emoji (characters are code points) and refuses one of 129', async () => {
    const longest = await api.call('POST', '/api/v1/credentials', {
      token,
      body: remember(vercelCredential('\u{1f511}'.repeat(128))),
    });
    expect(longest.status).toBe(201);
    const longer = await api.call('POST', '/api/v1/credentials', {
      token,
      body: remember(vercelCredential('\u{1f5dd}'.repeat(129))),
    });
    expectContractError(longer, 400, 'VALIDATION_ERROR');
    expect(longer.body.validationErrors).toEqual({ name: 'Must be 1 to 128 characters' });
  });

  it('claims a name whose normalized form outgrows a table key (128 × U+FDFA is 2,304 letters) like any other', async () => {
    const expanding = '\ufdfa'.repeat(128);
    const first = await api.call('POST', '/api/v1/credentials', { token, body: remember(vercelCredential(expanding)) });
    expect(first.status).toBe(201);
    expect(first.body.name).toBe(expanding);
    const same = await api.call('POST', '/api/v1/credentials', { token, body: remember(vercelCredential(expanding)) });
    expectContractError(same, 409, 'CREDENTIAL_NAME_CONFLICT');
  });

  it('keeps the name claims written before names were folded working: no migration', async () => {
    /** Makes a credential look as the service wrote it before: claimed by its lower-cased name. */
    const asWrittenBefore = async (id: string, name: string) => {
      const { pk } = (await scanTable()).find((each) => each.id === id)!;
      const folded = keys.nameClaim(name);
      const lowerCased = keys.legacyNameClaim(name);
      expect(lowerCased).not.toBe(folded);
      await table.get().client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Delete: { TableName: table.get().name, Key: { pk, sk: folded } } },
            { Put: { TableName: table.get().name, Item: { pk, sk: lowerCased, credentialId: id } } },
          ],
        }),
      );
    };
    const claimsOf = async (id: string) =>
      (await scanTable())
        .filter((each) => each.credentialId === id && String(each.sk).startsWith('NAME#'))
        .map((each) => each.sk);

    const created = await api.call('POST', '/api/v1/credentials', {
      token,
      body: remember(vercelCredential('Legacy Straße')),
    });
    const id = created.body.id;
    await asWrittenBefore(id, 'Legacy Straße');
    expect(await claimsOf(id)).toEqual(['NAME#legacy straße']);

    // The same name in any case still conflicts with the old claim, as it did.
    for (const name of ['Legacy Straße', 'LEGACY STRAßE']) {
      const again = await api.call('POST', '/api/v1/credentials', { token, body: remember(vercelCredential(name)) });
      expectContractError(again, 409, 'CREDENTIAL_NAME_CONFLICT');
    }
    // A rename moves the claim to the folded key; from then on every look-alike conflicts.
    const recased = await api.call('PATCH', `/api/v1/credentials/${id}`, { token, body: { name: 'LEGACY STRASSE' } });
    expect(recased.status).toBe(200);
    expect(await claimsOf(id)).toEqual(['NAME#legacy strasse']);
    const lookAlike = await api.call('POST', '/api/v1/credentials', {
      token,
      body: remember(vercelCredential('Legacy Straße')),
    });
    expectContractError(lookAlike, 409, 'CREDENTIAL_NAME_CONFLICT');

    // Renaming and deleting an old credential release its old claim.
    const old = await api.call('POST', '/api/v1/credentials', {
      token,
      body: remember(vercelCredential('Old Ğ'.normalize('NFD'))),
    });
    await asWrittenBefore(old.body.id, 'Old Ğ'.normalize('NFD'));
    const renamed = await api.call('PATCH', `/api/v1/credentials/${old.body.id}`, {
      token,
      body: { name: 'Newer Ğ' },
    });
    expect(renamed.status).toBe(200);
    expect(await claimsOf(old.body.id)).toEqual([keys.nameClaim('Newer Ğ')]);
    const reused = await api.call('POST', '/api/v1/credentials', {
      token,
      body: remember(vercelCredential('Old Ğ'.normalize('NFD'))),
    });
    expect(reused.status).toBe(201);
    await asWrittenBefore(reused.body.id, 'Old Ğ'.normalize('NFD'));
    expect((await api.call('DELETE', `/api/v1/credentials/${reused.body.id}`, { token })).status).toBe(204);
    expect((await scanTable()).filter((each) => each.credentialId === reused.body.id)).toEqual([]);
    expect(storeViolations(await scanTable())).toEqual([]);
  });

  it.each([
    [
      'a missing field',
      { provider: 'AWS', credentialType: 'ACCESS_KEY', credentialData: awsAccessKey() },
      { name: 'Required' },
    ],
    ['an unknown field', { ...awsCredential('x'), extra: true }, { extra: 'Unknown field' }],
    [
      'an unknown credentialData field',
      awsCredential('x', { ...awsAccessKey(), region: 'eu-west-1' } as never),
      { 'credentialData.region': 'Unknown field' },
    ],
    [
      'a bad provider/type pair',
      { ...awsCredential('x'), credentialType: 'API_TOKEN' },
      { credentialType: expect.stringContaining('ACCESS_KEY') },
    ],
    [
      'an unknown provider',
      { ...awsCredential('x'), provider: 'ORACLE' },
      { provider: expect.stringContaining('AWS') },
    ],
    ['a wrong type', { ...awsCredential('x'), name: 42 }, { name: 'Expected string' }],
    ['a blank name', awsCredential('   '), { name: 'Must be 1 to 128 characters' }],
    ...['\u200b', '\u200d', '\u200f', '\u202e', '\u2066', '\u2060', '\ufeff', '\u00ad'].map(
      (invisible): [string, unknown, Record<string, string>] => [
        `a name holding U+${invisible.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
        awsCredential(`Shared${invisible} Name`),
        { name: 'Must not contain invisible formatting characters (zero-width or bidirectional controls)' },
      ],
    ),
    [
      'a name starting with a byte order mark',
      awsCredential('\ufeffShared Name'),
      { name: 'Must not contain invisible formatting characters (zero-width or bidirectional controls)' },
    ],
    [
      'a malformed access key id',
      awsCredential('x', { accessKeyId: 'AKIA123', secretAccessKey: 'a'.repeat(40) }),
      { 'credentialData.accessKeyId': expect.any(String) },
    ],
    [
      'a missing secret',
      awsCredential('x', { accessKeyId: awsAccessKey().accessKeyId } as never),
      { 'credentialData.secretAccessKey': 'Required' },
    ],
    ['an array body', [1, 2], { body: expect.any(String) }],
  ])(
    'answers 400 VALIDATION_ERROR with field messages for %s, and writes nothing',
    async (_case, body, validationErrors) => {
      const before = await scanTable();
      const response = await api.call('POST', '/api/v1/credentials', { token, body });
      expectContractError(response, 400, 'VALIDATION_ERROR');
      expect(response.body.validationErrors).toEqual(expect.objectContaining(validationErrors));
      expect(await scanTable()).toEqual(before);
    },
  );

  it('answers 400 for a body that is not JSON or not declared as JSON', async () => {
    const notJson = await api.call('POST', '/api/v1/credentials', {
      token,
      rawBody: '{"name":',
      headers: { 'content-type': 'application/json' },
    });
    expectContractError(notJson, 400, 'VALIDATION_ERROR');
    expect(notJson.body.validationErrors).toEqual({ body: 'Must be valid JSON' });
    const wrongType = await api.call('POST', '/api/v1/credentials', {
      token,
      rawBody: 'name=x',
      headers: { 'content-type': 'text/plain' },
    });
    expectContractError(wrongType, 400, 'VALIDATION_ERROR');
    const body = JSON.stringify(vercelCredential('first'));
    const duplicated = await api.call('POST', '/api/v1/credentials', {
      token,
      rawBody: body.replace('{"name":"first"', '{"name":"first","name":"second"'),
      headers: { 'content-type': 'application/json' },
    });
    expectContractError(duplicated, 400, 'VALIDATION_ERROR');
    expect(duplicated.body.validationErrors).toEqual({ body: 'Duplicate key "name"' });
  });

  it('reads the media type case-insensitively', async () => {
    const response = await api.call('POST', '/api/v1/credentials', {
      token,
      rawBody: JSON.stringify(remember(vercelCredential('Upper-case media type'))),
      headers: { 'content-type': 'Application/JSON; charset=UTF-8' },
    });
    expect(response.status).toBe(201);
  });

  it('answers 413 PAYLOAD_TOO_LARGE for a body over 64 KiB', async () => {
    const response = await api.call('POST', '/api/v1/credentials', {
      token,
      body: vercelCredential('big', 'x'.repeat(65 * 1024)),
    });
    expectContractError(response, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('replays the first response for a retried Idempotency-Key and creates nothing more', async () => {
    const key = randomUUID();
    const body = remember(vercelCredential('Idempotent'));
    const first = await api.call('POST', '/api/v1/credentials', { token, body, headers: { 'idempotency-key': key } });
    const retries = await Promise.all(
      [1, 2, 3].map(() =>
        api.call('POST', '/api/v1/credentials', { token, body, headers: { 'idempotency-key': key } }),
      ),
    );
    expect(first.status).toBe(201);
    for (const retry of retries) {
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    }
    const list = await api.call('GET', '/api/v1/credentials?provider=VERCEL', { token });
    expect(list.body.filter((c: { name: string }) => c.name === 'Idempotent')).toHaveLength(1);

    const reused = await api.call('POST', '/api/v1/credentials', {
      token,
      body: vercelCredential('Other'),
      headers: { 'idempotency-key': key },
    });
    expectContractError(reused, 400, 'VALIDATION_ERROR');
    expect(reused.body.validationErrors).toHaveProperty('Idempotency-Key');
  });
});

describe('an expired Idempotency-Key', () => {
  it('starts a new create, replacing the expired record (not yet deleted by the TTL) in the same transaction', async () => {
    const key = randomUUID();
    const body = remember(vercelCredential(`Expiring ${randomUUID()}`));
    const first = await api.call('POST', '/api/v1/credentials', { token, body, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    expect((await api.call('DELETE', `/api/v1/credentials/${first.body.id}`, { token })).status).toBe(204);
    const record = (await scanTable()).find((item) => item.sk === `IDEMPOTENCY#${key}`)!;
    // Expired a second ago: DynamoDB's TTL deletes such items within days in AWS, never in DynamoDB Local.
    await table.get().client.send(
      new UpdateCommand({
        TableName: table.get().name,
        Key: { pk: record.pk, sk: record.sk },
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 1 },
      }),
    );

    const retries = await Promise.all(
      [1, 2, 3].map(() =>
        api.call('POST', '/api/v1/credentials', { token, body, headers: { 'idempotency-key': key } }),
      ),
    );
    for (const retry of retries) expect(retry.status).toBe(201);
    const [second] = retries;
    expect(second!.body.id).not.toBe(first.body.id);
    for (const retry of retries) expect(retry.body).toEqual(second!.body);
    const replaced = (await scanTable()).find((item) => item.sk === `IDEMPOTENCY#${key}`)!;
    expect(JSON.parse(replaced.response)).toEqual(second!.body);
    expect(replaced.expiresAt).toBeGreaterThan(Date.now() / 1000);
    const list = await api.call('GET', '/api/v1/credentials?provider=VERCEL', { token });
    expect(list.body.filter((c: { name: string }) => c.name === body.name)).toHaveLength(1);
  });
});

describe('authentication and roles', () => {
  it.each([
    ['no token', null],
    ['a malformed token', 'not-a-jwt'],
  ])('answers 401 UNAUTHORIZED for %s', async (_case, badToken) => {
    const response = await api.call('GET', '/api/v1/credentials', { token: badToken });
    expectContractError(response, 401, 'UNAUTHORIZED');
  });

  it('answers 401 for an expired token and for one signed with another secret', async () => {
    const expired = await api.tokenFor(orgId, ['ORG_ADMIN'], { expiresIn: '-1h' });
    expectContractError(await api.call('GET', '/api/v1/credentials', { token: expired }), 401, 'UNAUTHORIZED');
    const forged = `${token.slice(0, token.lastIndexOf('.') + 1)}AAAA`;
    expectContractError(await api.call('GET', '/api/v1/credentials', { token: forged }), 401, 'UNAUTHORIZED');
  });

  it('answers 403 FORBIDDEN on every route to a caller without ORG_ADMIN, and writes nothing', async () => {
    const userToken = await api.tokenFor(orgId, ['USER']);
    const before = await scanTable();
    const id = randomUUID();
    for (const [method, path, body] of [
      ['POST', '/api/v1/credentials', awsCredential('nope')],
      ['GET', '/api/v1/credentials', undefined],
      ['GET', `/api/v1/credentials/${id}`, undefined],
      ['DELETE', `/api/v1/credentials/${id}`, undefined],
    ] as const) {
      expectContractError(await api.call(method, path, { token: userToken, body }), 403, 'FORBIDDEN');
    }
    expect(await scanTable()).toEqual(before);
  });

  it('serves health without a token', async () => {
    const response = await api.call('GET', '/api/v1/health');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('answers HEAD on health like GET, without a body', async () => {
    const [get, head] = [await api.call('GET', '/api/v1/health'), await api.call('HEAD', '/api/v1/health')];
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    for (const name of ['content-type', 'cache-control', 'x-content-type-options']) {
      expect(head.headers.get(name), name).toBe(get.headers.get(name));
    }
  });
});

describe('GET /api/v1/credentials', () => {
  let listOrg: string;
  let listToken: string;
  const created: string[] = [];

  beforeAll(async () => {
    listOrg = `org-${randomUUID()}`;
    listToken = await api.tokenFor(listOrg);
    for (let i = 0; i < 5; i++) {
      const body = i % 2 === 0 ? awsCredential(`aws-${i}`) : vercelCredential(`vercel-${i}`);
      const response = await api.call('POST', '/api/v1/credentials', { token: listToken, body: remember(body) });
      created.push(response.body.id);
    }
  });

  it("returns all of the organization's credentials as a bare array, newest first", async () => {
    const response = await api.call('GET', '/api/v1/credentials', { token: listToken });
    expect(response.status).toBe(200);
    expect(response.body.map((c: { id: string }) => c.id)).toEqual([...created].reverse());
    expect(response.headers.get('x-next-cursor')).toBeNull();
  });

  it('filters by provider and status', async () => {
    const aws = await api.call('GET', '/api/v1/credentials?provider=AWS', { token: listToken });
    expect(aws.body.map((c: { name: string }) => c.name)).toEqual(['aws-4', 'aws-2', 'aws-0']);
    const valid = await api.call('GET', '/api/v1/credentials?status=VALID', { token: listToken });
    expect(valid.body).toEqual([]);
    const unverified = await api.call('GET', '/api/v1/credentials?status=UNVERIFIED&provider=VERCEL', {
      token: listToken,
    });
    expect(unverified.body.map((c: { name: string }) => c.name)).toEqual(['vercel-3', 'vercel-1']);
  });

  it('pages with limit and cursor, the next cursor in X-Next-Cursor, absent on the last page', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await api.call('GET', `/api/v1/credentials?${query}`, { token: listToken });
      expect(page.status).toBe(200);
      seen.push(...page.body.map((c: { id: string }) => c.id));
      cursor = page.headers.get('x-next-cursor');
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...created].reverse());
  });

  it('pages through a filtered list', async () => {
    const first = await api.call('GET', '/api/v1/credentials?provider=AWS&limit=2', { token: listToken });
    expect(first.body.map((c: { name: string }) => c.name)).toEqual(['aws-4', 'aws-2']);
    const cursor = first.headers.get('x-next-cursor');
    const second = await api.call('GET', `/api/v1/credentials?provider=AWS&limit=2&cursor=${cursor}`, {
      token: listToken,
    });
    expect(second.body.map((c: { name: string }) => c.name)).toEqual(['aws-0']);
    expect(second.headers.get('x-next-cursor')).toBeNull();
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=abc', 'limit'],
    ['status=BROKEN', 'status'],
    ['provider=aws', 'provider'],
    ['cursor=!!!', 'cursor'],
    [`cursor=${Buffer.from('ORG#other').toString('base64url')}`, 'cursor'],
    ['orgId=someone-else', 'orgId'],
  ])('answers 400 for %s', async (query, field) => {
    const response = await api.call('GET', `/api/v1/credentials?${query}`, { token: listToken });
    expectContractError(response, 400, 'VALIDATION_ERROR');
    expect(response.body.validationErrors).toHaveProperty(field);
  });
});

describe('GET and DELETE /api/v1/credentials/{id}', () => {
  it('gets one credential by id', async () => {
    const created = await api.call('POST', '/api/v1/credentials', { token, body: remember(awsCredential('get-me')) });
    const response = await api.call('GET', `/api/v1/credentials/${created.body.id}`, { token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual(created.body);
  });

  it('answers 404 with the contract message for an unknown id and 400 for a malformed one', async () => {
    const id = randomUUID();
    const missing = await api.call('GET', `/api/v1/credentials/${id}`, { token });
    expectContractError(missing, 404, 'CREDENTIAL_NOT_FOUND');
    expect(missing.body.message).toBe(`Credential with ID ${id} not found`);
    const malformed = await api.call('GET', '/api/v1/credentials/not-a-uuid', { token });
    expectContractError(malformed, 400, 'VALIDATION_ERROR');
    expect(malformed.body.validationErrors).toEqual({ id: 'Must be a UUID' });
  });

  it("treats another organization's id exactly like a missing one", async () => {
    const created = await api.call('POST', '/api/v1/credentials', { token, body: remember(awsCredential('mine')) });
    const intruder = await api.tokenFor(`org-${randomUUID()}`);
    const get = await api.call('GET', `/api/v1/credentials/${created.body.id}`, { token: intruder });
    expectContractError(get, 404, 'CREDENTIAL_NOT_FOUND');
    const del = await api.call('DELETE', `/api/v1/credentials/${created.body.id}`, { token: intruder });
    expectContractError(del, 404, 'CREDENTIAL_NOT_FOUND');
    const list = await api.call('GET', '/api/v1/credentials', { token: intruder });
    expect(list.body).toEqual([]);
    expect((await api.call('GET', `/api/v1/credentials/${created.body.id}`, { token })).status).toBe(200);
  });

  it('deletes permanently with 204, frees the name, keeps the audit history; a second delete is 404', async () => {
    const created = await api.call('POST', '/api/v1/credentials', {
      token,
      body: remember(awsCredential('to-delete')),
    });
    const id = created.body.id;
    const deleted = await api.call('DELETE', `/api/v1/credentials/${id}`, { token });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect(deleted.headers.get('cache-control')).toBe('no-store');
    expectContractError(await api.call('GET', `/api/v1/credentials/${id}`, { token }), 404, 'CREDENTIAL_NOT_FOUND');
    expectContractError(await api.call('DELETE', `/api/v1/credentials/${id}`, { token }), 404, 'CREDENTIAL_NOT_FOUND');
    expect(
      (await api.call('POST', '/api/v1/credentials', { token, body: remember(awsCredential('to-delete')) })).status,
    ).toBe(201);

    const audit = (await scanTable()).filter((item) => item.resourceId === id);
    expect(audit.map((entry) => entry.eventType).sort()).toEqual(['CREDENTIAL_CREATE', 'CREDENTIAL_DELETE']);
    expect(audit[0]).toMatchObject({ actorEmail: 'admin@example.com', resourceName: 'to-delete', result: 'SUCCESS' });
  });

  it('refuses to delete a credential resources still use, with the real count, until they are deleted', async () => {
    const created = await api.call('POST', '/api/v1/credentials', { token, body: remember(awsCredential('in-use')) });
    const id = created.body.id;
    const resources = [];
    for (let i = 0; i < 3; i++) {
      resources.push(
        (await api.call('POST', '/api/v1/resources', { token, body: securityGroupResource(`in-use-${i}`, id) })).body
          .id,
      );
    }

    const refused = await api.call('DELETE', `/api/v1/credentials/${id}`, { token });
    expectContractError(refused, 400, 'CREDENTIAL_IN_USE');
    expect(refused.body.message).toBe(
      'Cannot delete credential linked to 3 active resources. Delete or reassign resources first.',
    );

    for (const resourceId of resources) await api.call('DELETE', `/api/v1/resources/${resourceId}`, { token });
    expect((await api.call('DELETE', `/api/v1/credentials/${id}`, { token })).status).toBe(204);
  });

  it('answers 404 for an unknown path', async () => {
    expectContractError(await api.call('GET', '/api/v1/nothing-here', { token }), 404, 'NOT_FOUND');
  });
});
