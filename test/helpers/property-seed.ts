import fc from 'fast-check';

const DEFAULT_SEED = 20260218;

/** Fixed, so `npm test` always tries the same cases; `FC_SEED=<integer>` tries others or replays a failure. */
export function propertySeed(): number {
  const raw = process.env.FC_SEED;
  if (raw === undefined || raw === '') return DEFAULT_SEED;
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer, got ${raw}`);
  return seed;
}

/** fc.assert with the suite's seed; a failure names the seed to rerun it with. */
export async function assertProperty<T>(property: fc.IAsyncProperty<T>, numRuns: number): Promise<void> {
  const seed = propertySeed();
  try {
    await fc.assert(property, { seed, numRuns });
  } catch (error) {
    throw new Error(
      `Property failed with FC_SEED=${seed} (rerun: FC_SEED=${seed} npx vitest run <file>)\n${(error as Error).message}`,
      { cause: error },
    );
  }
}
