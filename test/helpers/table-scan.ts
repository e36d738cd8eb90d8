import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { table } from '#shared/runtime/clients.ts';

/** Every item of this test file's table, raw: for "nothing was written" and "no secret stored" assertions. */
export async function scanTable(): Promise<Record<string, any>[]> {
  return (await scanWholeTable()).filter((item) => !String(item.pk).startsWith('RATE#'));
}

/** Every item, rate-limit counters included. */
export async function scanWholeTable(): Promise<Record<string, any>[]> {
  const items: Record<string, any>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table
      .get()
      .client.send(new ScanCommand({ TableName: table.get().name, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}
