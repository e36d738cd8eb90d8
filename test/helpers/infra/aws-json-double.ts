import { type HttpDouble, startHttpDouble } from '../doubles/http-double.ts';

/** One operation of an AWS JSON-protocol service: the request's JSON in, the response's JSON out. */
export type AwsOperation = (input: Record<string, any>) => Record<string, unknown>;

export class AwsServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export interface AwsJsonDouble extends HttpDouble {
  /** Operation names (`GenerateDataKey`, `SendMessage`, …) in the order they were called. */
  calls: { operation: string; input: Record<string, any> }[];
}

/**
 * A real HTTP endpoint for the AWS JSON protocols (KMS, SQS, Secrets Manager), answering with the given operations;
 * point the SDK at it with `AWS_ENDPOINT_URL_<SERVICE>`. Signatures are not checked.
 */
export async function startAwsJsonDouble(operations: Record<string, AwsOperation>): Promise<AwsJsonDouble> {
  const calls: AwsJsonDouble['calls'] = [];
  const double = await startHttpDouble((request) => {
    const contentType = String(request.headers['content-type'] ?? 'application/x-amz-json-1.1');
    const operation =
      String(request.headers['x-amz-target'] ?? '')
        .split('.')
        .pop() ?? '';
    const input = request.body ? JSON.parse(request.body) : {};
    calls.push({ operation, input });
    const respond = (status: number, body: unknown) => ({
      status,
      headers: { 'content-type': contentType },
      body: JSON.stringify(body),
    });
    const run = operations[operation];
    if (!run) return respond(400, { __type: 'UnknownOperationException', message: `${operation} is not doubled` });
    try {
      return respond(200, run(input));
    } catch (error) {
      if (error instanceof AwsServiceError) return respond(400, { __type: error.type, message: error.message });
      throw error;
    }
  });
  return { ...double, calls };
}
