import type { KeyProvider } from '#shared/crypto/key-provider.ts';
import { DependencyError } from '#shared/errors.ts';
import { keyProvider, verificationQueue } from '#shared/runtime/clients.ts';

/** A fault put into one of the service's ports; `remove()` puts the real adapter back. */
export interface PortFault {
  remove(): void;
}

/** Replaces what `override` names of the key provider (KMS locally stood in for); the rest stays real. */
export function overrideKeys(override: Partial<KeyProvider>): PortFault {
  const real = keyProvider.get();
  keyProvider.override({
    generateDataKey: override.generateDataKey ?? real.generateDataKey.bind(real),
    decryptDataKey: override.decryptDataKey ?? real.decryptDataKey.bind(real),
  });
  return { remove: () => keyProvider.override(real) };
}

/** What the KMS adapter throws when KMS fails; the cause's text must never reach a client. */
export function kmsFailure(): DependencyError {
  return new DependencyError('KMS', { cause: new Error('KMSInternalException: key 1234abcd is pending deletion') });
}

/** Every send to the verification queue fails, as the SQS adapter fails when SQS does. */
export function queueDown(): PortFault {
  const real = verificationQueue.get();
  verificationQueue.override({
    send: async () => {
      throw new DependencyError('Queue');
    },
  });
  return { remove: () => verificationQueue.override(real) };
}

/** Runs `run` with `fault` in place and removes it afterwards, whatever happened. */
export async function during<T>(fault: PortFault, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } finally {
    fault.remove();
  }
}
