import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { auditEntry } from '#shared/audit/audit-entry.ts';
import { insertCredential } from '#shared/credentials/credential-writes.ts';
import type { CredentialRecord } from '#shared/credentials/model.ts';
import { sealSecret } from '#shared/crypto/envelope.ts';
import { keyProvider, table } from '#shared/runtime/clients.ts';
import { handler as rawList } from './floors/list-credentials.ts';
import { apiEvent, invoke, principalOf, uuidv7 } from './in-process.ts';
import { median, round } from './stats.ts';

export interface ListAtScale {
  organizations: number;
  credentials: number;
  otherCredentialsPerOrganization: number;
  serviceMs: number;
  /**
   * A raw paginated Query of the same items (same key condition and projection, no rate-limit counter, no count of
   * the resources needing attention, which the route runs beside it).
   */
  floorMs: number;
  runs: number;
}

const SEED_CONCURRENCY = 16;

/** One organization holding `credentials` among `organizations`, listed in full by the route and by a raw Query. */
export async function measureListAtScale(
  keys: { accessKeyId: string; secretAccessKey: string },
  options = { organizations: 50, credentials: 2000, otherCredentialsPerOrganization: 40, runs: 15 },
): Promise<ListAtScale> {
  const run = randomUUID().slice(0, 8);
  const orgIds = Array.from({ length: options.organizations }, (_, i) => `bench-scale-${run}-${i}`);
  const target = orgIds[0]!;
  const sealedSecret = await sealSecret(keyProvider.get(), keys, {
    orgId: target,
    credentialId: randomUUID(),
    secretVersion: 1,
  });
  const work = orgIds.flatMap((orgId, i) =>
    Array.from({ length: i === 0 ? options.credentials : options.otherCredentialsPerOrganization }, (_, n) => ({
      orgId,
      n,
    })),
  );
  let next = 0;
  await Promise.all(
    Array.from({ length: SEED_CONCURRENCY }, async () => {
      while (next < work.length) {
        const { orgId, n } = work[next++]!;
        await seedCredential(orgId, `credential-${n}`, sealedSecret);
      }
    }),
  );

  const principal = principalOf(target);
  const samples = { service: [] as number[], floor: [] as number[] };
  for (let i = 0; i < options.runs + 2; i++) {
    const event = apiEvent('list-credentials', principal);
    const serviceRun = async () => {
      const started = performance.now();
      const response = await invoke('list-credentials', event);
      const elapsed = performance.now() - started;
      const listed = JSON.parse(response.body).length;
      if (listed !== options.credentials) throw new Error(`list at scale: the route listed ${listed} credentials`);
      if (i >= 2) samples.service.push(elapsed);
    };
    const floorRun = async () => {
      const started = performance.now();
      const items = await rawList({ orgId: target, rateLimit: false, attention: false });
      const elapsed = performance.now() - started;
      if (items.length !== options.credentials)
        throw new Error(`list at scale: the raw Query read ${items.length} credentials`);
      if (i >= 2) samples.floor.push(elapsed);
    };
    for (const measure of i % 2 ? [floorRun, serviceRun] : [serviceRun, floorRun]) await measure();
  }
  return { ...options, serviceMs: round(median(samples.service)), floorMs: round(median(samples.floor)) };
}

/** A credential as the create route stores it (with its name claim and audit entry), sealed secret included. */
async function seedCredential(orgId: string, name: string, sealedSecret: string): Promise<void> {
  const id = uuidv7();
  const now = new Date().toISOString();
  const record: CredentialRecord = {
    orgId,
    id,
    name,
    provider: 'AWS',
    credentialType: 'ACCESS_KEY',
    status: 'VALID',
    lastVerifiedAt: now,
    verificationError: null,
    verifiedIdentity: { accountId: '123456789012', arn: 'arn:aws:iam::123456789012:user/bench', userId: 'AIDABENCH' },
    hint: 'AKIA…MPLE',
    createdAt: now,
    updatedAt: now,
    secretVersion: 1,
    sealedSecret,
    linkCount: 0,
  };
  const audit = auditEntry(
    { principal: principalOf(orgId), ipAddress: '203.0.113.10' },
    { eventType: 'CREDENTIAL_CREATE', resourceType: 'CREDENTIAL', resourceId: id, resourceName: name },
    uuidv7(),
    now,
  );
  await insertCredential(table.get(), record, audit);
}
