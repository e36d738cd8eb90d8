import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { loadJwtSecret } from '#shared/auth/jwt-secret-source.ts';

const secretsManager = mockClient(SecretsManagerClient);

afterEach(() => secretsManager.reset());

describe('loadJwtSecret', () => {
  it('fetches the secret named by JWT_SECRET_ARN once and exposes it as JWT_SECRET', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 's'.repeat(48) });
    const env: NodeJS.ProcessEnv = { JWT_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:jwt' };
    await loadJwtSecret(env);
    await loadJwtSecret(env);
    expect(env.JWT_SECRET).toBe('s'.repeat(48));
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(secretsManager.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toEqual({
      SecretId: env.JWT_SECRET_ARN,
    });
  });

  it('does nothing when the secret or a JWKS URL is configured directly', async () => {
    await loadJwtSecret({ JWT_SECRET: 'x', JWT_SECRET_ARN: 'arn' });
    await loadJwtSecret({ JWT_JWKS_URL: 'https://idp.example.com/jwks', JWT_SECRET_ARN: 'arn' });
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });
});
