/**
 * The timeline of one check, from the settings: how many attempts, how long each may take (one deadline across all
 * its provider calls), the delays between them, and how long its lease on the credential lasts. docs/api.md
 * (verification timeline) says the same in words; the sweep's thresholds are derived from it.
 */
export interface CheckTimeline {
  /** `VERIFY_MAX_ATTEMPTS`. */
  maxAttempts: number;
  /** `VERIFY_RETRY_BASE_SECONDS`: the delay after attempt n is base × 3^(n−1), at most SQS's 900 s. */
  retryBaseSeconds: number;
  /** `VERIFY_CHECK_DEADLINE_MS`: every provider call of one attempt shares this much time. */
  attemptDeadlineMs: number;
}

/** SQS's longest delivery delay. */
export const MAX_DELAY_SECONDS = 900;

/** Time for each delivery and the consumer's own reads and writes, on top of the attempts and delays. */
export const LEASE_MARGIN_SECONDS = 60;

/** The delay before attempt `attempt + 1`, after attempt `attempt` could not reach the provider. */
export function retryDelaySeconds(timeline: CheckTimeline, attempt: number): number {
  return Math.min(MAX_DELAY_SECONDS, timeline.retryBaseSeconds * 3 ** (attempt - 1));
}

/**
 * How long a check still needs from the start of attempt `fromAttempt` until its last attempt ends: the attempts'
 * deadlines, the delays between them and the margin. From attempt 1 it is the lease a new check takes (8.5 minutes
 * with the defaults: 10 + 30 + 90 + 270 s of delays, five attempts of 10 s, 60 s of margin).
 */
export function leaseSeconds(timeline: CheckTimeline, fromAttempt = 1): number {
  let seconds = LEASE_MARGIN_SECONDS;
  for (let attempt = fromAttempt; attempt <= timeline.maxAttempts; attempt++) {
    seconds += Math.ceil(timeline.attemptDeadlineMs / 1000);
    if (attempt < timeline.maxAttempts) seconds += retryDelaySeconds(timeline, attempt);
  }
  return seconds;
}

/** A check in flight on a credential: which one, when its lease ends, and which attempt is queued. */
export interface CheckLease {
  checkId: string;
  /** ISO time (`toISOString`, so leases compare as strings). */
  leaseUntil: string;
}

/** A fresh check started at `now`, with the lease of a whole timeline. */
export function newCheck(checkId: string, now: Date, leaseLength: number): CheckLease {
  return { checkId, leaseUntil: new Date(now.getTime() + leaseLength * 1000).toISOString() };
}

/** Whether a credential's check is still running at `now`: its lease has not ended. */
export function checkIsLive(credential: { checkLeaseUntil?: string }, now: Date): boolean {
  return credential.checkLeaseUntil !== undefined && credential.checkLeaseUntil > now.toISOString();
}
