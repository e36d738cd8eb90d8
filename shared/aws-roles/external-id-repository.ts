import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { asDependencyError, isConditionalCheckFailure } from '#shared/data/dynamo-errors.ts';
import { keys } from '#shared/data/table.ts';
import { EXTERNAL_ID_VERSION, newExternalId } from './external-id.ts';

/** Each organization's external ID for AWS role assumption: one settings item under the organization's key. */
export class ExternalIdRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * The organization's external ID, created on first use. The create is conditional on the item being absent, so
   * concurrent first calls agree: one put wins and the others read what it wrote.
   */
  async forOrganization(orgId: string): Promise<string> {
    const stored = await this.read(orgId);
    if (stored !== undefined) return stored;
    const externalId = newExternalId();
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
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
      const { Item } = await this.db.send(
        new GetCommand({
          TableName: this.tableName,
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
