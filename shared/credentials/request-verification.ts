import { logger } from '#shared/logger.ts';
import type { VerificationQueue } from '#shared/queue/verification-queue.ts';

/**
 * Queues a check of the credential's current secret. A failed send is logged, not thrown: the credential is
 * already stored UNVERIFIED and the sweep re-queues it.
 */
export async function requestVerification(
  queue: VerificationQueue,
  target: { orgId: string; credentialId: string; secretVersion: number },
): Promise<boolean> {
  try {
    await queue.send({
      orgId: target.orgId,
      credentialId: target.credentialId,
      secretVersion: target.secretVersion,
      attempt: 1,
    });
    return true;
  } catch (error) {
    logger.warn('verification request not queued; the sweep will queue it', {
      orgId: target.orgId,
      credentialId: target.credentialId,
      reason: (error as Error).name,
    });
    return false;
  }
}
