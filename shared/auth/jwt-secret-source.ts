import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { serviceClientOptions } from '#shared/net/deadline-http-handler.ts';

let loading: Promise<void> | undefined;

/**
 * In AWS the HS256 secret lives in Secrets Manager (`JWT_SECRET_ARN`); it is fetched once per cold start and put
 * where the settings reader expects it. With `JWT_SECRET` or `JWT_JWKS_URL` set directly this does nothing. A
 * Secrets Manager that does not answer fails it within the authorizer's budget (shared/dependency-timeouts.ts).
 */
export function loadJwtSecret(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (env.JWT_SECRET || env.JWT_JWKS_URL || !env.JWT_SECRET_ARN) return Promise.resolve();
  loading ??= new SecretsManagerClient(serviceClientOptions('SecretsManager'))
    .send(new GetSecretValueCommand({ SecretId: env.JWT_SECRET_ARN }))
    .then((result) => {
      if (!result.SecretString) throw new Error('JWT secret is empty');
      env.JWT_SECRET = result.SecretString;
    })
    .catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
  return loading;
}
