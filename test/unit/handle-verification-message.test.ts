import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CredentialRecord } from '#shared/credentials/model.ts';
import { sealSecret } from '#shared/crypto/envelope.ts';
import { SecretIntegrityError } from '#shared/crypto/key-provider.ts';
import { LocalKeyProvider } from '#shared/crypto/local-key-provider.ts';
import { DependencyError } from '#shared/errors.ts';
import type { VerificationOutcome, VerificationSubject } from '#shared/providers/verifier.ts';
import type { SendOptions, VerificationMessage } from '#shared/queue/verification-queue.ts';
import {
  type Delivery,
  FIRST_DELIVERY,
  handleVerificationMessage,
  type VerificationMessageDeps,
} from '#shared/verification/handle-verification-message.ts';
import type { VerificationResult } from '#shared/verification/verdict-writes.ts';

// Every outcome of the consumer's message handler, with fakes for the table, the queue and the provider: no
// DynamoDB, no network. The end-to-end suites check the same paths through the real consumer.

const NOW = new Date('2026-12-02T12:00:00.000Z');
const keys = new LocalKeyProvider(mkdtempSync(join(tmpdir(), 'entryguard-handler-')));

interface Fakes {
  deps: VerificationMessageDeps;
  written: { orgId: string; id: string; secretVersion: number; result: VerificationResult }[];
  sent: { message: VerificationMessage; options?: SendOptions }[];
  asked: { data: Record<string, unknown>; subject: VerificationSubject }[];
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
  const sent: Fakes['sent'] = [];
  const asked: Fakes['asked'] = [];
  const deps: VerificationMessageDeps = {
    findCredential: async () => record,
    recordVerdict: async (orgId, id, secretVersion, result) => {
      written.push({ orgId, id, secretVersion, result });
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
    maxAttempts: options.maxAttempts ?? 5,
    retryBaseSeconds: 10,
  };
  return { deps, written, sent, asked };
}

const message = (attempt?: number): VerificationMessage => ({
  orgId: 'org-1',
  credentialId: '0193a1b2-0000-7000-8000-000000000001',
  secretVersion: 1,
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
    expect(await handleVerificationMessage(deps, message(), FIRST_DELIVERY)).toBe('recorded');
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
    await expect(handleVerificationMessage(deps, copied, FIRST_DELIVERY)).rejects.toBeInstanceOf(SecretIntegrityError);
    expect(asked).toEqual([]);
    expect(written).toEqual([]);
  });

  it('refuses a ciphertext sealed for another secret version than the record holds (a rollback)', async () => {
    const olderCiphertext = (await credential()).sealedSecret;
    const { deps, written, asked } = fakes(await credential({ secretVersion: 2, sealedSecret: olderCiphertext }), {
      kind: 'valid',
      identity: {},
    });
    await expect(
      handleVerificationMessage(deps, { ...message(), secretVersion: 2 }, FIRST_DELIVERY),
    ).rejects.toBeInstanceOf(SecretIntegrityError);
    expect(asked).toEqual([]);
    expect(written).toEqual([]);
  });

  it('says nothing of a propagation window once the secret had a verdict', async () => {
    const { deps, asked } = fakes(await credential({ status: 'VALID', lastVerifiedAt: '2026-12-01T12:00:00.000Z' }), {
      kind: 'valid',
      identity: {},
    });
    await handleVerificationMessage(deps, message(), FIRST_DELIVERY);
    expect(asked[0]!.subject.uncheckedSince).toBeUndefined();
  });

  it('records INVALID with the actionable message and no identity', async () => {
    const { deps, written } = fakes(await credential(), {
      kind: 'invalid',
      message: 'InvalidClientTokenId: create a new key',
    });
    expect(await handleVerificationMessage(deps, message(), FIRST_DELIVERY)).toBe('recorded');
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
    expect(await handleVerificationMessage(deps, message(), FIRST_DELIVERY)).toBe('recorded');
    expect(written[0]!.result.verificationError).toBe('Verification of AWS RETIRED_TYPE credentials is not supported');
  });

  it.each([
    [1, 10],
    [2, 30],
    [3, 90],
    [4, 270],
  ])('re-queues attempt %i of an unreachable provider after %i s, writing nothing', async (attempt, delay) => {
    const { deps, written, sent } = fakes(await credential(), unreachable);
    expect(await handleVerificationMessage(deps, message(attempt), FIRST_DELIVERY)).toBe('retry-queued');
    expect(sent).toEqual([{ message: { ...message(), attempt: attempt + 1 }, options: { delaySeconds: delay } }]);
    expect(written).toEqual([]);
  });

  it('caps the retry delay at SQS’s 900 s', async () => {
    const { deps, sent } = fakes(await credential(), unreachable, { maxAttempts: 10 });
    await handleVerificationMessage(deps, message(7), FIRST_DELIVERY);
    expect(sent[0]!.options).toEqual({ delaySeconds: 900 });
  });

  it('gives up after the last attempt: UNVERIFIED with "could not be reached", the identity kept', async () => {
    const { deps, written, sent } = fakes(await credential({ verifiedIdentity: { accountId: '1' } }), unreachable);
    expect(await handleVerificationMessage(deps, message(5), FIRST_DELIVERY)).toBe('gave-up');
    expect(sent).toEqual([]);
    expect(written[0]!.result).toMatchObject({ status: 'UNVERIFIED', verifiedIdentity: { accountId: '1' } });
    expect(written[0]!.result.verificationError).toMatch(
      /^AWS could not be reached after 5 attempts \(AWS STS could not be reached/,
    );
  });

  it('drops a message whose credential is gone', async () => {
    const { deps, written, asked } = fakes(undefined, { kind: 'valid', identity: {} });
    expect(await handleVerificationMessage(deps, message(), FIRST_DELIVERY)).toBe('gone');
    expect([written, asked]).toEqual([[], []]);
  });

  it('drops a message about an older secret without asking the provider', async () => {
    const { deps, written, asked } = fakes(await credential({ secretVersion: 2 }), { kind: 'valid', identity: {} });
    expect(await handleVerificationMessage(deps, message(), FIRST_DELIVERY)).toBe('stale');
    expect([written, asked]).toEqual([[], []]);
  });

  it('reports a verdict the table refused (deleted or rotated during the check) as stale', async () => {
    const { deps } = fakes(await credential(), { kind: 'valid', identity: {} }, { written: false });
    expect(await handleVerificationMessage(deps, message(), FIRST_DELIVERY)).toBe('stale');
  });

  it('acknowledges a redelivered message whose credential got a verdict after it was first received', async () => {
    const firstReceivedAt = Date.parse('2026-12-02T11:59:00.000Z');
    const delivery: Delivery = { receiveCount: 2, firstReceivedAt };
    const { deps, asked } = fakes(await credential({ status: 'VALID', lastVerifiedAt: '2026-12-02T11:59:30.000Z' }), {
      kind: 'valid',
      identity: {},
    });
    expect(await handleVerificationMessage(deps, message(), delivery)).toBe('answered');
    expect(asked).toEqual([]);
  });

  it('checks a redelivered message again when the last verdict is older than its first receive', async () => {
    const delivery: Delivery = { receiveCount: 2, firstReceivedAt: Date.parse('2026-12-02T11:59:00.000Z') };
    const { deps, asked } = fakes(await credential({ status: 'VALID', lastVerifiedAt: '2026-12-01T11:00:00.000Z' }), {
      kind: 'valid',
      identity: {},
    });
    expect(await handleVerificationMessage(deps, message(), delivery)).toBe('recorded');
    expect(asked).toHaveLength(1);
  });

  it('fails the message (for the queue to retry) when a dependency fails', async () => {
    const { deps } = fakes(await credential(), { kind: 'valid', identity: {} });
    deps.recordVerdict = async () => {
      throw new DependencyError('DynamoDB');
    };
    await expect(handleVerificationMessage(deps, message(), FIRST_DELIVERY)).rejects.toBeInstanceOf(DependencyError);
  });
});
