import { DependencyError } from '#shared/errors.ts';
import { ConcurrentChangeError } from './concurrent-change-error.ts';

const MAX_ATTEMPTS = 5;

/**
 * Runs a read-check-write step again while its conditional write loses to a concurrent change; `step` must read
 * what it checks on every attempt. After the last attempt the caller gets a 503 (nothing was written).
 */
export async function retryOnConcurrentChange<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof ConcurrentChangeError)) throw error;
      if (attempt >= MAX_ATTEMPTS) throw new DependencyError('DynamoDB', { cause: error });
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}
