import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { asDependencyError, isConditionalCheckFailure } from '#shared/data/dynamo-errors.ts';
import { keys, type Table } from '#shared/data/table.ts';

/**
 * The scheme new external IDs are made with. A stored ID keeps the scheme it was made with (its `version`), since
 * customers' trust policies hold it verbatim: a new scheme applies to organizations that have none yet.
 */
export const EXTERNAL_ID_VERSION = 1;

/** `eg1-` and 192 random bits in base64url: unguessable, and only characters STS accepts in an external ID. */
export function newExternalId(): string {
  return `eg${EXTERNAL_ID_VERSION}-${randomBytes(24).toString('base64url')}`;
}

/** Each organization's external ID for AWS role assumption: one settings item under the organization's key. */
export class ExternalIdRepository {
  constructor(private readonly table: Table) {}

  /**
   * The organization's external ID, created on first use. The create is conditional on the item being absent, so
   * concurrent first calls agree: one put wins and the others read what it wrote.
   */
  async forOrganization(orgId: string): Promise<string> {
    const stored = await this.read(orgId);
    if (stored !== undefined) return stored;
    const externalId = newExternalId();
    try {
      await this.table.client.send(
        new PutCommand({
          TableName: this.table.name,
          Item: {
            pk: keys.org(orgId),
            sk: keys.awsRoleSettings,
            orgId,
            externalId,
            version: EXTERNAL_ID_VERSION,
            createdAt: new Date().toISOString(),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return externalId;
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw asDependencyError(error);
    }
    const winner = await this.read(orgId);
    if (winner === undefined) throw new Error('The external ID that won the create cannot be read');
    return winner;
  }

  private async read(orgId: string): Promise<string | undefined> {
    try {
      const { Item } = await this.table.client.send(
        new GetCommand({
          TableName: this.table.name,
          Key: { pk: keys.org(orgId), sk: keys.awsRoleSettings },
          ProjectionExpression: 'externalId',
          ConsistentRead: true,
        }),
      );
      return Item?.externalId as string | undefined;
    } catch (error) {
      throw asDependencyError(error);
    }
  }
}
