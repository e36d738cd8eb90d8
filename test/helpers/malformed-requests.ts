import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { type Route, routes } from '#functions/routes.ts';
import { routeMatcher } from '../../infra/local/route-matcher.ts';
import document from '../../openapi/openapi.json' with { type: 'json' };
import { rsaKeyOfSize, rsaPrivateKeyPem } from './credential-fixtures.ts';

/**
 * A generated corpus of malformed requests for every route of functions/routes.ts. What a route takes (query
 * parameters, a body, headers) is read from its operation in openapi/openapi.json, so a new route or parameter is
 * covered without touching this file; only a new request body needs a valid example below (the suite says so).
 * Every case starts from a valid request of the caller's own organization and breaks exactly one thing, so a 2xx or
 * a changed store means the service accepted the defect.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
type Path = (string | number)[];

/** The caller organization's own ids that valid requests may aim at. */
export interface CorpusTargets {
  credentials: { aws: string; spareAws: string; vercel: string };
  resources: { aws: string; vercel: string };
  /** Names of the organization's credentials that no valid body renames: their look-alikes are taken. */
  takenNames: string[];
}

export type Defect =
  | 'path id'
  | 'unknown query parameter'
  | 'bad query value'
  | 'duplicated query parameter'
  | 'wrong method'
  | 'missing field'
  | 'unknown field'
  | 'wrong type'
  | 'bad string'
  | 'duplicated JSON key'
  | 'deep nesting'
  | 'not JSON'
  | 'wrong content type'
  | 'oversized body'
  | 'not an object'
  | 'body on a route without one'
  | 'bad header'
  | 'taken name';

export interface MalformedRequest {
  route: Route;
  defect: Defect;
  method: string;
  /** Path and query, encoded. */
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** Broken field values the request carried, which no answer may repeat (messages never echo input). */
  injected: string[];
}

/** The statuses a defect may get; anything else (a 2xx above all) is a finding. */
export function expectedStatuses(defect: Defect): number[] {
  if (defect === 'oversized body') return [413];
  if (defect === 'wrong method') return [404];
  // An id holding an encoded `/` may no longer match any route.
  if (defect === 'path id') return [400, 404];
  if (defect === 'taken name') return [409];
  return [400];
}

/** Routes whose document operation declares a request body but which have no valid example here. */
export function routesWithoutBodyExample(): string[] {
  return routes.filter((route) => takesBody(route) && !(routeKey(route) in validBodies)).map(routeKey);
}

export function malformedRequests(targets: CorpusTargets): fc.Arbitrary<MalformedRequest> {
  // Routes that take a body get more cases: their bodies have many fields to break.
  return fc.oneof(
    ...routes.map((route) => ({ arbitrary: casesFor(route, targets), weight: takesBody(route) ? 4 : 1 })),
  );
}

function casesFor(route: Route, targets: CorpusTargets): fc.Arbitrary<MalformedRequest> {
  const breakers: Weighted[] = [{ breaker: unknownQuery(route) }, { breaker: wrongMethod(route) }];
  if (pathParameterNames(route).length > 0) breakers.push({ breaker: badPathId(route) });
  if (queryParameters(route).length > 0)
    breakers.push({ breaker: badQueryValue(route) }, { breaker: duplicatedQuery(route) });
  if (headerParameters(route).length > 0) breakers.push({ breaker: badHeader(route) });
  if (takesBody(route)) breakers.push(...bodyDefects);
  if (namesCredentials(route)) breakers.push({ breaker: takenName(targets), weight: 2 });
  else if (route.method !== 'GET') breakers.push({ breaker: bodyWhereNone() });
  return baseRequest(route, targets)
    .chain((draft) => fc.oneof(...breakers.map(({ breaker, weight = 1 }) => ({ arbitrary: breaker(draft), weight }))))
    .map((draft) => render(route, draft));
}

/** The routes whose body names a credential, where a name must be unique in the organization. */
function namesCredentials(route: Route): boolean {
  return takesBody(route) && /^\/api\/v1\/credentials(\/\{id\})?$/.test(route.path);
}

function takesBody(route: Route): boolean {
  return operationOf(route).requestBody !== undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// The document

interface Schema {
  type?: string | string[];
  enum?: string[];
  format?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  pattern?: string;
  properties?: Record<string, Schema>;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema: Schema;
}

interface Operation {
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: unknown;
}

const doc = document as unknown as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

function resolve<T>(value: T | { $ref: string }): T {
  if (typeof value !== 'object' || value === null || !('$ref' in value)) return value as T;
  const target = value.$ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], document);
  return resolve(target as T);
}

function operationOf(route: Route): Operation {
  const operation = doc.paths[route.path]?.[route.method.toLowerCase()];
  if (!operation) throw new Error(`${routeKey(route)} is in routes.ts but not in openapi/openapi.json`);
  return operation;
}

function parametersOf(route: Route, where: Parameter['in']): Parameter[] {
  return (operationOf(route).parameters ?? [])
    .map((parameter) => resolve(parameter))
    .filter((parameter) => parameter.in === where);
}

const queryParameters = (route: Route) => parametersOf(route, 'query');
const headerParameters = (route: Route) =>
  parametersOf(route, 'header').filter((parameter) => resolve(parameter.schema).pattern);

function routeKey(route: Route): string {
  return `${route.method} ${route.path}`;
}

/** Every property name any schema of the document knows: an added field outside this set is unknown everywhere. */
const knownFields = new Set<string>();
(function collect(schema: unknown): void {
  if (typeof schema !== 'object' || schema === null) return;
  const properties = (schema as Schema).properties;
  if (properties) for (const name of Object.keys(properties)) knownFields.add(name);
  for (const value of Object.values(schema)) collect(value);
})(doc.components.schemas);

// ---------------------------------------------------------------------------------------------------------------
// Valid requests, one of which each case breaks

interface Draft {
  method: string;
  pathParams: Record<string, string>;
  query: string[];
  headers: Record<string, string>;
  /** JSON, or text / bytes as they go on the wire. */
  body?: { json: Json } | { raw: string | Uint8Array };
  /** Paths in the JSON body that must be there. */
  required: Path[];
  defect?: Defect;
  injected: string[];
}

interface ValidBody {
  pathParams?: Record<string, string>;
  body: JsonObject;
  required: Path[];
}

const displayName = fc
  .string({ unit: 'grapheme-ascii', minLength: 4, maxLength: 40 })
  .map((text) => `corpus ${text.trim() || 'x'}`);
const awsKeyData = fc.record({
  accessKeyId: fc.stringMatching(/^AKIA[A-Z0-9]{16}$/),
  secretAccessKey: fc.stringMatching(/^[A-Za-z0-9+/]{40}$/),
});
const PEM = rsaPrivateKeyPem();
const credentialData: fc.Arbitrary<{ provider: string; credentialType: string; credentialData: JsonObject }> = fc.oneof(
  awsKeyData.map((data) => ({ provider: 'AWS', credentialType: 'ACCESS_KEY', credentialData: data })),
  fc.constant({
    provider: 'AWS',
    credentialType: 'ASSUME_ROLE',
    credentialData: { roleArn: 'arn:aws:iam::123456789012:role/entryguard' },
  }),
  fc.record({ id: fc.uuid(), email: fc.stringMatching(/^[a-z]{3,12}$/) }).map(({ id, email }) => ({
    provider: 'GCP',
    credentialType: 'SERVICE_ACCOUNT',
    credentialData: {
      type: 'service_account',
      project_id: 'corpus-project',
      private_key_id: id,
      private_key: PEM,
      client_email: `${email}@corpus-project.iam.gserviceaccount.com`,
    },
  })),
  fc
    .tuple(fc.uuid(), fc.uuid(), fc.uuid(), fc.stringMatching(/^[A-Za-z0-9~._-]{20,40}$/))
    .map(([tenantId, clientId, subscriptionId, clientSecret]) => ({
      provider: 'AZURE',
      credentialType: 'SERVICE_PRINCIPAL',
      credentialData: { tenantId, clientId, clientSecret, subscriptionId },
    })),
  fc.stringMatching(/^[a-f0-9]{32}$/).map((adminApiKey) => ({
    provider: 'APISIX',
    credentialType: 'ADMIN_API_KEY',
    credentialData: { endpointUrl: 'https://apisix.example.com:9180', adminApiKey },
  })),
  fc
    .stringMatching(/^[A-Za-z0-9]{24}$/)
    .map((apiToken) => ({ provider: 'VERCEL', credentialType: 'API_TOKEN', credentialData: { apiToken } })),
);

const securityGroupId = fc.stringMatching(/^sg-[0-9a-f]{17}$/);
const securityGroupConfig = { protocol: 'tcp', fromPort: 22, toPort: 22 };

/** Every field of a body: top-level ones, nested objects and their fields. */
function fieldPaths(value: JsonObject, prefix: Path = []): Path[] {
  return Object.entries(value).flatMap(([key, child]) => [
    [...prefix, key],
    ...(isObject(child) ? fieldPaths(child, [...prefix, key]) : []),
  ]);
}

/** A valid body for each route that takes one, keyed `METHOD path` as in routes.ts. */
const validBodies: Record<string, (targets: CorpusTargets) => fc.Arbitrary<ValidBody>> = {
  'POST /api/v1/credentials': () =>
    fc.tuple(displayName, credentialData).map(([name, data]) => {
      const body = { name, ...data };
      return { body, required: fieldPaths(body) };
    }),
  'PATCH /api/v1/credentials/{id}': ({ credentials }) =>
    fc.oneof(
      displayName.map((name) => ({ pathParams: { id: credentials.vercel }, body: { name }, required: [] })),
      fc.tuple(fc.option(displayName, { nil: undefined }), awsKeyData).map(([name, data]) => ({
        pathParams: { id: credentials.aws },
        body: {
          ...(name !== undefined && { name }),
          provider: 'AWS',
          credentialType: 'ACCESS_KEY',
          credentialData: data,
        },
        required: [
          ['credentialData', 'accessKeyId'],
          ['credentialData', 'secretAccessKey'],
        ],
      })),
    ),
  'POST /api/v1/resources': ({ credentials }) =>
    fc.oneof(
      fc.tuple(displayName, securityGroupId).map(([name, resourceIdentifier]) => {
        const body = {
          name,
          provider: 'AWS',
          credentialId: credentials.aws,
          resourceType: 'SECURITY_GROUP',
          resourceIdentifier,
          region: 'us-east-1',
          config: securityGroupConfig,
        };
        return { body, required: fieldPaths(body) };
      }),
      fc.tuple(displayName, fc.stringMatching(/^prj_[A-Za-z0-9]{12}$/)).map(([name, resourceIdentifier]) => {
        const body = {
          name,
          provider: 'VERCEL',
          credentialId: credentials.vercel,
          resourceType: 'PROJECT',
          resourceIdentifier,
          config: { firewallRuleId: 'rule_entryguard' },
        };
        return { body, required: fieldPaths(body) };
      }),
    ),
  'PATCH /api/v1/resources/{id}': ({ credentials, resources }) =>
    fc.oneof(
      displayName.map((name) => ({ pathParams: { id: resources.vercel }, body: { name }, required: [] })),
      fc.tuple(securityGroupId, fc.constantFrom('us-east-1', 'eu-west-1')).map(([resourceIdentifier, region]) => ({
        pathParams: { id: resources.aws },
        body: {
          credentialId: credentials.spareAws,
          resourceIdentifier,
          region,
          config: { protocol: 'udp', fromPort: 53, toPort: 53 },
        },
        required: [
          ['config', 'protocol'],
          ['config', 'fromPort'],
          ['config', 'toPort'],
        ],
      })),
    ),
};

function pathParameterNames(route: Route): string[] {
  return [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
}

/** `/api/v1/credentials/{id}…` aims at a credential of the caller's, `/resources/{id}` at a resource. */
function ownIds(route: Route, targets: CorpusTargets): string[] {
  const collection = /\/([\w-]+)\/\{id\}/.exec(route.path)?.[1];
  if (collection === undefined) return [];
  const ids = targets[collection as keyof CorpusTargets];
  if (!ids) throw new Error(`The corpus has no ids for /${collection}/{id} (${routeKey(route)})`);
  return Object.values(ids);
}

function baseRequest(route: Route, targets: CorpusTargets): fc.Arbitrary<Draft> {
  const example = validBodies[routeKey(route)];
  const valid: fc.Arbitrary<ValidBody | undefined> = example ? example(targets) : fc.constant(undefined);
  const ids = ownIds(route, targets);
  const id = ids.length > 0 ? fc.constantFrom(...ids) : fc.constant('');
  return fc.tuple(valid, id).map(([body, chosenId]) => draftOf(route, body, chosenId));
}

function draftOf(route: Route, body: ValidBody | undefined, id = ''): Draft {
  const draft: Draft = {
    method: route.method,
    pathParams: { ...(id && { id }) },
    query: [],
    headers: {},
    required: [],
    injected: [],
  };
  if (body === undefined) return draft;
  return {
    ...draft,
    pathParams: { ...draft.pathParams, ...body.pathParams },
    headers: { 'content-type': 'application/json' },
    body: { json: body.body },
    required: body.required,
  };
}

/** What every field of a body gets in the field matrix: another JSON type, and for strings each way to be bad. */
const FIELD_DEFECTS: { defect: Defect; applies: (value: Json) => boolean; value: (value: Json) => Json }[] = [
  { defect: 'wrong type', applies: () => true, value: (value) => (typeof value === 'string' ? 12_345 : 'text') },
  { defect: 'bad string', applies: (value) => typeof value === 'string', value: () => ' ' },
  { defect: 'bad string', applies: (value) => typeof value === 'string', value: () => 'x'.repeat(16_385) },
  // Not line breaks: a PEM private key holds them.
  ...['\u0000', '\u001b', '\u009b', '\ud800'].map((inserted) => ({
    defect: 'bad string' as const,
    applies: (value: Json) => typeof value === 'string',
    value: (value: Json) => {
      const text = value as string;
      return `${text.slice(0, text.length >> 1)}${inserted}${text.slice(text.length >> 1)}`;
    },
  })),
];

/** GCP private keys the key file refuses: RSA keys too small or too large to sign with, and keys that are not RSA. */
const BAD_PRIVATE_KEYS = () => [
  rsaKeyOfSize(1024),
  rsaKeyOfSize(8192),
  rsaKeyOfSize(16384),
  generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
];

/** Unknown fields the field matrix adds to every object of a body, names that objects inherit included. */
const UNKNOWN_FIELDS = [
  'unexpected',
  '__proto__',
  'constructor',
  // Names no answer may repeat in full: a secret-shaped one of 65 characters and one of 40 000 (named in 64).
  `AKIA${'Q'.repeat(16)}${'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'}${'z'.repeat(5)}`,
  `long-${'x'.repeat(40_000)}`,
];

function withField(object: JsonObject, name: string, value: Json): JsonObject {
  const copy = { ...object };
  // defineProperty, so that `__proto__` becomes a field as JSON.parse would make it, not the prototype.
  Object.defineProperty(copy, name, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/**
 * Every field of every shape of valid body (each provider's credentialData, each resource type, each kind of PATCH)
 * broken in each way of FIELD_DEFECTS, and every object of it given each of UNKNOWN_FIELDS: the random corpus may
 * miss a rare field, this does not.
 */
export function fieldMatrix(targets: CorpusTargets, seed: number): MalformedRequest[] {
  return routes.flatMap((route) => {
    const example = validBodies[routeKey(route)];
    if (!example) return [];
    const shapes = new Map<string, ValidBody>();
    for (const valid of fc.sample(example(targets), { seed, numRuns: 200 }))
      shapes.set(JSON.stringify(fieldPaths(valid.body)), valid);
    return [...shapes.values()].flatMap((valid) => {
      const draft = draftOf(route, valid);
      const brokenFields = fieldPaths(valid.body).flatMap((path) => {
        const original = getAt(valid.body, path);
        return FIELD_DEFECTS.filter(({ applies }) => applies(original)).map(({ defect, value }) => {
          const broken = value(original);
          return render(route, {
            ...draft,
            body: { json: setAt(valid.body, path, broken) },
            defect,
            injected: typeof broken === 'string' ? worthWatching(broken) : [],
          });
        });
      });
      const unknownFields = objectPaths(valid.body).flatMap((path) =>
        UNKNOWN_FIELDS.map((name) =>
          render(route, {
            ...draft,
            body: {
              json: setAt(valid.body, path, withField(getAt(valid.body, path) as JsonObject, name, { polluted: true })),
            },
            defect: 'unknown field',
            injected: name.length > 64 ? [name] : [],
          }),
        ),
      );
      // Thousands of unknown fields: the answer names at most 50 and counts the rest.
      const manyUnknown = render(route, {
        ...draft,
        body: {
          json: {
            ...valid.body,
            ...Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`unknown${i}`, i])),
          },
        },
        defect: 'unknown field',
      });
      const badNames = fieldPaths(valid.body)
        .filter((path) => path.length === 1 && path[0] === 'name')
        .flatMap((path) => [
          ...[...INVISIBLE, '\u{e0041}'].map((invisible) => {
            const name = `${getAt(valid.body, path)}${invisible}x`;
            return render(route, { ...draft, body: { json: setAt(valid.body, path, name) }, defect: 'bad string' });
          }),
          render(route, {
            ...draft,
            body: { json: setAt(valid.body, path, '\u{1f511}'.repeat(129)) },
            defect: 'bad string',
          }),
        ]);
      const takenNames = namesCredentials(route)
        ? targets.takenNames
            .flatMap(lookAlikes)
            .map((name) => render(route, { ...draft, body: { json: { ...valid.body, name } }, defect: 'taken name' }))
        : [];
      const badKeys = fieldPaths(valid.body)
        .filter((path) => path.at(-1) === 'private_key')
        .flatMap((path) =>
          BAD_PRIVATE_KEYS().map((pem) =>
            render(route, { ...draft, body: { json: setAt(valid.body, path, pem) }, defect: 'bad string' }),
          ),
        );
      return [...brokenFields, ...unknownFields, manyUnknown, ...badNames, ...takenNames, ...badKeys];
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Bad values

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const literalSegments = new Set(
  routes.flatMap((route) => route.path.split('/')).filter((segment) => !segment.startsWith('{')),
);
const anyText = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 40 }),
);

const notUuid = fc
  .oneof(
    anyText,
    fc.uuid().map((id) => id.slice(0, -1)),
    fc.uuid().map((id) => `${id}0`),
    fc.uuid().map((id) => id.replaceAll('-', '')),
    fc.uuid().map((id) => `{${id}}`),
    fc.uuid().map((id) => ` ${id}`),
    fc.uuid().map((id) => `${id}\u0000`),
    fc.uuid().map((id) => id.replace(/[0-9a-f]/, 'g')),
    fc.uuid().map((id) => id.replace(/-/, '\u2010')),
    fc.string({ unit: 'grapheme-ascii', minLength: 2000, maxLength: 6000 }),
    fc.constantFrom(
      'null',
      'undefined',
      '0',
      '-1',
      'NaN',
      'true',
      '[]',
      '{}',
      '__proto__',
      'constructor',
      "' OR '1'='1",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Log4Shell probe, sent as plain text on purpose
      '${jndi:ldap://x}',
      '*',
      'ORG#other',
    ),
  )
  .filter((value) => !UUID.test(value) && !/^\.*$/.test(value) && !literalSegments.has(value));

/** Segments that are not even valid percent-encoding, sent as they are. */
const brokenEncoding = fc.constantFrom(
  '%',
  '%zz',
  '%E0%A4%A',
  '%ED%A0%80',
  '%C0%AF',
  '%FF%FE',
  '%00',
  '%0A%0D',
  '%2F',
  '%252F',
  '%u0041',
);

function percentEncode(value: string): string {
  return Array.from(Buffer.from(value, 'utf8'), (byte) => {
    const char = String.fromCharCode(byte);
    return /[A-Za-z0-9_.~-]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

function jsonTypeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/** A JSON value of another type than `original`. */
function otherType(original: unknown): fc.Arbitrary<Json> {
  const byType: Record<string, fc.Arbitrary<Json>> = {
    string: fc.string({ unit: 'grapheme', maxLength: 20 }),
    number: fc.oneof(
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(1e308, -0, 2 ** 53 + 1),
    ),
    boolean: fc.boolean(),
    null: fc.constant(null),
    array: fc.array(fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>, { maxLength: 4 }),
    object: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>, {
      maxKeys: 4,
    }),
  };
  return fc.oneof(
    ...Object.entries(byType)
      .filter(([type]) => type !== jsonTypeOf(original))
      .map(([, arbitrary]) => arbitrary),
  );
}

const CONTROL = fc.constantFrom(
  '\u0000',
  '\u0001',
  '\u0007',
  '\b',
  '\t',
  '\n',
  '\r',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u009b',
);
/** Invisible format characters (Unicode Cf): zero-width, bidirectional controls, word joiners, the byte order mark. */
const INVISIBLE = [
  '\u200b',
  '\u200c',
  '\u200d',
  '\u200e',
  '\u200f',
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2060',
  '\u2061',
  '\u2062',
  '\u2063',
  '\u2064',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\ufeff',
  '\u00ad',
  '\u061c',
];

/** Spellings of `name` that fold to it (NFKC and case folding): each is the same name. */
function lookAlikes(name: string): string[] {
  const fullwidth = name.replace(/[!-~]/g, (char) => String.fromCharCode(char.charCodeAt(0) + 0xfee0));
  const spellings = [
    name.toUpperCase(),
    name.toLowerCase(),
    fullwidth,
    name.normalize('NFD'),
    name.replace(/ß/g, 'SS'),
    name.replace(/ß/g, 'ẞ'),
    name.replace(/ffi/g, '\ufb03'),
    `  ${name.toUpperCase()}\t`,
  ];
  return [...new Set(spellings)].filter((spelling) => spelling !== name);
}

function takenName(targets: CorpusTargets): Breaker {
  const names = fc.constantFrom(...targets.takenNames.flatMap(lookAlikes));
  return (draft) => names.map((name) => broken('taken name', draft, { body: { json: { ...jsonOf(draft), name } } }));
}

const LOOK_ALIKES: Record<string, string> = {
  A: '\u0410',
  E: '\u0395',
  O: '\u041e',
  S: '\u0405',
  C: '\u0421',
  P: '\u0420',
  T: '\u0422',
};

/**
 * A string the field cannot accept: blank, longer than any field allows (in ASCII, or in 2- and 3-byte characters
 * that still fit the body limit), with control characters or half a surrogate pair inside, or, for an upper-case
 * code such as `AWS`, one letter swapped for a look-alike from another script.
 */
function badString(original: string, path: Path = []): fc.Arbitrary<string> {
  // Inside, not at the ends: names are trimmed, and tabs or newlines around one are whitespace, not a defect.
  const inside = fc.integer({ min: Math.min(1, original.length), max: Math.max(0, original.length - 1) });
  const insert = (inserted: fc.Arbitrary<string>) =>
    fc.tuple(inside, inserted).map(([index, text]) => `${original.slice(0, index)}${text}${original.slice(index)}`);
  const wide = fc
    .oneof(fc.integer({ min: 0x0400, max: 0x04ff }), fc.integer({ min: 0x4e00, max: 0x9fff }))
    .map((code) => String.fromCharCode(code));
  const variants = [
    fc.constantFrom('', ' ', '\t\n ', '\u00a0'.repeat(3)),
    fc.integer({ min: 16_385, max: 40_000 }).map((length) => 'x'.repeat(length)),
    fc.string({ unit: wide, minLength: 16_385, maxLength: 17_500 }),
    insert(fc.string({ unit: CONTROL, minLength: 1, maxLength: 3 })),
    insert(fc.constantFrom('\ud800', '\udfff', '\udc00\ud800')),
  ];
  if (path.length === 1 && path[0] === 'name') {
    // Names: an invisible format character anywhere, ends included (trimming keeps them), and 129 characters of
    // two code units each.
    variants.push(
      fc
        .tuple(fc.integer({ min: 0, max: original.length }), fc.constantFrom(...INVISIBLE))
        .map(([index, invisible]) => `${original.slice(0, index)}${invisible}${original.slice(index)}`),
      fc.constantFrom('\u{1f511}', '\u{1d400}', '\u{20000}').map((wide) => wide.repeat(129)),
    );
  }
  const swappable = [...original].flatMap((char, index) => (LOOK_ALIKES[char] ? [index] : []));
  if (/^[A-Z_]+$/.test(original) && swappable.length > 0) {
    variants.push(
      fc
        .constantFrom(...swappable)
        .map((index) => `${original.slice(0, index)}${LOOK_ALIKES[original[index]!]}${original.slice(index + 1)}`),
    );
  }
  return fc.oneof(...variants);
}

// ---------------------------------------------------------------------------------------------------------------
// Defects: each turns a valid draft into drafts that break one thing

type Breaker = (draft: Draft) => fc.Arbitrary<Draft>;

interface Weighted {
  breaker: Breaker;
  weight?: number;
}

function broken(kind: Defect, draft: Draft, change: Partial<Draft>): Draft {
  return { ...draft, ...change, injected: [...draft.injected, ...(change.injected ?? [])], defect: kind };
}

function worthWatching(value: string): string[] {
  return value.trim().length >= 8 && value.length <= 200 ? [value] : [];
}

function badPathId(route: Route): Breaker {
  const names = pathParameterNames(route);
  const value = fc.oneof(notUuid.map(percentEncode), brokenEncoding);
  return (draft) =>
    fc
      .tuple(fc.constantFrom(...names), value)
      .map(([name, encoded]) => broken('path id', draft, { pathParams: { ...draft.pathParams, [name]: encoded } }));
}

const queryName = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
  fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 20 }),
  fc.constantFrom(
    'orgId',
    'org_id',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'Limit',
    'PROVIDER',
    'limit ',
    'cursor[]',
    'debug',
    'admin',
    'id',
    '',
  ),
);

function unknownQuery(route: Route): Breaker {
  const documented = new Set(queryParameters(route).map((parameter) => parameter.name));
  const pair = fc.oneof(
    fc
      .tuple(queryName, fc.string({ unit: 'grapheme', maxLength: 30 }))
      .map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`),
    // Bare names, names with an empty value, and separators alone.
    queryName.map((name) => percentEncode(name)),
    fc.constantFrom('=x', '=', 'a=1=2', '%zz=1'),
  );
  const unknown = (text: string) => {
    const names = [...new URLSearchParams(text).keys()];
    return names.length > 0 && names.some((name) => !documented.has(name));
  };
  return (draft) =>
    pair.filter(unknown).map((text) => broken('unknown query parameter', draft, { query: [...draft.query, text] }));
}

function badQueryValue(route: Route): Breaker {
  const parameter = fc.constantFrom(...queryParameters(route));
  return (draft) =>
    parameter.chain((chosen) =>
      badParameterValue(resolve(chosen.schema)).map((value) =>
        broken('bad query value', draft, { query: [...draft.query, `${chosen.name}=${percentEncode(value)}`] }),
      ),
    );
}

/** A value the parameter's schema refuses. */
function badParameterValue(schema: Schema): fc.Arbitrary<string> {
  if (schema.enum) {
    const values = schema.enum;
    return fc
      .oneof(
        fc.constantFrom(...values.map((value) => value.toLowerCase()), ...values.map((value) => ` ${value}`), ''),
        anyText,
      )
      .filter((value) => !values.includes(value));
  }
  if (schema.type === 'integer') {
    const min = schema.minimum ?? Number.MIN_SAFE_INTEGER;
    const max = schema.maximum ?? Number.MAX_SAFE_INTEGER;
    return fc.oneof(
      fc.integer({ max: min - 1 }).map(String),
      fc.integer({ min: max + 1 }).map(String),
      fc.double({ min, max, noInteger: true, noNaN: true }).map(String),
      fc.constantFrom('', 'abc', '1e1', '0x10', '+5', '5 ', '\u0663', 'Infinity', '1,5', '99999999999999999999999'),
    );
  }
  if (schema.format === 'uuid') return notUuid.filter((value) => value.length < 2000);
  if (schema.format === 'date-time') {
    return fc.oneof(
      fc.constantFrom(
        '2026-02-18',
        '2026-02-18T13:00:00',
        '2026-13-01T00:00:00Z',
        '2026-02-18 13:00:00Z',
        'yesterday',
        '1739883600',
        'T13:00:00Z',
        '',
      ),
      anyText,
    );
  }
  return junkCursor(schema.maxLength ?? 512);
}

/** Cursors no list ever handed out: not base64url, too long, or decoding to a key that is not a list position. */
function junkCursor(maxLength: number): fc.Arbitrary<string> {
  const encode = (text: string) => Buffer.from(text).toString('base64url');
  return fc.oneof(
    anyText.filter((value) => /[^A-Za-z0-9_-]/.test(value)),
    fc.string({
      unit: fc.constantFrom(...'ABCDEFabcdef0123456789-_'),
      minLength: maxLength + 1,
      maxLength: maxLength + 50,
    }),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('base64url')),
    fc
      .constantFrom(
        'ORG#other',
        'NAME#x',
        'RES#',
        'LINK#',
        'IDEMPOTENCY#k',
        'CRED#',
        'AUDIT#',
        'CRED#../../x',
        'AUDIT#not-an-id',
      )
      .map(encode),
    fc
      .tuple(fc.constantFrom('CRED#', 'AUDIT#', 'RES#'), fc.uuid())
      .map(([prefix, id]) => encode(`ORG#other-org#${prefix}${id}`)),
    fc.tuple(fc.constantFrom('CRED#', 'AUDIT#'), fc.uuid()).map(([prefix, id]) => `${encode(prefix + id)}==`),
  );
}

function duplicatedQuery(route: Route): Breaker {
  const parameter = fc.constantFrom(...queryParameters(route));
  return (draft) =>
    parameter.chain((chosen) => {
      const value = goodParameterValue(resolve(chosen.schema));
      return fc.tuple(value, value).map(([first, second]) =>
        broken('duplicated query parameter', draft, {
          query: [...draft.query, `${chosen.name}=${percentEncode(first)}`, `${chosen.name}=${percentEncode(second)}`],
        }),
      );
    });
}

/** A value the parameter's schema accepts. */
function goodParameterValue(schema: Schema): fc.Arbitrary<string> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.type === 'integer')
    return fc.integer({ min: schema.minimum ?? 1, max: schema.maximum ?? 100 }).map(String);
  if (schema.format === 'uuid') return fc.uuid();
  if (schema.format === 'date-time')
    return fc
      .date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
      .map((date) => date.toISOString());
  return fc.uuid().map((id) => Buffer.from(`CRED#${id}`).toString('base64url'));
}

const match = routeMatcher(routes);

/** A method no route serves on the draft's path (`DELETE /credentials/aws-role-setup` is `DELETE /credentials/{id}`). */
function wrongMethod(route: Route): Breaker {
  return (draft) => {
    const path = pathOf(route, draft);
    const unserved = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((method) => match(method, path) === undefined);
    // fetch sends no body with GET.
    return fc
      .constantFrom(...unserved)
      .map((method) =>
        broken('wrong method', draft, { method, ...(method === 'GET' && { body: undefined, headers: {} }) }),
      );
  };
}

function badHeader(route: Route): Breaker {
  const parameter = fc.constantFrom(...headerParameters(route));
  // What fetch can send: no NUL, CR or LF; Node's parser refuses other control characters before the API sees them.
  const headerChar = fc
    .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff }))
    .map((code) => String.fromCharCode(code));
  const value = fc.oneof(
    fc.string({ unit: headerChar, minLength: 1, maxLength: 40 }),
    fc.string({ unit: fc.constantFrom(...'abcdefXYZ0129-_'), minLength: 256, maxLength: 600 }),
    fc.tuple(fc.uuid(), fc.uuid()).map(([a, b]) => `${a} ${b}`),
  );
  return (draft) =>
    parameter.chain((chosen) => {
      const pattern = new RegExp(resolve(chosen.schema).pattern!);
      // HTTP drops spaces and tabs around a header value.
      return value
        .filter((text) => !pattern.test(text.replace(/^[ \t]+|[ \t]+$/g, '')))
        .map((text) =>
          broken('bad header', draft, { headers: { ...draft.headers, [chosen.name.toLowerCase()]: text } }),
        );
    });
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonOf(draft: Draft): JsonObject {
  if (!draft.body || !('json' in draft.body) || !isObject(draft.body.json))
    throw new Error('the draft has no JSON object body');
  return draft.body.json;
}

function setAt(value: Json, path: Path, replacement: Json | undefined): Json {
  if (path.length === 0) return replacement ?? null;
  const [head, ...rest] = path as [string, ...Path];
  const copy: JsonObject = { ...(value as JsonObject) };
  if (rest.length === 0 && replacement === undefined) delete copy[head];
  else copy[head] = setAt(copy[head] ?? null, rest, replacement);
  return copy;
}

function getAt(value: Json, path: Path): Json {
  return path.reduce<Json>((node, key) => (node as JsonObject)[key as string] ?? null, value);
}

function objectPaths(value: Json, prefix: Path = []): Path[] {
  if (!isObject(value)) return [];
  return [prefix, ...Object.entries(value).flatMap(([key, child]) => objectPaths(child, [...prefix, key]))];
}

/** Stands for a value spliced in as raw JSON text. */
const MARKER = '\u0000marker\u0000';

/** A body defect at one of the paths `where` lists for the draft's body. */
function atPath(
  kind: Defect,
  where: (body: JsonObject, draft: Draft) => Path[],
  change: (body: JsonObject, path: Path) => fc.Arbitrary<Partial<Draft>>,
): Breaker {
  return (draft) => {
    const body = jsonOf(draft);
    const paths = where(body, draft);
    // A PATCH requires no field: without one it is the empty object, which no PATCH accepts.
    if (paths.length === 0) return fc.constant(broken(kind, draft, { body: { json: {} } }));
    return fc
      .constantFrom(...paths)
      .chain((path) => change(body, path))
      .map((changed) => broken(kind, draft, changed));
  };
}

function wholeBody(kind: Defect, change: (body: JsonObject) => fc.Arbitrary<Partial<Draft>>): Breaker {
  return (draft) => change(jsonOf(draft)).map((changed) => broken(kind, draft, changed));
}

const missingField = atPath(
  'missing field',
  (_, draft) => draft.required,
  (body, path) => fc.constant({ body: { json: setAt(body, path, undefined) } }),
);

/** A field no schema of the document knows, at the top or in a nested object. */
const unknownField = atPath(
  'unknown field',
  (body) => objectPaths(body),
  (body, path) =>
    fc
      .tuple(
        fc
          .oneof({ arbitrary: queryName, weight: 4 }, fc.string({ unit: 'grapheme', minLength: 65, maxLength: 3000 }))
          .filter((name) => !knownFields.has(name)),
        fc.jsonValue({ maxDepth: 2 }),
      )
      .map(([name, value]) => ({
        body: { json: setAt(body, path, withField(getAt(body, path) as JsonObject, name, value as Json)) },
        // A long name is named cut to 64 characters, never in full.
        injected: Array.from(name).length > 64 ? [name] : [],
      })),
);

const wrongType = atPath(
  'wrong type',
  (body) => fieldPaths(body),
  (body, path) => otherType(getAt(body, path)).map((value) => ({ body: { json: setAt(body, path, value) } })),
);

const badStringField = atPath(
  'bad string',
  (body) => fieldPaths(body).filter((path) => typeof getAt(body, path) === 'string'),
  (body, path) =>
    badString(getAt(body, path) as string, path).map((value) => ({
      body: { json: setAt(body, path, value) },
      injected: worthWatching(value),
    })),
);

const duplicatedKey = atPath(
  'duplicated JSON key',
  (body) => objectPaths(body).filter((path) => Object.keys(getAt(body, path) as JsonObject).length > 0),
  (body, path) =>
    fc
      .tuple(fc.constantFrom(...Object.keys(getAt(body, path) as JsonObject)), fc.jsonValue({ maxDepth: 1 }))
      .map(([key, second]) => ({
        body: { raw: withDuplicateKey(body, path, key, second as Json) },
      })),
);

/** Nested arrays or objects in place of a field, or as an extra field, within the 64 KiB limit. */
const deepNesting = atPath(
  'deep nesting',
  (body) => [...fieldPaths(body), ...objectPaths(body).map((path) => [...path, 'nested'])],
  (body, path) =>
    fc.tuple(fc.integer({ min: 500, max: 30_000 }), fc.boolean()).map(([depth, arrays]) => {
      const objects = Math.min(depth, 10_000);
      const nested = arrays
        ? `${'['.repeat(depth)}${']'.repeat(depth)}`
        : `${'{"a":'.repeat(objects)}1${'}'.repeat(objects)}`;
      return { body: { raw: JSON.stringify(setAt(body, path, MARKER)).replace(JSON.stringify(MARKER), nested) } };
    }),
);

const notJson = wholeBody('not JSON', (body) => {
  const text = JSON.stringify(body);
  return fc
    .oneof(
      fc.nat({ max: text.length - 1 }).map((cut) => text.slice(0, cut)),
      fc.constantFrom('}', ',', ' x', '{"a":1}', '\u0000', ']').map((junk) => text + junk),
      fc.constantFrom(
        text.replaceAll('"', "'"),
        `\ufeff${text}`,
        text.replace(/\}$/, ',}'),
        `/* comment */${text}`,
        text.replace(/"(\w+)":/, '$1:'),
      ),
      // UTF-16, and bytes that are not UTF-8 at all.
      fc.constantFrom<Uint8Array>(
        Buffer.from(text, 'utf16le'),
        Buffer.concat([Buffer.from([0xff, 0xfe, 0xc0]), Buffer.from(text)]),
      ),
      anyText,
    )
    .filter((raw) => typeof raw !== 'string' || !parses(raw))
    .map((raw) => ({ body: { raw } }));
});

const WRONG_CONTENT_TYPES = [
  'text/plain',
  'text/html',
  'text/json',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/javascript',
  'application/jsonl',
  'application/json-seq',
  'image/png',
  'json',
];

const wrongContentType = wholeBody('wrong content type', (body) =>
  fc.oneof(
    fc
      .constantFrom(...WRONG_CONTENT_TYPES)
      .map((type) => ({ headers: { 'content-type': type }, body: { raw: JSON.stringify(body) } })),
    // No Content-Type at all: fetch adds none to bytes.
    fc.constant({ headers: {}, body: { raw: Buffer.from(JSON.stringify(body)) as Uint8Array } }),
  ),
);

const oversizedBody = wholeBody('oversized body', (body) =>
  fc
    .oneof(
      fc
        .integer({ min: 64 * 1024 + 1, max: 200 * 1024 })
        .map((size) => JSON.stringify({ ...body, padding: 'x'.repeat(size) })),
      fc.integer({ min: 64 * 1024 + 1, max: 100 * 1024 }).map((size) => JSON.stringify(body) + ' '.repeat(size)),
      // Fewer than 64 Ki characters, more than 64 KiB once UTF-8 encoded.
      fc
        .integer({ min: 22_000, max: 30_000 })
        .map((count) => JSON.stringify({ ...body, name: '\u20ac'.repeat(count) })),
    )
    .map((raw) => ({ body: { raw } })),
);

const notAnObject = wholeBody('not an object', () =>
  fc
    .oneof(
      fc.constant(null),
      fc.jsonValue({ maxDepth: 2 }).filter((value) => !isObject(value)),
    )
    .map((json) => ({ body: { json: json as Json } })),
);

/** Defects inside the body's fields weigh more: there are many fields, and each kind of field fails its own way. */
const bodyDefects: Weighted[] = [
  { breaker: missingField, weight: 3 },
  { breaker: unknownField, weight: 3 },
  { breaker: wrongType, weight: 3 },
  { breaker: badStringField, weight: 3 },
  { breaker: duplicatedKey },
  { breaker: deepNesting },
  { breaker: notJson },
  { breaker: wrongContentType },
  { breaker: oversizedBody },
  { breaker: notAnObject },
];

function bodyWhereNone(): Breaker {
  const body = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }).map((json) => ({ raw: JSON.stringify(json), type: 'application/json' })),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).map((raw) => ({ raw, type: 'text/plain' })),
  );
  return (draft) =>
    body.map(({ raw, type }) =>
      broken('body on a route without one', draft, {
        body: { raw },
        headers: { ...draft.headers, 'content-type': type },
      }),
    );
}

function withDuplicateKey(body: JsonObject, path: Path, key: string, second: Json): string {
  const target = getAt(body, path) as JsonObject;
  const text = JSON.stringify(setAt(body, path, { ...target, [key]: MARKER }));
  return text.replace(
    JSON.stringify(MARKER),
    `${JSON.stringify(target[key])},${JSON.stringify(key)}:${JSON.stringify(second)}`,
  );
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function pathOf(route: Route, draft: Draft): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => draft.pathParams[name] ?? '');
}

function render(route: Route, draft: Draft): MalformedRequest {
  const path = pathOf(route, draft);
  const query = draft.query.length > 0 ? `?${draft.query.join('&')}` : '';
  const body =
    draft.body === undefined ? undefined : 'json' in draft.body ? JSON.stringify(draft.body.json) : draft.body.raw;
  if (!draft.defect) throw new Error('a case must break something');
  return {
    route,
    defect: draft.defect,
    method: draft.method,
    path: path + query,
    headers: draft.headers,
    ...(body !== undefined && { body }),
    injected: draft.injected,
  };
}
