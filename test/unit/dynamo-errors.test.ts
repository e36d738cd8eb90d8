import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { asDependencyError } from '#shared/data/dynamo-errors.ts';
import { ConcurrentChangeError, step, transactWrite } from '#shared/data/item-writes.ts';
import { DependencyError } from '#shared/errors.ts';

const sdkError = (name: string, extra: Record<string, unknown>) =>
  Object.assign(new Error(`${name} happened`), { name, ...extra });

describe('asDependencyError', () => {
  it.each([
    ['throttling', sdkError('ThrottlingException', { $metadata: { httpStatusCode: 400 } })],
    ['a 5xx', sdkError('InternalServerError', { $metadata: { httpStatusCode: 500 } })],
    [
      'a refused connection after the SDK retries',
      sdkError('Error', { code: 'ECONNREFUSED', $metadata: { attempts: 3 } }),
    ],
    ['a socket timeout', sdkError('TimeoutError', { $metadata: {} })],
    ['an attempt past its requestTimeout', sdkError('TimeoutError', { code: 'ETIMEDOUT', $metadata: { attempts: 3 } })],
    ['a call the invocation had no time left for', sdkError('DeadlineExceeded', { $metadata: { attempts: 2 } })],
    ['a RequestTimeoutException', sdkError('RequestTimeoutException', { $metadata: { httpStatusCode: 400 } })],
    [
      'a transaction conflict',
      sdkError('TransactionCanceledException', {
        CancellationReasons: [{ Code: 'TransactionConflict' }],
        $metadata: { httpStatusCode: 400 },
      }),
    ],
  ])('turns %s into a DependencyError (503)', (_case, error) => {
    expect(asDependencyError(error)).toBeInstanceOf(DependencyError);
  });

  it('leaves a request the service got wrong as it is (500)', () => {
    const error = sdkError('ValidationException', { $metadata: { httpStatusCode: 400 } });
    expect(asDependencyError(error)).toBe(error);
  });
});

describe('transactWrite', () => {
  const put = (sk: string) => ({ Put: { TableName: 't', Item: { pk: 'p', sk } } });
  const cancelled = (...codes: string[]) =>
    sdkError('TransactionCanceledException', {
      CancellationReasons: codes.map((Code) => ({ Code })),
      $metadata: { httpStatusCode: 400 },
    });
  const failingWith = (error: Error) =>
    ({ send: async () => Promise.reject(error) }) as unknown as DynamoDBDocumentClient;
  class Taken extends Error {}
  class Other extends Error {}

  it('throws the refusal of the step whose condition failed, wherever it stands', async () => {
    const steps = [step(put('a')), step(put('b')), step(put('c'), () => new Taken())];
    await expect(
      transactWrite(failingWith(cancelled('None', 'None', 'ConditionalCheckFailed')), steps),
    ).rejects.toBeInstanceOf(Taken);
    // A step added in front moves every position; the refusal still names the same step.
    const moved = [step(put('z')), ...steps];
    await expect(
      transactWrite(failingWith(cancelled('None', 'None', 'None', 'ConditionalCheckFailed')), moved),
    ).rejects.toBeInstanceOf(Taken);
  });

  it('throws the refusal of the first listed step when several failed', async () => {
    const steps = [step(put('a'), () => new Taken()), step(put('b'), () => new Other())];
    await expect(
      transactWrite(failingWith(cancelled('ConditionalCheckFailed', 'ConditionalCheckFailed')), steps),
    ).rejects.toBeInstanceOf(Taken);
  });

  it('makes a lost race a ConcurrentChangeError, and an outage a DependencyError', async () => {
    const steps = [step(put('a'), () => new Taken())];
    await expect(transactWrite(failingWith(cancelled('TransactionConflict')), steps)).rejects.toBeInstanceOf(
      ConcurrentChangeError,
    );
    await expect(
      transactWrite(failingWith(sdkError('ThrottlingException', { $metadata: { httpStatusCode: 400 } })), steps),
    ).rejects.toBeInstanceOf(DependencyError);
  });

  it('leaves a failed condition of a step without a refusal as the error it is (a bug: 500)', async () => {
    const error = cancelled('ConditionalCheckFailed');
    await expect(transactWrite(failingWith(error), [step(put('a'))])).rejects.toBe(error);
  });
});
