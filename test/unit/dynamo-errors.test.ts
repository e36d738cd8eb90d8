import { describe, expect, it } from 'vitest';
import { asDependencyError } from '#shared/data/dynamo-errors.ts';
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
