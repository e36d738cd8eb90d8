import type { APIGatewayProxyResult } from 'aws-lambda';
import { DependencyError, ERROR_STATUS, type ErrorCode, ServiceError, type ValidationErrors } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import { respond } from './responses.ts';

interface MiddyHttpError {
  statusCode: number;
  message: string;
  cause?: { package?: string };
}

/** Turns any error into the contract's body. Only ServiceErrors carry their message; 5xx bodies stay generic. */
export function errorResponse(error: unknown, requestId: string): APIGatewayProxyResult {
  if (error instanceof ServiceError) {
    const headers: Record<string, string> = {};
    if (error.details.retryAfterSeconds !== undefined) headers['Retry-After'] = String(error.details.retryAfterSeconds);
    return respond(
      ERROR_STATUS[error.code],
      errorBody(error.code, error.message, requestId, {
        validationErrors: error.details.validationErrors,
        missingPermissions: error.details.missingPermissions,
      }),
      headers,
    );
  }
  if (error instanceof DependencyError || outOfTime(error)) {
    logger.error(
      'dependency failed',
      error instanceof DependencyError
        ? { dependency: error.dependency, cause: (error.cause as Error)?.name, requestId }
        : { dependency: 'time budget', cause: (error as Error).name, requestId },
    );
    return respond(
      503,
      errorBody(
        'SERVICE_UNAVAILABLE',
        'A service dependency is temporarily unavailable; nothing was written. Retry later.',
        requestId,
      ),
    );
  }
  const bodyError = bodyParserError(error);
  if (bodyError)
    return respond(
      400,
      errorBody('VALIDATION_ERROR', 'Request validation failed', requestId, { validationErrors: { body: bodyError } }),
    );
  logger.error('unexpected error', { errorName: (error as Error)?.name, stack: (error as Error)?.stack, requestId });
  return respond(500, errorBody('INTERNAL_ERROR', 'An unexpected error occurred', requestId));
}

/**
 * middy's own answer when the Lambda is about to time out (5 ms before): the route waited too long for something. Its
 * dependency calls ended a second earlier (the invocation's deadline), so nothing is still being written.
 */
function outOfTime(error: unknown): boolean {
  const httpError = error as MiddyHttpError & { name?: string };
  return httpError?.name === 'TimeoutError' && httpError.cause?.package === '@middy/core';
}

function bodyParserError(error: unknown): string | undefined {
  const httpError = error as MiddyHttpError;
  if (httpError?.cause?.package !== '@middy/http-json-body-parser') return undefined;
  return httpError.message === 'Unsupported Media Type'
    ? 'Content-Type must be application/json'
    : 'Must be valid JSON';
}

/** The contract's error body (§1.2), used by handlers, the gateway responses and the local server alike. */
export interface ErrorBody {
  error: ErrorCode;
  message: string;
  timestamp: string;
  requestId: string;
  validationErrors?: ValidationErrors;
  /** With `VERIFICATION_FAILED` from `POST /resources/{id}/verify`: the permissions the check found not granted. */
  missingPermissions?: string[];
}

export function errorBody(
  error: ErrorCode,
  message: string,
  requestId: string,
  extra: { validationErrors?: ValidationErrors | undefined; missingPermissions?: string[] | undefined } = {},
): ErrorBody {
  return {
    error,
    message,
    timestamp: new Date().toISOString(),
    requestId,
    ...(extra.validationErrors && { validationErrors: extra.validationErrors }),
    ...(extra.missingPermissions && { missingPermissions: extra.missingPermissions }),
  };
}
