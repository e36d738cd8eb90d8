import { ResponseType, type RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { ErrorCode } from '#shared/errors.ts';

interface GatewayError {
  type: ResponseType;
  /** Absent: keep the status API Gateway chose (the DEFAULT_* families span several). */
  statusCode?: string;
  error: ErrorCode;
  /** A JSON string literal, or `$context.error.messageString` (API Gateway's own message, already quoted). */
  message: string;
  headers?: Record<string, string>;
}

const quoted = (text: string) => JSON.stringify(text);

const GATEWAY_ERRORS: GatewayError[] = [
  {
    type: ResponseType.UNAUTHORIZED,
    statusCode: '401',
    error: 'UNAUTHORIZED',
    message: quoted('Missing or invalid bearer token'),
  },
  { type: ResponseType.ACCESS_DENIED, statusCode: '403', error: 'FORBIDDEN', message: quoted('Access denied') },
  {
    type: ResponseType.THROTTLED,
    statusCode: '429',
    error: 'RATE_LIMIT_EXCEEDED',
    message: quoted('Too many requests'),
    // The stage's token bucket refills every second.
    headers: { 'Retry-After': "'1'" },
  },
  // The web ACL's only rule is the per-IP rate limit (api-firewall.ts), so a request WAF blocked came too often. WAF
  // keeps blocking the address until its count over the last 5 minutes falls below the limit.
  {
    type: ResponseType.WAF_FILTERED,
    statusCode: '429',
    error: 'RATE_LIMIT_EXCEEDED',
    message: quoted('Too many requests from this address'),
    headers: { 'Retry-After': "'60'" },
  },
  // A REST API answers an unknown path or method with 403 "Missing Authentication Token"; it is a missing route.
  {
    type: ResponseType.MISSING_AUTHENTICATION_TOKEN,
    statusCode: '404',
    error: 'NOT_FOUND',
    message: quoted('No such route'),
  },
  {
    type: ResponseType.REQUEST_TOO_LARGE,
    statusCode: '413',
    error: 'PAYLOAD_TOO_LARGE',
    message: quoted('Request body too large'),
  },
  { type: ResponseType.DEFAULT_4XX, error: 'VALIDATION_ERROR', message: '$context.error.messageString' },
  { type: ResponseType.DEFAULT_5XX, error: 'INTERNAL_ERROR', message: quoted('Internal server error') },
];

/**
 * Errors API Gateway answers itself get the contract's error body and headers. Gateway templates allow only variable
 * substitution, so `timestamp` is the request time in epoch milliseconds rather than an ISO string, and the request
 * id travels in the body and API Gateway's own `x-amzn-RequestId` header.
 */
export function addGatewayErrorResponses(api: RestApi, consoleOrigin: string | undefined): void {
  const corsHeaders: Record<string, string> = consoleOrigin
    ? { 'Access-Control-Allow-Origin': `'${consoleOrigin}'`, Vary: "'Origin'" }
    : {};
  for (const { type, statusCode, error, message, headers } of GATEWAY_ERRORS) {
    api.addGatewayResponse(`Error${type.responseType}`, {
      type,
      statusCode,
      responseHeaders: {
        'Cache-Control': "'no-store'",
        'X-Content-Type-Options': "'nosniff'",
        ...corsHeaders,
        ...headers,
      },
      templates: {
        'application/json': `{"error":"${error}","message":${message},"timestamp":$context.requestTimeEpoch,"requestId":"$context.requestId"}`,
      },
    });
  }
}
