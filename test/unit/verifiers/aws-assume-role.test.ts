import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { config } from '#shared/config.ts';
import { callerIdentity, roleSession } from '#shared/providers/aws/sts.ts';
import { verifyRole } from '#shared/providers/aws/verifiers.ts';
import { providerSettings } from '#shared/providers/provider-settings.ts';
import { newStsIdentity, type StsDouble, startStsDouble } from '../../helpers/doubles/sts-double.ts';
import { newStsRole, type StsRole } from '../../helpers/doubles/sts-roles.ts';
import { verificationSubject } from '../../helpers/verification-subject.ts';

const service = newStsIdentity('entryguard-service');
const externalId = 'eg1-unit-test-external-id';
const subject = verificationSubject({ externalId: async () => externalId });
let sts: StsDouble;

beforeAll(async () => {
  sts = await startStsDouble({ identities: [service] });
});
afterAll(() => sts.close());

function useEnv(env: Record<string, string>) {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  config.reset();
  providerSettings.reset();
}

beforeEach(() => {
  // The verifier assumes roles as the service itself: its default credential chain reads these.
  useEnv({
    AWS_ENDPOINT_URL_STS: sts.url,
    AWS_ACCESS_KEY_ID: service.accessKeyId,
    AWS_SECRET_ACCESS_KEY: service.secretAccessKey,
    PROVIDER_TIMEOUT_MS: '1000',
  });
});
afterEach(() => {
  vi.unstubAllEnvs();
  config.reset();
  providerSettings.reset();
});

function role(overrides: Partial<StsRole> = {}): StsRole {
  const created = { ...newStsRole({ principalArn: service.arn, externalId }), ...overrides };
  sts.addRole(created);
  return created;
}

const accountOf = (arn: string) => arn.split(':')[4];

describe('verifyRole', () => {
  it('assumes the role as the service with the external ID, then reads the identity with the session', async () => {
    const trusted = role();
    const before = sts.requests.length;
    const outcome = await verifyRole({ roleArn: trusted.arn }, subject);
    expect(outcome).toEqual({
      kind: 'valid',
      identity: {
        accountId: accountOf(trusted.arn),
        arn: `arn:aws:sts::${accountOf(trusted.arn)}:assumed-role/EntryGuardAccess/entryguard-org-1`,
      },
    });
    const [assume, identity] = sts.requests.slice(before);
    expect(assume?.headers.authorization).toContain(`Credential=${service.accessKeyId}/`);
    expect(Object.fromEntries(new URLSearchParams(assume?.body))).toMatchObject({
      Action: 'AssumeRole',
      RoleArn: trusted.arn,
      ExternalId: externalId,
      RoleSessionName: 'entryguard-org-1',
      DurationSeconds: '900',
    });
    expect(identity?.headers.authorization).toMatch(/Credential=ASIA[0-9A-F]{16}\//);
    expect(identity?.headers['x-amz-security-token']).toEqual(expect.any(String));
    expect(new URLSearchParams(identity?.body).get('Action')).toBe('GetCallerIdentity');
  });

  it.each([
    ['a wrong external ID', () => role({ externalId: 'eg1-another-organizations-id' }).arn],
    ['a trust policy naming another principal', () => role({ trustedPrincipalArn: newStsIdentity().arn }).arn],
    ['a role that does not exist', () => newStsRole({ principalArn: service.arn, externalId }).arn],
  ])('says what to check for %s (AccessDenied)', async (_case, roleArn) => {
    const arn = roleArn();
    const outcome = await verifyRole({ roleArn: arn }, subject);
    expect(outcome).toEqual({
      kind: 'invalid',
      message: expect.stringMatching(
        new RegExp(`^AccessDenied: EntryGuard may not assume role EntryGuardAccess in account ${accountOf(arn)}\\.`),
      ),
    });
    const message = (outcome as { message: string }).message;
    for (const advice of [
      'exists with this exact name',
      'trust policy',
      "EntryGuard's principal",
      'sts:ExternalId',
      'aws-role-setup',
    ]) {
      expect(message).toContain(advice);
    }
  });

  it('retries an AccessDenied right after the role ARN was stored (IAM propagation), then verifies', async () => {
    const fresh = role({ unpropagatedRequests: 2 });
    const justStored = { ...subject, uncheckedSince: new Date().toISOString() };
    for (let attempt = 0; attempt < 2; attempt++) {
      expect(await verifyRole({ roleArn: fresh.arn }, justStored)).toEqual({
        kind: 'unreachable',
        message: expect.stringMatching(/^AccessDenied: the role cannot be assumed yet\. IAM .* retrying until \d{4}-/),
      });
    }
    expect((await verifyRole({ roleArn: fresh.arn }, justStored)).kind).toBe('valid');
  });

  it('also waits for a propagation delay measured in time', async () => {
    const fresh = role({ unpropagatedMs: 300 });
    const justStored = { ...subject, uncheckedSince: new Date().toISOString() };
    expect((await verifyRole({ roleArn: fresh.arn }, justStored)).kind).toBe('unreachable');
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await verifyRole({ roleArn: fresh.arn }, justStored)).kind).toBe('valid');
  });

  it('makes AccessDenied a verdict once the propagation window is over, or when the role was checked before', async () => {
    const stale = role({ unpropagatedRequests: 2 });
    const tenMinutesAgo = new Date(Date.now() - 600_000).toISOString();
    expect((await verifyRole({ roleArn: stale.arn }, { ...subject, uncheckedSince: tenMinutesAgo })).kind).toBe(
      'invalid',
    );
    expect((await verifyRole({ roleArn: stale.arn }, subject)).kind).toBe('invalid');

    useEnv({ AWS_ROLE_PROPAGATION_SECONDS: '900' });
    const slow = role({ unpropagatedRequests: 1 });
    expect((await verifyRole({ roleArn: slow.arn }, { ...subject, uncheckedSince: tenMinutesAgo })).kind).toBe(
      'unreachable',
    );
  });

  it('names the organization in a session name STS accepts, whatever the organization id holds', async () => {
    const trusted = role();
    const orgId = `Acme Corp/${'é'.repeat(3)}:${'x'.repeat(80)}`;
    const before = sts.requests.length;
    const outcome = await verifyRole({ roleArn: trusted.arn }, { ...subject, orgId });
    expect(outcome.kind).toBe('valid');
    const sessionName = new URLSearchParams(sts.requests[before]?.body).get('RoleSessionName');
    expect(sessionName).toMatch(/^entryguard-Acme-Corp-----x+$/);
    expect(sessionName).toHaveLength(64);
  });

  it.each([
    ['throttling', () => sts.errorNext(1, 'Throttling', 400)],
    ['a 503', () => sts.failNext(1, 503)],
    ['a dropped connection', () => sts.dropNext(1)],
  ])('treats %s as unreachable, then verifies on the next attempt', async (_name, arrange) => {
    const trusted = role();
    arrange();
    expect(await verifyRole({ roleArn: trusted.arn }, subject)).toMatchObject({
      kind: 'unreachable',
      message: expect.not.stringMatching(/retried/),
    });
    expect((await verifyRole({ roleArn: trusted.arn }, subject)).kind).toBe('valid');
  });

  it('calls an STS that is not listening unreachable', async () => {
    const closed = await startStsDouble({ identities: [service] });
    await closed.close();
    useEnv({ AWS_ENDPOINT_URL_STS: closed.url });
    expect(await verifyRole({ roleArn: role().arn }, subject)).toMatchObject({
      kind: 'unreachable',
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it("gives no verdict on the role when STS refuses the service's own key", async () => {
    const stranger = newStsIdentity();
    useEnv({ AWS_ACCESS_KEY_ID: stranger.accessKeyId, AWS_SECRET_ACCESS_KEY: stranger.secretAccessKey });
    expect(await verifyRole({ roleArn: role().arn }, subject)).toEqual({
      kind: 'unreachable',
      message: expect.stringMatching(/^InvalidClientTokenId: AWS STS refused EntryGuard's own AWS identity/),
    });
  });

  it('fails (for the queue to retry) when the external ID cannot be read', async () => {
    const failing = verificationSubject({
      externalId: async () => {
        throw new Error('DynamoDB request failed');
      },
    });
    await expect(verifyRole({ roleArn: role().arn }, failing)).rejects.toThrow('DynamoDB request failed');
  });

  it('gives both STS calls one deadline: the second gets only what the first left of it', async () => {
    const trusted = role();
    // Each STS answer takes 600 ms, each call may take 1000 ms (PROVIDER_TIMEOUT_MS), the check 1000 ms in all.
    sts.setLatency(600);
    try {
      const started = Date.now();
      const outcome = await verifyRole({ roleArn: trusted.arn }, { ...subject, deadline: started + 1000 });
      expect(outcome).toMatchObject({ kind: 'unreachable' });
      // Ends at the deadline (generous bound for a loaded machine); unreachable, where without it the check passes.
      expect(Date.now() - started).toBeLessThan(1600);
      // Without a deadline each call has its own 1000 ms, and the same check passes in about 1200 ms.
      expect((await verifyRole({ roleArn: trusted.arn }, subject)).kind).toBe('valid');
    } finally {
      sts.setLatency(0);
    }
  });
});

describe('the STS double', () => {
  it('accepts a role session only with its session token, signed', async () => {
    const trusted = role();
    const session = await roleSession({ roleArn: trusted.arn, externalId, orgId: 'org-1' });
    expect(session?.accessKeyId).toMatch(/^ASIA/);
    const { accessKeyId = '', secretAccessKey = '', sessionToken = '' } = session ?? {};
    await expect(callerIdentity({ accessKeyId, secretAccessKey })).rejects.toMatchObject({
      name: 'InvalidClientTokenId',
    });
    await expect(
      callerIdentity({ accessKeyId, secretAccessKey, sessionToken: `${sessionToken}x` }),
    ).rejects.toMatchObject({
      name: 'InvalidClientTokenId',
    });
    await expect(
      callerIdentity({ accessKeyId, secretAccessKey: service.secretAccessKey, sessionToken }),
    ).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
    });
    expect(await callerIdentity({ accessKeyId, secretAccessKey, sessionToken })).toMatchObject({
      accountId: accountOf(trusted.arn),
    });
  });
});
