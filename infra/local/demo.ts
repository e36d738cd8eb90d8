import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SeededCredential, seedDemo } from './demo-seed.ts';
import { type DemoStandIns, startDemoStandIns } from './demo-stand-ins.ts';
import { type LocalService, type LocalServiceOptions, startLocalService } from './local-service.ts';

export interface DemoOptions
  extends Pick<LocalServiceOptions, 'port' | 'dynamoDbEndpoint' | 'console' | 'sweepIntervalMs'> {
  /** The organization to seed (the console's development organization under `npm run demo`). */
  orgId: string;
  /**
   * Where the local master key and token secret go. Default: a fresh private temporary folder, removed on `stop()`.
   * DynamoDB Local keeps its tables in memory either way, so nothing of a demo survives it.
   */
  dataDir?: string;
}

export interface Demo {
  service: LocalService;
  standIns: DemoStandIns;
  /** The organization as the seed left it, every check answered. */
  seeded: SeededCredential[];
  stop(): Promise<void>;
}

/**
 * `npm run demo`: the local service pointed at stand-ins of every provider on 127.0.0.1 (the test suites' provider
 * doubles), with an organization seeded with credentials and resources of every provider in every state. Answers once
 * the seed's checks have all answered.
 */
export async function startDemo(options: DemoOptions): Promise<Demo> {
  const ownDataDir = options.dataDir === undefined ? mkdtempSync(join(tmpdir(), 'entryguard-demo-')) : undefined;
  const standIns = await startDemoStandIns();
  // EntryGuard's own AWS identity (the default credential chain reads it first): the one the stand-in roles trust.
  const restoreEnv = setEnv({
    AWS_ACCESS_KEY_ID: standIns.service.accessKeyId,
    AWS_SECRET_ACCESS_KEY: standIns.service.secretAccessKey,
    AWS_SESSION_TOKEN: undefined,
    AWS_ROLE_PRINCIPAL_ARN: standIns.service.arn,
  });
  let service: LocalService | undefined;
  const stop = async () => {
    await service?.stop();
    await standIns.close();
    restoreEnv();
    if (ownDataDir !== undefined) rmSync(ownDataDir, { recursive: true, force: true });
  };
  try {
    service = await startLocalService({
      port: options.port,
      dataDir: options.dataDir ?? ownDataDir!,
      inMemory: true,
      ...(options.dynamoDbEndpoint !== undefined && { dynamoDbEndpoint: options.dynamoDbEndpoint }),
      ...(options.console !== undefined && { console: options.console }),
      ...(options.sweepIntervalMs !== undefined && { sweepIntervalMs: options.sweepIntervalMs }),
    });
    const seeded = await seedDemo(options.orgId, standIns, service.queue);
    return { service, standIns, seeded, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Sets (or, for `undefined`, removes) each variable; the function returned puts back what was there. */
function setEnv(values: Record<string, string | undefined>): () => void {
  const previous = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  const apply = (from: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(from)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(values);
  return () => apply(previous);
}
