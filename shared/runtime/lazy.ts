/** A process-wide instance created on first use, replaceable by the local server and tests. */
export interface Lazy<T> {
  get(): T;
  override(value: T): void;
  reset(): void;
}

export function lazy<T>(create: () => T): Lazy<T> {
  let instance: T | undefined;
  return {
    get: () => (instance ??= create()),
    override: (value) => {
      instance = value;
    },
    reset: () => {
      instance = undefined;
    },
  };
}
