import { AuthorizeSecurityGroupIngressCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { providerSettings } from '#shared/providers/provider-settings.ts';
import { newApisixAdminKey } from '../../helpers/doubles/apisix-double.ts';
import { AwsAccounts } from '../../helpers/doubles/aws-accounts.ts';
import { newSecurityGroupId } from '../../helpers/doubles/ec2-double.ts';
import { GcpProjects } from '../../helpers/doubles/gcp-projects.ts';
import { startProviderDouble } from '../../helpers/doubles/provider-doubles.ts';
import { newStsIdentity } from '../../helpers/doubles/sts-double.ts';
import { newStsRole } from '../../helpers/doubles/sts-roles.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('startProviderDouble', () => {
  it("points the service's setting at the double and puts the previous value back on close", async () => {
    const before = process.env.VERCEL_API_URL;
    const vercel = await startProviderDouble('vercel', { accounts: [] });
    expect(vercel.env).toEqual({ VERCEL_API_URL: vercel.url });
    expect(process.env.VERCEL_API_URL).toBe(vercel.url);
    expect(providerSettings().vercelApiUrl).toBe(vercel.url);
    await vercel.close();
    expect(process.env.VERCEL_API_URL).toBe(before);
    expect(providerSettings().vercelApiUrl).toBe(before);
    await expect(fetch(`${vercel.url}/v2/user`)).rejects.toThrow();
  });

  it('removes a variable that was not set before', async () => {
    delete process.env.GCP_COMPUTE_API_URL;
    const compute = await startProviderDouble('gcp-compute', {
      tokens: { accountOf: () => undefined },
      projects: new GcpProjects(),
    });
    expect(process.env.GCP_COMPUTE_API_URL).toBe(compute.url);
    await compute.close();
    expect('GCP_COMPUTE_API_URL' in process.env).toBe(false);
  });

  it('sets what `env` says instead, and leaves alone a variable changed since', async () => {
    const gcp = await startProviderDouble(
      'gcp-token',
      { accounts: [] },
      { env: (double) => ({ GCP_ALLOWED_TOKEN_URIS: `${double.tokenUri}, https://oauth2.googleapis.com/token` }) },
    );
    expect(providerSettings().gcpAllowedTokenUris).toEqual([gcp.tokenUri, 'https://oauth2.googleapis.com/token']);
    process.env.GCP_ALLOWED_TOKEN_URIS = 'http://127.0.0.1:9/changed-since';
    await gcp.close();
    expect(process.env.GCP_ALLOWED_TOKEN_URIS).toBe('http://127.0.0.1:9/changed-since');
    process.env.GCP_ALLOWED_TOKEN_URIS = 'http://127.0.0.1:9/token';
  });

  it('lets private endpoints through for APISIX, whose URL is the credential’s', async () => {
    const apisix = await startProviderDouble('apisix', { adminKey: newApisixAdminKey() });
    expect(providerSettings().allowPrivateEndpoints).toBe(true);
    await apisix.close();
    expect(providerSettings().allowPrivateEndpoints).toBe(false);
  });

  it('works beside vi.stubEnv: unstubbing comes back to the double', async () => {
    const azure = await startProviderDouble('azure-token', { apps: [] });
    vi.stubEnv('AZURE_AUTHORITY_HOST', 'http://127.0.0.1:9');
    vi.unstubAllEnvs();
    expect(process.env.AZURE_AUTHORITY_HOST).toBe(azure.url);
    await azure.close();
  });

  it('points the AWS SDK at STS and EC2 through their own variables: a role session probes a group', async () => {
    const accounts = new AwsAccounts();
    const service = accounts.addUser(newStsIdentity('entryguard-service'));
    const role = accounts.addRole(newStsRole({ principalArn: service.arn, externalId: 'eg1-helper-test' }), [
      'ec2:AuthorizeSecurityGroupIngress',
    ]);
    const account = role.arn.split(':')[4] ?? '';
    const groupId = newSecurityGroupId();
    const sts = await startProviderDouble('sts', { accounts });
    const ec2 = await startProviderDouble('ec2', {
      accounts,
      groups: [{ account, region: 'us-east-1', groupId, groupName: 'bastion' }],
    });
    try {
      const { Credentials } = await new STSClient({
        region: 'us-east-1',
        credentials: { accessKeyId: service.accessKeyId, secretAccessKey: service.secretAccessKey },
        maxAttempts: 1,
      }).send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'check', ExternalId: 'eg1-helper-test' }));
      const probe = new EC2Client({
        region: 'us-east-1',
        credentials: {
          accessKeyId: Credentials?.AccessKeyId ?? '',
          secretAccessKey: Credentials?.SecretAccessKey ?? '',
          sessionToken: Credentials?.SessionToken ?? '',
        },
        maxAttempts: 1,
      }).send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, DryRun: true }));
      await expect(probe).rejects.toMatchObject({ name: 'DryRunOperation' });
      expect(sts.calls('AssumeRole')).toBe(1);
      expect(ec2.calls('AuthorizeSecurityGroupIngress')).toBe(1);
      expect(ec2.mutations).toEqual([]);
    } finally {
      await ec2.close();
      await sts.close();
    }
    expect(process.env.AWS_ENDPOINT_URL_STS).toBe('http://127.0.0.1:9');
    expect(process.env.AWS_ENDPOINT_URL_EC2).toBe('http://127.0.0.1:9');
  });
});
