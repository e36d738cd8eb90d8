import { AssumeRoleCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { config } from '#shared/config.ts';
import { forgetAssumerSession, RoleAssumerError, roleSession } from '#shared/providers/aws/sts.ts';

// The first hop of role chaining (shared/providers/aws/sts.ts): the service's session as the role assumer is made
// once, shared by concurrent checks, renewed five minutes before it ends and dropped when STS stops taking it.

const ASSUMER = 'arn:aws:iam::111122223333:role/EntryGuardCredentials-verifier';
const CUSTOMER = 'arn:aws:iam::444455556666:role/EntryGuardAccess';
const request = { roleArn: CUSTOMER, externalId: 'eg1-0123456789abcdefghijklmnopqrstuv', orgId: 'org-1' };

const sts = mockClient(STSClient);
let issued = 0;

const credentialsFor = (role: string, expiresInMs = 3600_000) => {
  issued += 1;
  return {
    Credentials: {
      AccessKeyId: `ASIA${role === ASSUMER ? 'ASSUMER' : 'CUSTOMER'}${issued}`,
      SecretAccessKey: `secret-${issued}`,
      SessionToken: `token-${issued}`,
      Expiration: new Date(Date.now() + expiresInMs),
    },
  };
};

const refusal = (name: string, status: number) =>
  new STSServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });

/** Throws `error` the first time, then issues credentials for `role`. */
function once(error: Error, role: string) {
  let thrown = false;
  return () => {
    if (thrown) return credentialsFor(role);
    thrown = true;
    throw error;
  };
}

/** Each AssumeRole sent: the role asked for and the access key that signed it (undefined: the process's own). */
async function hops() {
  return Promise.all(
    sts.commandCalls(AssumeRoleCommand).map(async (call) => {
      const client = call.thisValue as STSClient;
      const signer = client.config.credentials ? await client.config.credentials() : undefined;
      return { roleArn: call.args[0].input.RoleArn, signedBy: signer?.accessKeyId };
    }),
  );
}

beforeEach(() => {
  vi.stubEnv('AWS_ROLE_ASSUMER_ARN', ASSUMER);
  vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'EntryGuardCredentials-verify-resource');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAEXECUTIONEXAMPLE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'execution-secret');
  config.reset();
  forgetAssumerSession();
  sts.reset();
  issued = 0;
  sts.on(AssumeRoleCommand, { RoleArn: ASSUMER }).callsFake(() => credentialsFor(ASSUMER));
  sts.on(AssumeRoleCommand, { RoleArn: CUSTOMER }).callsFake(() => credentialsFor(CUSTOMER, 900_000));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
  config.reset();
});

afterAll(() => {
  sts.restore();
  forgetAssumerSession();
});

describe('roleSession through the role assumer', () => {
  it("assumes the assumer as the process, named after the function, then the customer's role with that session", async () => {
    const session = await roleSession(request);
    expect(session?.accessKeyId).toBe('ASIACUSTOMER2');
    expect(await hops()).toEqual([
      { roleArn: ASSUMER, signedBy: 'AKIAEXECUTIONEXAMPLE' },
      { roleArn: CUSTOMER, signedBy: 'ASIAASSUMER1' },
    ]);
    const [first, second] = sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input);
    expect(first).toEqual({
      RoleArn: ASSUMER,
      RoleSessionName: 'entryguard-EntryGuardCredentials-verify-resource',
      DurationSeconds: 3600,
    });
    expect(second).toMatchObject({ ExternalId: request.externalId, RoleSessionName: 'entryguard-org-1' });
  });

  it('keeps the first session for the process and shares it between checks that start together', async () => {
    await Promise.all([roleSession(request), roleSession(request), roleSession(request)]);
    await roleSession(request);
    const roles = (await hops()).map((hop) => hop.roleArn);
    expect(roles.filter((role) => role === ASSUMER)).toHaveLength(1);
    expect(roles.filter((role) => role === CUSTOMER)).toHaveLength(4);
  });

  it('renews the first session five minutes before it ends, not earlier', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    await roleSession(request);
    vi.advanceTimersByTime(54 * 60_000);
    await roleSession(request);
    expect((await hops()).filter((hop) => hop.roleArn === ASSUMER)).toHaveLength(1);
    vi.advanceTimersByTime(2 * 60_000);
    await roleSession(request);
    expect((await hops()).filter((hop) => hop.roleArn === ASSUMER)).toHaveLength(2);
  });

  it('drops a kept session that STS calls expired and tries once more with a fresh one', async () => {
    await roleSession(request);
    sts.on(AssumeRoleCommand, { RoleArn: CUSTOMER }).callsFake(once(refusal('ExpiredToken', 403), CUSTOMER));
    const session = await roleSession(request);
    expect(session).toBeDefined();
    expect((await hops()).map((hop) => hop.signedBy)).toEqual([
      'AKIAEXECUTIONEXAMPLE',
      'ASIAASSUMER1',
      'ASIAASSUMER1',
      'AKIAEXECUTIONEXAMPLE',
      'ASIAASSUMER3',
    ]);
  });

  it("passes the customer role's own refusal through as STS gave it (the role advice is built from it)", async () => {
    sts.on(AssumeRoleCommand, { RoleArn: CUSTOMER }).rejects(refusal('AccessDenied', 403));
    await expect(roleSession(request)).rejects.toMatchObject({ name: 'AccessDenied' });
    // One try: an AccessDenied on the customer's role is not the kept session's fault.
    expect((await hops()).filter((hop) => hop.roleArn === CUSTOMER)).toHaveLength(1);
  });

  it('turns a refused first hop into RoleAssumerError and keeps nothing, so the next check tries again', async () => {
    sts.on(AssumeRoleCommand, { RoleArn: ASSUMER }).callsFake(once(refusal('AccessDenied', 403), ASSUMER));
    const error = await roleSession(request).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RoleAssumerError);
    expect((error as Error).message).toBe("AccessDenied: AWS STS refused EntryGuard's role assumer");
    expect(await roleSession(request)).toBeDefined();
  });

  it('throws a passing first-hop failure as the SDK threw it, so the check is retried as unreachable', async () => {
    sts.on(AssumeRoleCommand, { RoleArn: ASSUMER }).callsFake(once(refusal('ServiceUnavailable', 503), ASSUMER));
    await expect(roleSession(request)).rejects.toMatchObject({ name: 'ServiceUnavailable' });
  });

  it('assumes customer roles with the process credentials when no assumer is set (locally)', async () => {
    vi.stubEnv('AWS_ROLE_ASSUMER_ARN', '');
    config.reset();
    await roleSession(request);
    expect(await hops()).toEqual([{ roleArn: CUSTOMER, signedBy: 'AKIAEXECUTIONEXAMPLE' }]);
  });
});
