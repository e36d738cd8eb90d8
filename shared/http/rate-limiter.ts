import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { asDependencyError } from '#shared/data/dynamo-errors.ts';
import { keys, type Table } from '#shared/data/table.ts';
import { ServiceError } from '#shared/errors.ts';

export type Budget = 'read' | 'write';

/**
 * A fixed one-minute window per organization and budget, counted with an atomic ADD in DynamoDB so it holds across
 * every Lambda instance. Counter items expire through the table's TTL.
 */
export class RateLimiter {
  constructor(
    private readonly table: Table,
    private readonly limits: Record<Budget, number>,
  ) {}

  async consume(orgId: string, budget: Budget, now: Date): Promise<void> {
    const epochSeconds = Math.floor(now.getTime() / 1000);
    const minute = Math.floor(epochSeconds / 60);
    let count: number;
    try {
      const result = await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: { pk: keys.rateLimit(orgId, budget, minute), sk: 'RATE' },
          UpdateExpression: 'ADD #count :one SET expiresAt = if_not_exists(expiresAt, :expiresAt)',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':one': 1, ':expiresAt': (minute + 2) * 60 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      count = result.Attributes?.count as number;
    } catch (error) {
      throw asDependencyError(error);
    }
    if (count > this.limits[budget]) {
      throw new ServiceError(
        'RATE_LIMIT_EXCEEDED',
        `Rate limit of ${this.limits[budget]} ${budget} requests per minute exceeded`,
        {
          retryAfterSeconds: Math.max(1, (minute + 1) * 60 - epochSeconds),
        },
      );
    }
  }
}
