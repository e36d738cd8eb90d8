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

export function validationError(validationErrors: ValidationErrors): ServiceError {
  return new ServiceError('VALIDATION_ERROR', 'Request validation failed', { validationErrors });
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
