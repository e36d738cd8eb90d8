import type { ErrorCode, ValidationErrors } from '#shared/errors.ts';

/** The contract's error body (§1.2), used by handlers, the gateway responses and the local server alike. */
export interface ErrorBody {
  error: ErrorCode;
  message: string;
  timestamp: string;
  requestId: string;
  validationErrors?: ValidationErrors;
}

export function errorBody(
  error: ErrorCode,
  message: string,
  requestId: string,
  validationErrors?: ValidationErrors,
): ErrorBody {
  return {
    error,
    message,
    timestamp: new Date().toISOString(),
    requestId,
    ...(validationErrors && { validationErrors }),
  };
}
