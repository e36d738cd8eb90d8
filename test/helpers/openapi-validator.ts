import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { API_PREFIX } from '#functions/routes.ts';
import document from '../../openapi/openapi.json' with { type: 'json' };

/** One response as a client saw it. */
export interface ObservedResponse {
  method: string;
  /** Path and query, as requested. */
  path: string;
  status: number;
  headers: Headers;
  text: string;
}

interface HeaderObject {
  required?: boolean;
  schema: object;
}

interface ResponseObject {
  headers?: Record<string, HeaderObject | { $ref: string }>;
  content?: Record<string, unknown>;
}

type Operation = { responses: Record<string, ResponseObject | { $ref: string }> };

const DOCUMENT_ID = 'openapi.json';
const paths = document.paths as unknown as Record<string, Record<string, Operation | undefined>>;
const JSON_MEDIA = 'application/json';

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);
ajv.addSchema(document, DOCUMENT_ID);
const validators = new Map<string, ValidateFunction>();

/** Documented paths, literal segments first (as API Gateway matches them), each with its pattern. */
const documentedPaths = Object.keys(paths)
  .map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^/]+\}/g, '[^/]+')}$`),
    literals: template.split('/').filter((segment) => !segment.startsWith('{')).length,
  }))
  .sort((a, b) => b.literals - a.literals);

/**
 * What the OpenAPI document says is wrong with a response of the API: an undocumented operation or status, a missing
 * required header or one with a value its schema refuses, a wrong content type, or a body its schema refuses.
 * A path no operation matches (the gateway's 404) must still carry the contract's error body.
 */
export function openApiViolations(observed: ObservedResponse): string[] {
  const pathname = new URL(observed.path, 'http://api.local').pathname.replace(/\/$/, '');
  if (!pathname.startsWith(API_PREFIX)) return [];
  const where = `${observed.method} ${pathname} → ${observed.status}`;
  const found = documentedPaths.find(({ pattern }) => pattern.test(pathname));
  const operation = found && paths[found.template]?.[observed.method.toLowerCase()];
  if (!found || !operation) {
    return bodyViolations(observed, '#/components/schemas/Error').map(
      (problem) => `${where} (no documented operation): ${problem}`,
    );
  }
  const status = String(observed.status);
  const declared = operation.responses[status];
  if (!declared) return [`${where}: status ${status} is not documented`];
  const [response, pointer] = resolve<ResponseObject>(
    declared,
    `#/paths/${escapePointer(found.template)}/${observed.method.toLowerCase()}/responses/${status}`,
  );

  const problems: string[] = [];
  for (const [name, header] of Object.entries(response.headers ?? {})) {
    const [resolved, headerPointer] = resolve<HeaderObject>(header, `${pointer}/headers/${escapePointer(name)}`);
    const value = observed.headers.get(name);
    if (value === null) {
      if (resolved.required) problems.push(`required header ${name} is missing`);
      continue;
    }
    const typed =
      /^-?\d+$/.test(value) && (resolved.schema as { type?: string }).type === 'integer' ? Number(value) : value;
    problems.push(...schemaViolations(`${headerPointer}/schema`, typed).map((problem) => `header ${name}: ${problem}`));
  }
  if (response.content?.[JSON_MEDIA] === undefined) {
    if (observed.text !== '') problems.push('a body was sent where the document declares none');
  } else {
    problems.push(...bodyViolations(observed, `${pointer}/content/${escapePointer(JSON_MEDIA)}/schema`));
  }
  return problems.map((problem) => `${where}: ${problem}`);
}

function bodyViolations(observed: ObservedResponse, schemaPointer: string): string[] {
  const contentType = observed.headers.get('content-type') ?? '';
  if (!contentType.startsWith(JSON_MEDIA)) return [`content type ${contentType || '(none)'} is not ${JSON_MEDIA}`];
  let body: unknown;
  try {
    body = JSON.parse(observed.text);
  } catch {
    return ['the body is not JSON'];
  }
  return schemaViolations(schemaPointer, body);
}

function schemaViolations(pointer: string, value: unknown): string[] {
  let validate = validators.get(pointer);
  if (!validate) {
    validate = ajv.compile({ $ref: `${DOCUMENT_ID}${pointer}` });
    validators.set(pointer, validate);
  }
  if (validate(value)) return [];
  return (validate.errors ?? []).map(
    (error) => `${error.instancePath || '(root)'} ${error.message} (${error.schemaPath})`,
  );
}

/** Follows a `$ref` to a component, returning the object and the JSON pointer it lives at. */
function resolve<T>(value: T | { $ref: string }, pointer: string): [T, string] {
  if (typeof value !== 'object' || value === null || !('$ref' in value)) return [value as T, pointer];
  const target = value.$ref;
  const resolved = target
    .slice(2)
    .split('/')
    .reduce<unknown>(
      (node, part) => (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')],
      document,
    );
  return [resolved as T, target];
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
