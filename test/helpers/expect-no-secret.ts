import { expect } from 'vitest';
import type { VerificationOutcome } from '#shared/providers/verifier.ts';

/** The outcome's message holds no secret, nor any 8-character run of one. */
export function expectNoSecret(outcome: VerificationOutcome, secrets: string[]): void {
  const text = JSON.stringify(outcome);
  for (const secret of secrets) {
    for (let i = 0; i + 8 <= secret.length; i++) expect(text).not.toContain(secret.slice(i, i + 8));
  }
}
