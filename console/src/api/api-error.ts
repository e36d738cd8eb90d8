/** A failed API call, carrying the contract's error body (§1.2) or a stand-in when there was none. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly validationErrors: Record<string, string> = {},
    readonly details: ApiErrorDetails = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiErrorDetails {
  /** A 429's `Retry-After`, in seconds. */
  retryAfterSeconds?: number;
  /** A resource verify's `400 VERIFICATION_FAILED` names the permissions that are not granted (contract §6.2). */
  missingPermissions?: string[];
}

/** The sentence a person reads for a refused call: a 429 says when to try again instead of the API's wording. */
export function problemText(error: ApiError): string {
  if (error.status === 429) return rateLimitText(error.details.retryAfterSeconds);
  return error.message;
}

export function rateLimitText(retryAfterSeconds: number | undefined): string {
  const wait = retryAfterSeconds === undefined ? 'in a minute' : `in ${retryAfterSeconds} s`;
  return `Your organization has used its API requests for this minute. Nothing was changed; try again ${wait}.`;
}
