/** The error codes of the contract (§1.2). The domain throws them; the HTTP layer maps them to statuses. */
export type ErrorCode =
  | 'VALIDATION_ERROR'
  | 'CREDENTIAL_IN_USE'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'CREDENTIAL_NOT_FOUND'
  | 'RESOURCE_NOT_FOUND'
  | 'NOT_FOUND'
  | 'CREDENTIAL_NAME_CONFLICT'
  | 'VERIFICATION_FAILED'
  | 'PAYLOAD_TOO_LARGE'
  | 'RATE_LIMIT_EXCEEDED'
  | 'INTERNAL_ERROR'
  | 'SERVICE_UNAVAILABLE';

/** The HTTP status of each code. */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  VALIDATION_ERROR: 400,
  CREDENTIAL_IN_USE: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  CREDENTIAL_NOT_FOUND: 404,
  RESOURCE_NOT_FOUND: 404,
  NOT_FOUND: 404,
  CREDENTIAL_NAME_CONFLICT: 409,
  VERIFICATION_FAILED: 400,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMIT_EXCEEDED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
};

export type ValidationErrors = Record<string, string>;

/** The longest field path a validation error names, in characters (code points): a client's field name is cut there. */
export const MAX_FIELD_NAME = 64;
/** The most fields one validation error names: a body of thousands of unknown fields is not echoed back. */
export const MAX_FIELD_ERRORS = 50;

/** `name` as an answer may repeat it: at most 64 characters, cut and marked with `…`. */
export function fieldName(name: string): string {
  if (name.length <= MAX_FIELD_NAME) return name;
  // Code points, read no further than needed: the name may be 60 KB long.
  const kept: string[] = [];
  for (const character of name) {
    if (kept.length === MAX_FIELD_NAME) return `${kept.slice(0, -1).join('')}…`;
    kept.push(character);
  }
  return name;
}

export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: {
      validationErrors?: ValidationErrors;
      retryAfterSeconds?: number;
      /** With `VERIFICATION_FAILED` from a resource check: the permissions found not granted (contract §6.2). */
      missingPermissions?: string[];
    } = {},
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

/**
 * 400 VALIDATION_ERROR with a message per field. Every path that names a field comes here, so none echoes a client's
 * field name in full: paths are cut to 64 characters (`fieldName`), and past 50 fields the rest are counted, not named.
 */
export function validationError(validationErrors: ValidationErrors): ServiceError {
  // A Map, not an object: a field named `__proto__` keeps its own entry.
  const named = new Map<string, string>();
  const entries = Object.entries(validationErrors);
  for (const [path, message] of entries) {
    if (named.size === MAX_FIELD_ERRORS - 1 && entries.length > MAX_FIELD_ERRORS) break;
    if (!named.has(fieldName(path))) named.set(fieldName(path), message);
  }
  const unnamed = entries.length - named.size;
  if (entries.length > MAX_FIELD_ERRORS && unnamed > 0) named.set('…', `${unnamed} more fields refused`);
  return new ServiceError('VALIDATION_ERROR', 'Request validation failed', {
    validationErrors: Object.fromEntries(named),
  });
}

export function credentialNotFound(id: string): ServiceError {
  return new ServiceError('CREDENTIAL_NOT_FOUND', `Credential with ID ${id} not found`);
}

export function credentialNameConflict(name: string): ServiceError {
  return new ServiceError('CREDENTIAL_NAME_CONFLICT', `A credential named "${name}" already exists`);
}

export function resourceNotFound(id: string): ServiceError {
  return new ServiceError('RESOURCE_NOT_FOUND', `Resource with ID ${id} not found`);
}

/**
 * A resource check failed; `reason` is actionable and scrubbed of anything secret. `missingPermissions` is given when
 * the check got an answer about the resource (`[]` when only the resource is missing), absent when it got none.
 */
export function verificationFailed(reason: string, missingPermissions?: string[]): ServiceError {
  return new ServiceError('VERIFICATION_FAILED', reason, missingPermissions ? { missingPermissions } : {});
}

/** A dependency (KMS, DynamoDB, the queue) failed; the caller may retry. Never carries the cause's text. */
export class DependencyError extends Error {
  constructor(
    readonly dependency: 'KMS' | 'DynamoDB' | 'Queue',
    options?: { cause?: unknown },
  ) {
    super(`${dependency} request failed`, options);
    this.name = 'DependencyError';
  }
}
