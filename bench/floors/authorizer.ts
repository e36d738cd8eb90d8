import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

const secrets = new SecretsManagerClient({});

/** The one AWS call of a cold authorizer: the token secret. */
export async function handler() {
  const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: process.env.JWT_SECRET_ARN }));
  return SecretString?.length;
}
