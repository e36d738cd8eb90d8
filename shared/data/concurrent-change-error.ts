/** Another request changed the item between this request's read and its conditional write: read again and retry. */
export class ConcurrentChangeError extends Error {
  constructor() {
    super('The item changed while it was being written');
    this.name = 'ConcurrentChangeError';
  }
}
