import type { APIGatewayProxyResult } from 'aws-lambda';
import { respond } from './error-response.ts';

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return respond(statusCode, body, headers);
}

export function noContent(): APIGatewayProxyResult {
  return { statusCode: 204, headers: {}, body: '' };
}
