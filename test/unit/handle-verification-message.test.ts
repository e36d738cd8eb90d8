import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { CredentialRecord } from '#shared/credentials/model.ts';
import { UNOPENABLE_SECRET_MESSAGE } from '#shared/credentials/model.ts';
import { sealSecret } from '#shared/crypto/envelope.ts';
import { LocalKeyProvider } from '#shared/crypto/local-key-provider.ts';
import { DependencyError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import type { VerificationOutcome, VerificationSubject } from '#shared/providers/verifier.ts';
import type { SendOptions, VerificationMessage } from '#shared/queue/verification-queue.ts';
import {
  handleVerificationMessage,
  type VerificationMessageDeps,
} from '#shared/verification/handle-verification-message.ts';
import type {
  CheckFailureNote,
  CheckRetry,
  CheckTarget,
  VerificationResult,
} from '#shared/verification/verdict-writes.ts';
import type { ReceivedMessage } from '#shared/verification/verification-message.ts';
import type { VerificationMetrics } from '#shared/verification/verification-metrics.ts';

// Every outcome of the consumer's message handler, with fakes for the table, the queue and the provider: no
// DynamoDB, no network. The end-to-end suites check the same paths through the real consumer.

const NOW = new Date('2026-12-02T12:00:00.000Z');
const CHECK_ID = '0193a1b2-0000-7000-8000-0000000000c1';
/** The lease the check's create (or "check again", or the sweep) wrote: still live at NOW. */
const LEASE = '2026-12-02T12:05:00.000Z';
const keys = new LocalKeyProvider(mkdtempSync(join(tmpdir(), 'entryguard-handler-')));

interface Fakes {
  deps: VerificationMessageDeps;
  written: { orgId: string; id: string; secretVersion: number; result: VerificationResult }[];
  /** Every lease extension of a re-queued check (`recordRetry`). */
  retried: { target: CheckTarget; retry: CheckRetry }[];
  /** Every check that ended without reaching the provider (`recordCheckFailure`). */
  noted: { target: CheckTarget; note: CheckFailureNote }[];
  sent: { message: VerificationMessage; options?: SendOptions }[];
  asked: { data: Record<string, unknown>; subject: VerificationSubject }[];
  /** What the batch's metrics were told, one line per call. */
  counted: string[];
  /** Every credential whose resources were re-checked after its verdict. */
  rechecked: CredentialRecord[];
}

async function credential(overrides: Partial<CredentialRecord> = {}): Promise<CredentialRecord> {
  const base = { orgId: 'org-1', id: '0193a1b2-0000-7000-8000-000000000001' };
  return {
    ...base,
    name: 'Production',
    provider: 'AWS',
    credentialType: 'ACCESS_KEY',
    status: 'UNVERIFIED',
    lastVerifiedAt: null,
    verificationError: null,
    verifiedIdentity: null,
    hint: 'AKIA…MPLE',
    createdAt: '2026-12-02T11:00:00.000Z',
    updatedAt: '2026-12-02T11:30:00.000Z',
    secretVersion: 1,
    checkId: CHECK_ID,
    checkLeaseUntil: LEASE,
    checkAttempt: 1,
    lastCheckFailure: null,
    sealedSecret: await sealSecret(
      keys,
      { accessKeyId: 'AKIA', secretAccessKey: 'secret' },
      { orgId: base.orgId, credentialId: base.id, secretVersion: 1 },
    ),
    linkCount: 0,
    ...overrides,
  };
}

function fakes(
  record: CredentialRecord | undefined,
  answer: VerificationOutcome | (() => Promise<VerificationOutcome>),
  options: { written?: boolean; maxAttempts?: number; verifier?: boolean } = {},
): Fakes {
  const written: Fakes['written'] = [];
  const noted: Fakes['noted'] = [];
  const retried: Fakes['retried'] = [];
  const sent: Fakes['sent'] = [];
  const asked: Fakes['asked'] = [];
  const counted: string[] = [];
  const rechecked: CredentialRecord[] = [];
  const count =
    (name: string) =>
    (...args: unknown[]) =>
      counted.push([name, ...args].join(' '));
  const metrics: VerificationMetrics = {
    verdict: count('verdict'),
    unreachable: count('unreachable'),
    retry: count('retry'),
    providerLatency: count('latency'),
    integrityFailure: count('integrity-failure'),
    resourceRechecks: (provider, summary) => counted.push(`rechecks ${provider} ${JSON.stringify(summary)}`),
  };
  const deps: VerificationMessageDeps = {
    findCredential: async () => record,
    recordVerdict: async (target, result) => {
      expect(target.checkId).toBe(CHECK_ID);
      written.push({ orgId: target.orgId, id: target.id, secretVersion: target.secretVersion, result });
      return options.written ?? true;
    },
    recordRetry: async (target, retry) => {
      retried.push({ target, retry });
      return options.written ?? true;
    },
    recordCheckFailure: async (target, note) => {
      noted.push({ target, note });
      return options.written ?? true;
    },
    keys,
    queue: {
      send: async (message, sendOptions) => {
        sent.push({ message, ...(sendOptions && { options: sendOptions }) });
      },
    },
    verifierOf: () =>
      options.verifier === false
        ? undefined
        : async (data, subject) => {
            asked.push({ data, subject });
            return typeof answer === 'function' ? answer() : answer;
          },
    externalIdOf: async (orgId) => `external-id-of-${orgId}`,
    now: () => NOW,
    timeline: { maxAttempts: options.maxAttempts ?? 5, retryBaseSeconds: 10, attemptDeadlineMs: 10_000 },
    metrics,
    recheckResources: async (checked) => {
      rechecked.push(checked);
      return { recorded: 2, noVerdict: 0, changed: 0, failed: 0, deferred: 1 };
    },
  };
  return { deps, written, retried, noted, sent, asked, counted, rechecked };
}

const message = (attempt?: number): VerificationMessage => ({
  orgId: 'org-1',
  credentialId: '0193a1b2-0000-7000-8000-000000000001',
  secretVersion: 1,
  checkId: CHECK_ID,
  ...(attempt !== undefined && { attempt }),
});

const unreachable: VerificationOutcome = {
  kind: 'unreachable',
  message: 'AWS STS could not be reached (ECONNREFUSED)',
};

describe('handleVerificationMessage', () => {
  it('records VALID with the identity, asking with the opened secret and who asks', async () => {
    const { deps, written, asked } = fakes(await credential(), {
      kind: 'valid',
      identity: { accountId: '123456789012' },
    });
    expect(await handleVerificationMessage(deps, message())).toBe('recorded');
    expect(written).toEqual([
      {
        orgId: 'org-1',
        id: message().credentialId,
        secretVersion: 1,
        result: {
          status: 'VALID',
          verifiedAt: NOW.toISOString(),
          verificationError: null,
          verifiedIdentity: { accountId: '123456789012' },
        },
      },
    ]);
    expect(asked[0]!.data).toEqual({ accessKeyId: 'AKIA', secretAccessKey: 'secret' });
    expect(asked[0]!.subject).toMatchObject({
      orgId: 'org-1',
      credentialId: message().credentialId,
      uncheckedSince: '2026-12-02T11:30:00.000Z',
    });
    expect(await asked[0]!.subject.externalId()).toBe('external-id-of-org-1');
  });

  it('opens the secret as what the message asks for, not as what the item says it is: a copied item fails', async () => {
    // The whole item of org-1, copied under another organization's key: its own attributes still say org-1.
    const { deps, written, asked } = fakes(await credential(), { kind: 'valid', identity: {} });
    const copied = { ...message(), orgId: 'org-thief' };
    // Not opened, and said so: the copy is recorded INVALID "cannot be opened" (terminal, point 16.7).
    expect(await handleVerificationMessage(deps, copied)).toBe('unopenable');
    expect(asked).toEqual([]);
    expect(written.map((write) => write.result.verificationError)).toEqual([UNOPENABLE_SECRET_MESSAGE]);
  });

  it('refuses a ciphertext sealed for another secret version than the record holds (a rollback)', async () => {
    const olderCiphertext = (await credential()).sealedSecret;
    const { deps, written, asked } = fakes(await credential({ secretVersion: 2, sealedSecret: olderCiphertext }), {
      kind: 'valid',
      identity: {},
    });
    expect(await handleVerificationMessage(deps, { ...message(), secretVersion: 2 })).toBe('unopenable');
    expect(asked).toEqual([]);
    expect(written.map((write) => write.result.verificationError)).toEqual([UNOPENABLE_SECRET_MESSAGE]);
  });

  it('says nothing of a propagation window once the secret had a verdict', async () => {
    const { deps, asked } = fakes(await credential({ status: 'VALID', lastVerifiedAt: '2026-12-01T12:00:00.000Z' }), {
      kind: 'valid',
      identity: {},
    });
    await handleVerificationMessage(deps, message());
    expect(asked[0]!.subject.uncheckedSince).toBeUndefined();
  });

  it('records INVALID with the actionable message and no identity', async () => {
    const { deps, written } = fakes(await credential(), {
      kind: 'invalid',
      message: 'InvalidClientTokenId: create a new key',
    });
    expect(await handleVerificationMessage(deps, message())).toBe('recorded');
    expect(written[0]!.result).toEqual({
      status: 'INVALID',
      verifiedAt: NOW.toISOString(),
      verificationError: 'InvalidClientTokenId: create a new key',
      verifiedIdentity: null,
    });
  });

  it('records INVALID "not supported" for a kind without a verifier', async () => {
    const { deps, written } = fakes(await credential({ credentialType: 'RETIRED_TYPE' }), unreachable, {
      verifier: false,
    });
    expect(await handleVerificationMessage(deps, message())).toBe('recorded');
    expect(written[0]!.result.verificationError).toBe('Verification of AWS RETIRED_TYPE credentials is not supported');
  });

  it.each([
    [1, 10],
    [2, 30],
    [3, 90],
    [4, 270],
  ])('re-queues attempt %i of an unreachable provider after %i s, writing no verdict', async (attempt, delay) => {
    const { deps, written, retried, noted, sent } = fakes(await credential({ checkAttempt: attempt }), unreachable);
    expect(await handleVerificationMessage(deps, message(attempt))).toBe('retry-queued');
    expect(sent).toEqual([{ message: { ...message(), attempt: attempt + 1 }, options: { delaySeconds: delay } }]);
    expect(written).toEqual([]);
    // The same check goes on: only its lease and the attempt queued next are written; nothing a client sees.
    expect(noted).toEqual([]);
    expect(retried).toEqual([
      {
        target: { orgId: 'org-1', id: message().credentialId, secretVersion: 1, checkId: CHECK_ID, attempt },
        retry: { at: NOW.toISOString(), leaseUntil: expect.any(String), neverVerified: true },
      },
    ]);
  });

  it('extends the lease of a re-queued check to cover what is left of its timeline, never shortening it', async () => {
    // After attempt 2: 30 s of delay, then attempts 3–5 (10 s each), 90 + 270 s between them, 60 s of margin.
    const { deps, retried } = fakes(await credential({ checkAttempt: 2 }), unreachable);
    await handleVerificationMessage(deps, message(2));
    expect(retried[0]!.retry.leaseUntil).toBe('2026-12-02T12:08:00.000Z');

    const later = '2026-12-02T12:30:00.000Z';
    const kept = fakes(await credential({ checkAttempt: 2, checkLeaseUntil: later }), unreachable);
    await handleVerificationMessage(kept.deps, message(2));
    expect(kept.retried[0]!.retry.leaseUntil).toBe(later);
  });

  it('sends no retry when the lease write is refused (a newer check, or a duplicate got there first)', async () => {
    const { deps, sent } = fakes(await credential(), unreachable, { written: false });
    expect(await handleVerificationMessage(deps, message(1))).toBe('stale');
    expect(sent).toEqual([]);
  });
  it('caps the retry delay at SQS’s 900 s', async () => {
    const { deps, sent } = fakes(await credential(), unreachable, { maxAttempts: 10 });
    await handleVerificationMessage(deps, message(7));
    expect(sent[0]!.options).toEqual({ delaySeconds: 900 });
  });

  it('gives up after the last attempt: UNVERIFIED with "could not be reached", the identity kept', async () => {
    const { deps, written, noted, sent } = fakes(
      await credential({ verifiedIdentity: { accountId: '1' }, checkAttempt: 5 }),
      unreachable,
    );
    expect(await handleVerificationMessage(deps, message(5))).toBe('gave-up');
    expect(sent).toEqual([]);
    // No verdict is written: the status stays UNVERIFIED and the identity stays; the state says why.
    expect(written).toEqual([]);
    expect(noted[0]!.note).toMatchObject({ neverVerified: true, at: NOW.toISOString(), message: unreachable.message });
    expect(noted[0]!.note.verificationError).toMatch(
      /^AWS could not be reached after 5 attempts \(AWS STS could not be reached/,
    );
  });

  it('keeps the verdict of a VALID credential whose re-check cannot reach the provider, noting only when and why', async () => {
    const verified = {
      status: 'VALID' as const,
      lastVerifiedAt: '2026-12-01T12:00:00.000Z',
      verifiedIdentity: { accountId: '123456789012' },
      checkAttempt: 5,
    };
    const { deps, written, noted, counted } = fakes(await credential(verified), unreachable);
    expect(await handleVerificationMessage(deps, message(5))).toBe('gave-up');
    expect(written).toEqual([]);
    expect(noted).toEqual([
      {
        target: expect.objectContaining({ checkId: CHECK_ID, attempt: 5 }),
        note: { at: NOW.toISOString(), message: unreachable.message, neverVerified: false },
      },
    ]);
    expect(counted).toContain('unreachable AWS');
    expect(counted.filter((line) => line.startsWith('verdict'))).toEqual([]);

    // At an earlier attempt too: the retry's write carries the lease only, never a status.
    const early = fakes(await credential({ ...verified, checkAttempt: 1 }), unreachable);
    expect(await handleVerificationMessage(early.deps, message(1))).toBe('retry-queued');
    expect([early.written, early.noted]).toEqual([[], []]);
    expect(early.retried[0]!.retry).toMatchObject({ neverVerified: false });
  });
  it("re-checks the credential's resources after its verdict was recorded, and counts them", async () => {
    const linked = await credential({ linkCount: 3 });
    for (const answer of [
      { kind: 'valid', identity: {} },
      { kind: 'invalid', message: 'The security token included in the request is invalid' },
    ] as const) {
      const { deps, rechecked, counted } = fakes(linked, answer);
      expect(await handleVerificationMessage(deps, message())).toBe('recorded');
      expect(rechecked).toEqual([linked]);
      expect(counted).toContain('rechecks AWS {"recorded":2,"noVerdict":0,"changed":0,"failed":0,"deferred":1}');
    }
  });

  it('re-checks no resources without a recorded verdict, or when none is linked', async () => {
    const linked = await credential({ linkCount: 3 });
    const cases = [
      fakes(await credential({ linkCount: 0 }), { kind: 'valid', identity: {} }),
      fakes(linked, { kind: 'valid', identity: {} }, { written: false }),
      fakes(linked, unreachable),
      fakes(linked, unreachable, { maxAttempts: 1 }),
      // Sealed for version 1, stored as version 2: INVALID "cannot be opened", and no resource can be checked.
      fakes(await credential({ linkCount: 3, secretVersion: 2, sealedSecret: linked.sealedSecret }), {
        kind: 'valid',
        identity: {},
      }),
    ];
    const outcomes = [];
    for (const [i, { deps }] of cases.entries()) {
      outcomes.push(await handleVerificationMessage(deps, { ...message(), secretVersion: i === 4 ? 2 : 1 }));
    }
    expect(outcomes).toEqual(['recorded', 'stale', 'retry-queued', 'gave-up', 'unopenable']);
    expect(cases.flatMap(({ rechecked }) => rechecked)).toEqual([]);
  });

  it('drops a message whose credential is gone', async () => {
    const { deps, written, asked } = fakes(undefined, { kind: 'valid', identity: {} });
    expect(await handleVerificationMessage(deps, message())).toBe('gone');
    expect([written, asked]).toEqual([[], []]);
  });

  it('drops a message about an older secret without asking the provider', async () => {
    const { deps, written, asked } = fakes(await credential({ secretVersion: 2 }), { kind: 'valid', identity: {} });
    expect(await handleVerificationMessage(deps, message())).toBe('stale');
    expect([written, asked]).toEqual([[], []]);
  });

  it('reports a verdict the table refused (deleted or rotated during the check) as stale', async () => {
    const { deps } = fakes(await credential(), { kind: 'valid', identity: {} }, { written: false });
    expect(await handleVerificationMessage(deps, message())).toBe('stale');
  });

  it('acknowledges a redelivered message whose check already got its verdict', async () => {
    // The verdict ended the check: its lease is gone, its id stays.
    const { deps, asked } = fakes(
      await credential({ status: 'VALID', lastVerifiedAt: '2026-12-02T11:59:30.000Z', checkLeaseUntil: undefined }),
      { kind: 'valid', identity: {} },
    );
    expect(await handleVerificationMessage(deps, message())).toBe('answered');
    expect(asked).toEqual([]);
  });

  it('checks a redelivered message again while its check has no answer yet (the last verdict is older)', async () => {
    const { deps, asked } = fakes(await credential({ status: 'VALID', lastVerifiedAt: '2026-12-01T11:00:00.000Z' }), {
      kind: 'valid',
      identity: {},
    });
    expect(await handleVerificationMessage(deps, message())).toBe('recorded');
    expect(asked).toHaveLength(1);
  });

  it('drops a stale check: a newer check holds the credential, so nothing is asked or written', async () => {
    const { deps, written, retried, noted, asked } = fakes(
      await credential({ checkId: '0193a1b2-0000-7000-8000-0000000000c2' }),
      { kind: 'valid', identity: {} },
    );
    expect(await handleVerificationMessage(deps, message(5))).toBe('stale');
    expect([written, retried, noted, asked]).toEqual([[], [], [], []]);
  });

  it('drops a message from before checks had ids', async () => {
    const { deps, asked } = fakes(await credential(), { kind: 'valid', identity: {} });
    const { checkId: _none, ...legacy } = message();
    expect(await handleVerificationMessage(deps, legacy as ReceivedMessage)).toBe('stale');
    expect(asked).toEqual([]);
  });

  it('acknowledges an attempt whose check has already queued a later one (a duplicate delivery joins it)', async () => {
    const { deps, asked, sent } = fakes(await credential({ checkAttempt: 3 }), unreachable);
    expect(await handleVerificationMessage(deps, message(2))).toBe('answered');
    expect([asked, sent]).toEqual([[], []]);
  });

  it('records INVALID "cannot be opened" at once for a stored secret that fails its integrity check', async () => {
    const tampered = await credential({ sealedSecret: 'v1.AAAA.AAAA.AAAA.AAAA' });
    const { deps, written, retried, noted, sent, asked, counted } = fakes(tampered, { kind: 'valid', identity: {} });
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    try {
      expect(await handleVerificationMessage(deps, message())).toBe('unopenable');
      expect(errors.mock.calls).toEqual([
        [
          'stored secret cannot be opened; recorded INVALID',
          { orgId: 'org-1', credentialId: message().credentialId, secretVersion: 1, reason: 'malformed' },
        ],
      ]);
    } finally {
      errors.mockRestore();
    }
    expect(written).toEqual([
      {
        orgId: 'org-1',
        id: message().credentialId,
        secretVersion: 1,
        result: {
          status: 'INVALID',
          verifiedAt: NOW.toISOString(),
          verificationError: 'the stored secret cannot be opened; enter it again (rotate the credential)',
          verifiedIdentity: null,
          leaveSweep: true,
        },
      },
    ]);
    // Terminal: no provider call, no retry, no failure for the queue to redeliver.
    expect([retried, noted, sent, asked]).toEqual([[], [], [], []]);
    expect(counted).toEqual(['integrity-failure AWS']);
  });

  it('gives the verifier one deadline for the whole check and reports its verdict and latency', async () => {
    const { deps, asked, counted } = fakes(await credential(), { kind: 'valid', identity: {} });
    await handleVerificationMessage(deps, message());
    expect(asked[0]!.subject.deadline).toBe(NOW.getTime() + 10_000);
    expect(counted).toEqual(['latency AWS 0', 'verdict AWS VALID']);
  });

  it('fails the message (for the queue to retry) when a dependency fails', async () => {
    const { deps } = fakes(await credential(), { kind: 'valid', identity: {} });
    deps.recordVerdict = async () => {
      throw new DependencyError('DynamoDB');
    };
    await expect(handleVerificationMessage(deps, message())).rejects.toBeInstanceOf(DependencyError);
  });
});
