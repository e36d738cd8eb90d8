import type { VerificationSubject } from '#shared/providers/verifier.ts';

/** Who asks for a check, as the consumer builds it: an organization, a credential and the organization's external ID. */
export function verificationSubject(overrides: Partial<VerificationSubject> = {}): VerificationSubject {
  return { orgId: 'org-1', credentialId: 'cred-1', externalId: async () => 'eg1-unit-test-external-id', ...overrides };
}
