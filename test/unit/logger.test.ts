import { afterEach, describe, expect, it, vi } from 'vitest';
import { config } from '#shared/config.ts';
import type { Logger } from '#shared/logger.ts';
import { captureOutput } from '../helpers/captured-output.ts';

/** The logger reads LOG_LEVEL once, when it is loaded: each case loads a fresh copy under its own level. */
async function loggerAt(level: string): Promise<Logger> {
  vi.stubEnv('LOG_LEVEL', level);
  config.reset();
  vi.resetModules();
  return (await import('#shared/logger.ts')).logger;
}

function printed(write: (logger: Logger) => void, logger: Logger): { stdout: unknown[]; stderr: unknown[] } {
  const stdout: unknown[] = [];
  const stderr: unknown[] = [];
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((line) => stdout.push(JSON.parse(String(line))) > 0);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((line) => stderr.push(JSON.parse(String(line))) > 0);
  try {
    write(logger);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return { stdout, stderr };
}

function oneLineAtEachLevel(logger: Logger): void {
  logger.debug('a');
  logger.info('b');
  logger.warn('c');
  logger.error('d');
}

afterEach(() => {
  vi.unstubAllEnvs();
  config.reset();
});

describe('logger', () => {
  it('writes one JSON object per line: level, message, timestamp, service and the attributes', async () => {
    const logger = await loggerAt('INFO');
    const { stdout } = printed((log) => log.info('verification finished', { credentialId: 'c-1', attempt: 2 }), logger);
    expect(stdout).toEqual([
      {
        credentialId: 'c-1',
        attempt: 2,
        level: 'INFO',
        message: 'verification finished',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        service: 'entryguard-credentials',
      },
    ]);
  });

  it('redacts secret-bearing keys at any depth and in any letter case, and keeps the rest', async () => {
    const logger = await loggerAt('DEBUG');
    const { stdout } = printed(
      (log) =>
        log.debug('provider answered', {
          Authorization: 'Bearer abc',
          request: { headers: { 'X-Api-Key': 'apisix-key' }, body: '{"secret":1}' },
          credentials: [{ secretAccessKey: 'wJalr', accessKeyId: 'AKIAEXAMPLE' }],
        }),
      logger,
    );
    expect(stdout[0]).toMatchObject({
      Authorization: '[REDACTED]',
      request: { headers: { 'X-Api-Key': '[REDACTED]' }, body: '[REDACTED]' },
      credentials: [{ secretAccessKey: '[REDACTED]', accessKeyId: 'AKIAEXAMPLE' }],
    });
  });

  it('prints warnings and errors on stderr, the rest on stdout', async () => {
    const logger = await loggerAt('DEBUG');
    const { stdout, stderr } = printed(oneLineAtEachLevel, logger);
    expect(stdout.map((line) => (line as { level: string }).level)).toEqual(['DEBUG', 'INFO']);
    expect(stderr.map((line) => (line as { level: string }).level)).toEqual(['WARN', 'ERROR']);
  });

  it.each([
    ['WARN', ['WARN', 'ERROR']],
    ['error', ['ERROR']],
    ['SILENT', []],
    ['no-such-level', ['INFO', 'WARN', 'ERROR']],
  ])('at LOG_LEVEL=%s prints only %j', async (level, expected) => {
    const logger = await loggerAt(level);
    const { stdout, stderr } = printed(oneLineAtEachLevel, logger);
    expect([...stdout, ...stderr].map((line) => (line as { level: string }).level)).toEqual(expected);
  });

  it("names the invocation's X-Ray trace when Lambda gives one", async () => {
    const logger = await loggerAt('INFO');
    vi.stubEnv('_X_AMZN_TRACE_ID', 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1');
    const traced = printed((log) => log.info('traced'), logger).stdout[0];
    vi.stubEnv('_X_AMZN_TRACE_ID', undefined);
    const untraced = printed((log) => log.info('untraced'), logger).stdout[0];
    expect(traced).toMatchObject({ message: 'traced', xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793' });
    expect(untraced).not.toHaveProperty('xray_trace_id');
  });

  it('an attribute cannot replace the level, message, timestamp or service', async () => {
    const logger = await loggerAt('INFO');
    const { stderr } = printed(
      (log) => log.error('real', { level: 'INFO', message: 'forged', service: 'other' }),
      logger,
    );
    expect(stderr[0]).toMatchObject({ level: 'ERROR', message: 'real', service: 'entryguard-credentials' });
  });

  it('is what captureOutput sees', async () => {
    const logger = await loggerAt('INFO');
    const output = captureOutput();
    logger.info('captured', { token: 'never-printed' });
    output.stop();
    expect(output.lines.join('')).toContain('"message":"captured"');
    expect(output.lines.join('')).not.toContain('never-printed');
  });

  it("names the invocation on each line: its awsRequestId and the requestId its client saw, never another's", async () => {
    const logger = await loggerAt('INFO');
    // The same module registry as the logger just loaded (loggerAt resets modules).
    const { withInvocation } = await import('#shared/invocation.ts');
    const stdout: Record<string, unknown>[] = [];
    const out = vi
      .spyOn(process.stdout, 'write')
      .mockImplementation((line) => stdout.push(JSON.parse(String(line))) > 0);
    const request = async (n: number, waitMs: number) => {
      logger.info('started', { n });
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      logger.info('finished', { n });
    };
    try {
      await Promise.all([
        withInvocation({ awsRequestId: 'lambda-1' }, () => request(1, 30), 'api-1'),
        withInvocation({ awsRequestId: 'lambda-2' }, () => request(2, 5), 'api-2'),
        withInvocation({ awsRequestId: 'lambda-3' }, () => request(3, 15)),
      ]);
      logger.info('outside');
    } finally {
      out.mockRestore();
    }
    const ids = (n: number) =>
      stdout
        .filter((line) => line.n === n)
        .map(({ message, awsRequestId, requestId }) => ({ message, awsRequestId, requestId }));
    expect(ids(1)).toEqual([
      { message: 'started', awsRequestId: 'lambda-1', requestId: 'api-1' },
      { message: 'finished', awsRequestId: 'lambda-1', requestId: 'api-1' },
    ]);
    expect(ids(2)).toEqual([
      { message: 'started', awsRequestId: 'lambda-2', requestId: 'api-2' },
      { message: 'finished', awsRequestId: 'lambda-2', requestId: 'api-2' },
    ]);
    expect(ids(3)).toEqual([
      { message: 'started', awsRequestId: 'lambda-3', requestId: undefined },
      { message: 'finished', awsRequestId: 'lambda-3', requestId: undefined },
    ]);
    expect(stdout.find((line) => line.message === 'outside')).not.toHaveProperty('awsRequestId');
  });

  it("keeps the invocation's ids over attributes of the same name", async () => {
    const logger = await loggerAt('INFO');
    const { withInvocation } = await import('#shared/invocation.ts');
    const { stdout } = printed(
      (log) => withInvocation({ awsRequestId: 'lambda-1' }, () => log.info('x', { awsRequestId: 'forged' }), 'api-1'),
      logger,
    );
    expect(stdout[0]).toMatchObject({ awsRequestId: 'lambda-1', requestId: 'api-1' });
  });
});
