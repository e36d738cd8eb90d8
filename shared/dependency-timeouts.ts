/**
 * How long the service waits for its own AWS dependencies: the one place these numbers live (docs/operations.md,
 * "Time budgets", explains them to operators). Provider calls have their own PROVIDER_TIMEOUT_MS.
 *
 * The arithmetic. An attempt ends by `requestTimeout` (a TCP connection must come within `connectionTimeout`); the
 * SDK (its 2026 standard retry strategy, @smithy/core) waits before retry i a random share of 50 ms × 2^(i−1) after a
 * timeout or a 5xx, of 1 000 ms × 2^(i−1) after throttling. A dependency that accepts connections and never answers
 * therefore costs one call at most:
 *
 *   DynamoDB, KMS, SQS   3 × 2 000 ms + (50 + 100) ms = 6 150 ms  <  9 000 ms = API route 10 s − 1 s reserve
 *   Secrets Manager      2 × 1 500 ms + 50 ms         = 3 050 ms  <  4 000 ms = authorizer 5 s − 1 s reserve
 *
 * and throttling on every attempt (each answer quick) about 1 000 + 2 000 ms. Every route calls DynamoDB first (the
 * rate limiter), so a hung DynamoDB is a 503 after ≤ 6.2 s; a hung KMS is a 503 after the few ms of the calls before
 * it plus ≤ 6.2 s; a hung SQS after the write is a 201 (the sweep queues the check) after as long. Several slow
 * dependencies in one request could add up past that: the invocation's deadline (`withInvocation`, the Lambda's
 * remaining time less DEADLINE_RESERVE_MS) caps every attempt, so no call outlives the Lambda and the route answers
 * before Lambda's 10 s, far below API Gateway's 29 s. The consumer's and the sweep's 60 s hold any of these calls
 * many times over; a handler that runs inside withInvocation gets the deadline 59 s (the sweep does).
 */

/** The Lambda timeouts the stack gives each kind of function; the local server plays them too. */
export const FUNCTION_TIMEOUT_MS = {
  api: 10_000,
  authorizer: 5_000,
  consumer: 60_000,
  sweep: 60_000,
} as const;

/** Left between the last dependency call and Lambda's timeout, to answer (503, or 201 when only queueing failed). */
export const DEADLINE_RESERVE_MS = 1_000;

export type ServiceDependency = 'DynamoDB' | 'KMS' | 'SQS' | 'SecretsManager';

export interface ClientTimeouts {
  connectionTimeout: number;
  requestTimeout: number;
  maxAttempts: number;
}

/**
 * Per client. DynamoDB, KMS and SQS answer in milliseconds in-region, so 2 s per attempt is ample headroom (also for
 * DynamoDB Local on a busy laptop); 3 attempts keep the SDK's throttling retries. The authorizer fetches its secret
 * once per cold start and has 5 s in all: two attempts of 1.5 s.
 */
export const SERVICE_CLIENT_TIMEOUTS: Record<ServiceDependency, ClientTimeouts> = {
  DynamoDB: { connectionTimeout: 1_000, requestTimeout: 2_000, maxAttempts: 3 },
  KMS: { connectionTimeout: 1_000, requestTimeout: 2_000, maxAttempts: 3 },
  SQS: { connectionTimeout: 1_000, requestTimeout: 2_000, maxAttempts: 3 },
  SecretsManager: { connectionTimeout: 1_000, requestTimeout: 1_500, maxAttempts: 2 },
};
