import type { APIGatewayProxyEvent } from 'aws-lambda';
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { refuseAmbiguousJson } from '#shared/http/middleware/refuse-ambiguous-json.ts';
import { refuseBody } from '#shared/http/middleware/refuse-body.ts';
import { refuseDuplicateKeys } from '#shared/http/middleware/refuse-duplicate-keys.ts';
import { strictQuery } from '#shared/http/middleware/strict-query.ts';
import { parseOrThrow, strictObject } from '#shared/validation.ts';
import { validationErrorsOf } from '../helpers/validation-errors-of.ts';

type Before = (request: { event: APIGatewayProxyEvent }) => Promise<void>;

async function refusal(
  before: Before | undefined,
  event: Partial<APIGatewayProxyEvent> | { body: unknown },
): Promise<Record<string, string> | undefined> {
  try {
    await before!({ event: event as APIGatewayProxyEvent });
    return undefined;
  } catch (error) {
    return validationErrorsOf(() => {
      throw error;
    });
  }
}

describe('strictQuery', () => {
  const query = (names: Record<string, string[]>) => ({
    queryStringParameters: Object.fromEntries(Object.entries(names).map(([name, values]) => [name, values.at(-1)!])),
    multiValueQueryStringParameters: names,
  });

  it.each([
    ['any parameter on a route that reads none', false, { limit: ['1'] }, { limit: 'Unknown field' }],
    [
      'names that are Object.prototype members',
      false,
      JSON.parse('{"__proto__":["x"],"constructor":[""]}'),
      JSON.parse('{"__proto__":"Unknown field","constructor":"Unknown field"}'),
    ],
    [
      'a parameter given twice',
      true,
      { provider: ['AWS', 'VERCEL'], limit: ['5'] },
      { provider: 'Must be given once' },
    ],
  ])('refuses %s', async (_case, readsQuery, names, errors) => {
    expect(await refusal(strictQuery(readsQuery).before as Before, query(names))).toEqual(errors);
  });

  it('accepts no query at all, and single parameters on a route that reads them', async () => {
    expect(
      await refusal(strictQuery(false).before as Before, {
        queryStringParameters: null,
        multiValueQueryStringParameters: null,
      }),
    ).toBeUndefined();
    expect(
      await refusal(strictQuery(true).before as Before, query({ provider: ['AWS'], limit: ['5'] })),
    ).toBeUndefined();
  });
});

describe('refuseBody', () => {
  it('refuses any body on a route that takes none, and lets an absent or empty one through', async () => {
    expect(await refusal(refuseBody().before as Before, { body: '{}' })).toEqual({
      body: 'Must be empty: this route takes no body',
    });
    expect(await refusal(refuseBody().before as Before, { body: null })).toBeUndefined();
    expect(await refusal(refuseBody().before as Before, { body: '' })).toBeUndefined();
  });
});

describe('refuseAmbiguousJson', () => {
  const check = (body: unknown) => refusal(refuseAmbiguousJson().before as Before, { body });

  it.each([
    ['half a surrogate pair in a value', { name: 'a\ud800b' }, 'name'],
    ['a reversed pair in a nested value', { credentialData: { apiToken: '\udc00\ud800' } }, 'credentialData.apiToken'],
    ['half a surrogate pair in a key', { 'k\udfff': 1 }, 'k\udfff'],
    ['half a surrogate pair in an array', { list: ['ok', ['\ud83d']] }, 'list.1.0'],
    [
      'a __proto__ key',
      JSON.parse('{"credentialData":{"roleArn":"x","__proto__":{"polluted":true}}}'),
      'credentialData.__proto__',
    ],
  ])('refuses %s, naming where', async (_case, body, path) => {
    expect(Object.keys((await check(body)) ?? {})).toEqual([path]);
  });

  it('accepts surrogate pairs, a `constructor` field (an own field, refused or not by the schema) and 30 000 levels of nesting', async () => {
    expect(await check({ name: 'rocket \ud83d\ude80', constructor: 'x' })).toBeUndefined();
    expect(await check(JSON.parse(`${'['.repeat(30_000)}${']'.repeat(30_000)}`))).toBeUndefined();
    expect(await check(JSON.parse(`${'['.repeat(30_000)}"\\ud800"${']'.repeat(30_000)}`))).toEqual({
      // The path, 60 000 characters long, named in 64.
      [`${'0.'.repeat(31)}0…`]: 'Must be valid Unicode text (it holds half a surrogate pair)',
    });
  });

  it('accepts every JSON value of well-formed text without a __proto__ key', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue().filter((value) => !JSON.stringify(value).includes('"__proto__"')),
        async (value) => {
          expect(await check(value)).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('field messages', () => {
  const schema = strictObject({ name: v.string() });

  it('name an unknown field in at most 64 characters, cut and marked, whatever its length or script', () => {
    const long = `secret-shaped-${'A1b2C3d4'.repeat(8)}`;
    const huge = 'k'.repeat(60_000);
    const emoji = '\u{1f511}'.repeat(70);
    const errors = validationErrorsOf(() =>
      parseOrThrow(schema, { name: 'n', [long]: 1, [huge]: 2, [emoji]: 3, ['x'.repeat(64)]: 4 }),
    );
    expect(errors).toEqual({
      [`${long.slice(0, 63)}…`]: 'Unknown field',
      [`${'k'.repeat(63)}…`]: 'Unknown field',
      [`${'\u{1f511}'.repeat(63)}…`]: 'Unknown field',
      ['x'.repeat(64)]: 'Unknown field',
    });
    const nested = validationErrorsOf(() => parseOrThrow(schema, { name: 'n', [huge]: 1 }, 'credentialData'));
    expect(Object.keys(nested)).toEqual([`credentialData.${'k'.repeat(48)}…`]);
  });

  it('name at most 50 fields, counting the rest: thousands of unknown fields are not echoed back', () => {
    const body = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`f${i}`, i]));
    const errors = validationErrorsOf(() => parseOrThrow(schema, { name: 'n', ...body }));
    expect(Object.keys(errors)).toHaveLength(50);
    expect(errors['…']).toBe('4951 more fields refused');
    expect(JSON.stringify(errors).length).toBeLessThan(2000);
  });

  it('cut a duplicated key and a query parameter name the same way', async () => {
    const key = 'd'.repeat(500);
    const duplicated = await refusal(refuseDuplicateKeys().before as Before, {
      body: `{"${key}":1,"${key}":2}`,
    });
    expect(duplicated).toEqual({ body: `Duplicate key "${'d'.repeat(63)}…"` });
    const query = await refusal(strictQuery(false).before as Before, {
      queryStringParameters: { [key]: 'x' },
      multiValueQueryStringParameters: { [key]: ['x'] },
    });
    expect(query).toEqual({ [`${'d'.repeat(63)}…`]: 'Unknown field' });
    const ambiguous = await refusal(refuseAmbiguousJson().before as Before, {
      body: { [key]: { [key]: '\ud800' } },
    });
    expect(Object.keys(ambiguous!)).toEqual([`${'d'.repeat(63)}…`]);
  });

  it('name each unknown field, also one called like an Object.prototype member', () => {
    const body = JSON.parse('{"name":"n","constructor":1,"toString":2,"__proto__":3}');
    const errors = validationErrorsOf(() => parseOrThrow(strictObject({ name: v.string() }), body));
    expect(Object.entries(errors).sort()).toEqual([
      ['__proto__', 'Unknown field'],
      ['constructor', 'Unknown field'],
      ['toString', 'Unknown field'],
    ]);
  });
});
