import { config } from '#shared/config.ts';
import type { KeyProvider } from '#shared/crypto/key-provider.ts';
import { kmsKeyProvider } from '#shared/crypto/kms-key-provider.ts';
import { DependencyError } from '#shared/errors.ts';
import { createQueue } from '#shared/queue/sqs-queue.ts';
import { externalIds, keyProvider, rateLimiter, table, verificationQueue } from '#shared/runtime/clients.ts';
import type { SilentListener } from './silent-listener.ts';

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

/** Sets environment variables until `restore()` puts back what was there (vi.unstubAllEnvs would undo a suite's own stubs). */
function setEnv(values: Record<string, string>): { restore(): void } {
  const before = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  Object.assign(process.env, values);
  return {
    restore: () => {
      for (const [name, value] of Object.entries(before)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    },
  };
}

/** The real KMS adapter, built as in AWS (its client's timeouts and attempts), talking to a KMS that never answers. */
export function kmsHung(listener: SilentListener): PortFault {
  const real = keyProvider.get();
  const env = setEnv({ AWS_ENDPOINT_URL_KMS: listener.url });
  keyProvider.override(kmsKeyProvider({ kmsKeyId: 'alias/entryguard-hung', region: config().region }));
  return {
    remove: () => {
      keyProvider.override(real);
      env.restore();
    },
  };
}

/** The real SQS adapter, built as in AWS, sending to a queue whose SQS accepts connections and never answers. */
export function queueHung(listener: SilentListener): PortFault {
  const real = verificationQueue.get();
  const env = setEnv({ AWS_ENDPOINT_URL_SQS: listener.url });
  verificationQueue.override(
    createQueue({ queueUrl: `${listener.url}/000000000000/entryguard-verification`, region: config().region }),
  );
  return {
    remove: () => {
      verificationQueue.override(real);
      env.restore();
    },
  };
}

/**
 * The service's own DynamoDB client (and the rate limiter and repositories on it) rebuilt against a DynamoDB that
 * never answers; `remove()` rebuilds them against the real one.
 */
export function dynamoDbHung(listener: SilentListener): PortFault {
  const rebuild = () => {
    config.reset();
    for (const client of [table, rateLimiter, externalIds]) client.reset();
  };
  const env = setEnv({ DYNAMODB_ENDPOINT: listener.url });
  rebuild();
  return {
    remove: () => {
      env.restore();
      rebuild();
    },
  };
}

/**
 * The authorizer's secret kept in Secrets Manager (`JWT_SECRET_ARN`, as in AWS) whose endpoint never answers. The
 * secret the local server set stays out of the environment until `remove()`.
 */
export function secretsManagerHung(listener: SilentListener): PortFault {
  const env = setEnv({
    JWT_SECRET: '',
    JWT_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:entryguard-jwt',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: listener.url,
  });
  return { remove: () => env.restore() };
}

/** Runs `run` with `fault` in place and removes it afterwards, whatever happened. */
export async function during<T>(fault: PortFault, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } finally {
    fault.remove();
  }
}
