import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { DependencyError, ServiceError, validationError, verificationFailed } from '#shared/errors.ts';
import { errorResponse } from '#shared/http/error-response.ts';
import { contractErrorHandler } from '#shared/http/middleware/contract-error-handler.ts';

describe('errorResponse', () => {
  it.each([
    [validationError({ name: 'Required' }), 400, 'VALIDATION_ERROR'],
    [new ServiceError('CREDENTIAL_IN_USE', 'in use'), 400, 'CREDENTIAL_IN_USE'],
    [new ServiceError('UNAUTHORIZED', 'no'), 401, 'UNAUTHORIZED'],
    [new ServiceError('FORBIDDEN', 'no'), 403, 'FORBIDDEN'],
    [new ServiceError('CREDENTIAL_NOT_FOUND', 'gone'), 404, 'CREDENTIAL_NOT_FOUND'],
    [new ServiceError('CREDENTIAL_NAME_CONFLICT', 'taken'), 409, 'CREDENTIAL_NAME_CONFLICT'],
    [new ServiceError('PAYLOAD_TOO_LARGE', 'big'), 413, 'PAYLOAD_TOO_LARGE'],
    [new ServiceError('RATE_LIMIT_EXCEEDED', 'slow down', { retryAfterSeconds: 17 }), 429, 'RATE_LIMIT_EXCEEDED'],
    [new DependencyError('KMS', { cause: new Error('arn:aws:kms:internal detail') }), 503, 'SERVICE_UNAVAILABLE'],
    [new Error('SELECT * FROM internal detail'), 500, 'INTERNAL_ERROR'],
    [
      Object.assign(new Error('Unsupported Media Type'), {
        statusCode: 415,
        cause: { package: '@middy/http-json-body-parser' },
      }),
      400,
      'VALIDATION_ERROR',
    ],
  ])('maps %s to %i %s in the contract body', (error, status, code) => {
    const response = errorResponse(error, 'req-1');
    const body = JSON.parse(response.body);
    expect(response.statusCode).toBe(status);
    expect(body).toMatchObject({ error: code, requestId: 'req-1', message: expect.any(String) });
    expect(response.body).not.toContain('internal detail');
  });

  it('adds validationErrors and Retry-After where they belong', () => {
    expect(JSON.parse(errorResponse(validationError({ name: 'Required' }), 'r').body).validationErrors).toEqual({
      name: 'Required',
    });
    const limited = errorResponse(new ServiceError('RATE_LIMIT_EXCEEDED', 'x', { retryAfterSeconds: 17 }), 'r');
    expect(limited.headers).toMatchObject({ 'Retry-After': '17' });
  });

  it('adds missingPermissions to VERIFICATION_FAILED when the check named some (also an empty list), and only then', () => {
    const body = (error: ServiceError) => JSON.parse(errorResponse(error, 'r').body);
    expect(body(verificationFailed('lacks it', ['ec2:RevokeSecurityGroupIngress']))).toEqual({
      error: 'VERIFICATION_FAILED',
      message: 'lacks it',
      timestamp: expect.any(String),
      requestId: 'r',
      missingPermissions: ['ec2:RevokeSecurityGroupIngress'],
    });
    expect(body(verificationFailed('the group does not exist', [])).missingPermissions).toEqual([]);
    expect(body(verificationFailed('could not be reached'))).not.toHaveProperty('missingPermissions');
    expect(body(validationError({ name: 'Required' }))).not.toHaveProperty('missingPermissions');
  });

  it("answers 503 SERVICE_UNAVAILABLE, not 500, when middy gives up just before the Lambda's timeout", async () => {
    const chain = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
      .use(contractErrorHandler())
      .handler(() => new Promise<APIGatewayProxyResult>(() => undefined));
    const event = { requestContext: { requestId: 'req-late' } } as APIGatewayProxyEvent;
    const response = await chain(event, { getRemainingTimeInMillis: () => 50 } as Context);
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body)).toMatchObject({ error: 'SERVICE_UNAVAILABLE', requestId: 'req-late' });
  });
});
