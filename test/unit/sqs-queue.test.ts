import { SendMessageCommand, SQSClient, SQSServiceException } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { readConfig } from '#shared/config.ts';
import { DependencyError } from '#shared/errors.ts';
import { createQueue, SqsVerificationQueue } from '#shared/queue/sqs-queue.ts';
import type { VerificationMessage } from '#shared/queue/verification-queue.ts';

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/entryguard-verification';
const message: VerificationMessage = {
  orgId: 'org-7c9e6679',
  credentialId: 'cred-1b4e28ba',
  secretVersion: 3,
  checkId: '0193a1b2-0000-7000-8000-0000000000c1',
  attempt: 1,
};

const sqs = mockClient(SQSClient);
const queue = new SqsVerificationQueue(new SQSClient({ region: 'us-east-1' }), QUEUE_URL);

function sentInputs() {
  return sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
}

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

describe('SqsVerificationQueue', () => {
  it("sends the message as JSON to the queue, in its organization's message group, without a delay unless asked", async () => {
    await queue.send(message);
    expect(sentInputs()).toStrictEqual([
      {
        QueueUrl: QUEUE_URL,
        MessageBody:
          '{"orgId":"org-7c9e6679","credentialId":"cred-1b4e28ba","secretVersion":3,"checkId":"0193a1b2-0000-7000-8000-0000000000c1","attempt":1}',
        MessageGroupId: 'org-7c9e6679',
      },
    ]);
  });

  it('puts each organization in its own message group (SQS fair queues), hashing ids SQS would refuse', async () => {
    await queue.send({ ...message, orgId: 'org-a' });
    await queue.send({ ...message, orgId: 'org-b' });
    await queue.send({ ...message, orgId: 'Ørg with spaces' });
    await queue.send({ ...message, orgId: 'x'.repeat(129) });
    const groups = sentInputs().map((input) => input.MessageGroupId);
    expect(groups.slice(0, 2)).toStrictEqual(['org-a', 'org-b']);
    for (const group of groups.slice(2)) expect(group).toMatch(/^sha256:[\w-]{43}$/);
    expect(new Set(groups).size).toBe(4);
  });

  it('leaves out an attempt that was not given', async () => {
    await queue.send({ orgId: 'org-1', credentialId: 'cred-1', secretVersion: 1, checkId: message.checkId });
    expect(JSON.parse(sentInputs()[0]?.MessageBody ?? '')).toStrictEqual({
      orgId: 'org-1',
      credentialId: 'cred-1',
      secretVersion: 1,
      checkId: message.checkId,
    });
  });

  it.each([
    [0, 0],
    [45, 45],
    [900, 900],
    [901, 900],
    [86_400, 900],
    [Number.POSITIVE_INFINITY, 900],
    [-5, 0],
    [Number.NaN, 0],
    [1.2, 2],
  ])('sends delaySeconds %s as DelaySeconds %s', async (delaySeconds, expected) => {
    await queue.send(message, { delaySeconds });
    expect(sentInputs()[0]).toStrictEqual({
      QueueUrl: QUEUE_URL,
      MessageBody: expect.any(String),
      MessageGroupId: message.orgId,
      DelaySeconds: expected,
    });
  });

  it('never sends fields beyond the five of a verification message', async () => {
    const withExtras = {
      ...message,
      credentialData: { secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      sealedSecret: 'v1.a.b.c.d',
    } as VerificationMessage;
    await queue.send(withExtras);
    const body = sentInputs()[0]?.MessageBody ?? '';
    expect(Object.keys(JSON.parse(body))).toStrictEqual([
      'orgId',
      'credentialId',
      'secretVersion',
      'checkId',
      'attempt',
    ]);
    expect(body).not.toContain('wJalr');
    expect(body).not.toContain('sealedSecret');
  });

  it.each([
    [
      'a service error',
      new SQSServiceException({ name: 'ServiceUnavailable', $fault: 'server', $metadata: {}, message: 'busy' }),
    ],
    ['a network error', new Error('connect ETIMEDOUT 10.0.0.1:443')],
  ])('turns %s into a DependencyError without its text', async (_label, cause) => {
    sqs.on(SendMessageCommand).rejects(cause);
    const error = await queue.send(message).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DependencyError);
    expect((error as DependencyError).dependency).toBe('Queue');
    expect((error as Error).message).toBe('Queue request failed');
    expect((error as Error).cause).toBe(cause);
  });
});

describe('createQueue', () => {
  it('sends to the queue named by QUEUE_URL', async () => {
    const configured = createQueue(readConfig({ QUEUE_URL: QUEUE_URL, AWS_REGION: 'us-east-1' }));
    expect(configured).toBeInstanceOf(SqsVerificationQueue);
    await configured.send(message);
    expect(sentInputs()[0]?.QueueUrl).toBe(QUEUE_URL);
  });

  it('refuses to run without QUEUE_URL, pointing at the in-process queue', () => {
    expect(() => createQueue(readConfig({}))).toThrow(/QUEUE_URL.*InProcessQueue/);
  });
});
