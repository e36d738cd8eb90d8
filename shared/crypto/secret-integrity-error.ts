const MESSAGES = {
  'authentication-failed': 'Sealed secret failed authentication',
  malformed: 'Sealed secret is malformed',
  'unsupported-version': 'Sealed secret has an unsupported format version',
} as const;

export type SecretIntegrityReason = keyof typeof MESSAGES;

/**
 * A sealed secret cannot be opened: it was altered, belongs to another record, or is not a sealed secret at all.
 * Retrying cannot help. The message is one of a fixed set and never carries data.
 */
export class SecretIntegrityError extends Error {
  constructor(
    readonly reason: SecretIntegrityReason,
    options?: { cause?: unknown },
  ) {
    super(MESSAGES[reason], options);
    this.name = 'SecretIntegrityError';
  }
}
