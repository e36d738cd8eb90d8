/** What a verification request carries: ids and a version, never the secret. */
export interface VerificationMessage {
  orgId: string;
  credentialId: string;
  secretVersion: number;
}

/** The port to the verification queue: SQS in the cloud, an in-process queue locally. */
export interface VerificationQueue {
  send(message: VerificationMessage): Promise<void>;
}
