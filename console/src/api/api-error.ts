/** A failed API call, carrying the contract's error body (§1.2) or a stand-in when there was none. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly validationErrors: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
