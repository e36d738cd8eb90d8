import { expect } from 'vitest';
import { ServiceError } from '#shared/errors.ts';

/** The field messages of the 400 VALIDATION_ERROR that `run` throws; fails the test if it throws nothing else. */
export function validationErrorsOf(run: () => unknown): Record<string, string> {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe('VALIDATION_ERROR');
    return (error as ServiceError).details.validationErrors ?? {};
  }
  throw new Error('expected a validation error');
}
