/** A user-supplied URL was refused before any connection was made; `message` names the reason, never a secret. */
export class BlockedAddressError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlockedAddressError';
  }
}
