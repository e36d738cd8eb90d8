import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Invocation, invocationStore } from '#shared/invocation.ts';

const invocation = (awsRequestId: string): Invocation => ({ awsRequestId });

const IN_LAMBDA = { AWS_LAMBDA_FUNCTION_NAME: 'EntryGuardCredentials-create-resource' };

/** What code started inside an invocation reads after `ms`: the store follows it through awaits, or not. */
async function readAfter(store: ReturnType<typeof invocationStore>, ms: number) {
  await sleep(ms);
  return store.getStore()?.awsRequestId;
}

describe('the invocation store', () => {
  afterEach(() => vi.unstubAllEnvs());

  describe('in a Lambda that runs one invocation at a time', () => {
    it('holds the invocation through every await until what the handler returned has settled, then none', async () => {
      const store = invocationStore(IN_LAMBDA);
      let late: Promise<string | undefined> | undefined;
      const seen = await store.run(invocation('lambda-1'), async () => {
        const first = store.getStore()?.awsRequestId;
        await sleep(5);
        late = readAfter(store, 20); // still running when the handler has returned
        return [first, store.getStore()?.awsRequestId];
      });
      expect(seen).toStrictEqual(['lambda-1', 'lambda-1']);
      expect(store.getStore()).toBeUndefined();
      expect(await late).toBeUndefined();
    });

    it('lets the next invocation in after one that failed, synchronously or not', async () => {
      const store = invocationStore(IN_LAMBDA);
      expect(() =>
        store.run(invocation('lambda-1'), () => {
          throw new Error('handler crashed');
        }),
      ).toThrow('handler crashed');
      expect(store.getStore()).toBeUndefined();
      await expect(
        store.run(invocation('lambda-2'), async () => {
          await sleep(1);
          throw new Error('handler rejected');
        }),
      ).rejects.toThrow('handler rejected');
      expect(store.getStore()).toBeUndefined();
      expect(store.run(invocation('lambda-3'), () => store.getStore()?.awsRequestId)).toBe('lambda-3');
    });

    it('gives an invocation run inside another back to the outer one when it ends', async () => {
      const store = invocationStore(IN_LAMBDA);
      const seen = await store.run(invocation('outer'), async () => {
        const inner = await store.run(invocation('inner'), async () => store.getStore()?.awsRequestId);
        return [inner, store.getStore()?.awsRequestId];
      });
      expect(seen).toStrictEqual(['inner', 'outer']);
    });
  });

  // Invocations that overlap in one process: each must read its own, however their awaits interleave.
  it.each([
    ['outside Lambda (the local server, tests)', {}],
    [
      'in a Lambda that shares its environment (AWS_LAMBDA_MAX_CONCURRENCY)',
      { ...IN_LAMBDA, AWS_LAMBDA_MAX_CONCURRENCY: '8' },
    ],
  ])('%s: keeps overlapping invocations apart, and code they left running keeps its own', async (_, env) => {
    const store = invocationStore(env);
    const late: Promise<string | undefined>[] = [];
    const run = (id: string, ms: number) =>
      store.run(invocation(id), async () => {
        await sleep(ms);
        late.push(readAfter(store, 30));
        return store.getStore()?.awsRequestId;
      });
    expect(await Promise.all([run('lambda-1', 15), run('lambda-2', 1), run('lambda-3', 8)])).toStrictEqual([
      'lambda-1',
      'lambda-2',
      'lambda-3',
    ]);
    expect(store.getStore()).toBeUndefined();
    expect(new Set(await Promise.all(late))).toStrictEqual(new Set(['lambda-1', 'lambda-2', 'lambda-3']));
  });

  it('is chosen once, from the environment the process started with', async () => {
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'EntryGuardCredentials-create-resource');
    vi.stubEnv('AWS_LAMBDA_MAX_CONCURRENCY', undefined);
    vi.resetModules();
    const { withInvocation, currentInvocation } = await import('#shared/invocation.ts');
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', undefined); // too late: the store is the one-at-a-time one
    let late: Promise<unknown> | undefined;
    await withInvocation({ awsRequestId: 'lambda-1' }, async () => {
      late = sleep(10).then(() => currentInvocation());
    });
    expect(await late).toBeUndefined();
  });
});
