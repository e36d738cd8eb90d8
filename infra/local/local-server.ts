import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayTokenAuthorizerEvent,
  Context,
} from 'aws-lambda';
import { type Route, routes } from '#functions/routes.ts';
import type { ErrorCode } from '#shared/errors.ts';
import { errorBody } from '#shared/http/error-response.ts';
import { logger } from '#shared/logger.ts';
import { type ConsoleSite, isConsoleRequest, serveConsole } from './console-site.ts';
import { lambdaContext, proxyEvent, tokenAuthorizerEvent } from './gateway-event.ts';
import { routeMatcher } from './route-matcher.ts';

type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
type Authorizer = (event: APIGatewayTokenAuthorizerEvent, context: Context) => Promise<APIGatewayAuthorizerResult>;

/** API Gateway's own payload limit; the handlers enforce the contract's 64 KiB below it. */
const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface LocalServer {
  url: string;
  server: Server;
  /** Handler invocations per functions/ folder since start: lets tests prove a refused request reached no handler. */
  invocations: ReadonlyMap<string, number>;
  close(): Promise<void>;
}

export interface LocalServerOptions {
  port: number;
  host?: string;
  /** Also serve the built admin console outside `/api`. */
  console?: ConsoleSite;
}

/**
 * Plays API Gateway on localhost: each request becomes the REST API event the deployed functions receive, runs
 * the real authorizer (as a TOKEN authorizer) and the real handler, and gateway errors get the contract's body.
 */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const match = routeMatcher(routes);
  const handlers = new Map<string, Promise<ProxyHandler>>();
  const loadHandler = (route: Route) => {
    let loaded = handlers.get(route.handler);
    if (!loaded) {
      loaded = import(new URL(`../../functions/${route.handler}/handler.ts`, import.meta.url).href).then(
        (module: { handler: ProxyHandler }) => module.handler,
      );
      handlers.set(route.handler, loaded);
    }
    return loaded;
  };
  const authorizer = import('#functions/authorizer/handler.ts').then((module) => module.handler as Authorizer);
  const invocations = new Map<string, number>();

  const server = createServer((request, response) => {
    const started = Date.now();
    const requestId = randomUUID();
    serve(request, response, requestId)
      .catch((error: unknown) => {
        logger.error('local server failed', {
          errorName: (error as Error).name,
          stack: (error as Error).stack,
          requestId,
        });
        sendGatewayError(response, 500, 'INTERNAL_ERROR', 'An unexpected error occurred', requestId);
      })
      .finally(() => {
        logger.info('request', {
          method: request.method,
          path: request.url?.split('?')[0],
          status: response.statusCode,
          ms: Date.now() - started,
          requestId,
        });
      });
  });

  async function serve(request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    const found = match(method, url.pathname);
    if (!found && options.console && isConsoleRequest(method, url.pathname)) {
      request.resume();
      await serveConsole(options.console, request, response, url, requestId);
      return;
    }
    if (!found) {
      request.resume();
      sendGatewayError(response, 404, 'NOT_FOUND', `No route for ${method} ${url.pathname}`, requestId);
      return;
    }
    const body = await readBody(request);
    if (body === undefined) {
      sendGatewayError(response, 413, 'PAYLOAD_TOO_LARGE', 'Request body too large', requestId);
      return;
    }
    let authorizerContext: Record<string, unknown> | null = null;
    if (found.route.auth) {
      const token = request.headers.authorization;
      if (!token) {
        sendGatewayError(response, 401, 'UNAUTHORIZED', 'Missing or invalid credentials', requestId);
        return;
      }
      try {
        const result = await (await authorizer)(
          tokenAuthorizerEvent(token, method, url.pathname),
          lambdaContext('authorizer'),
        );
        authorizerContext = { ...result.context, principalId: result.principalId };
      } catch (error) {
        // As API Gateway: only the authorizer's `Unauthorized` is a 401; any other failure (its settings) is a 500.
        if ((error as Error).message !== 'Unauthorized') throw error;
        sendGatewayError(response, 401, 'UNAUTHORIZED', 'Missing or invalid credentials', requestId);
        return;
      }
    }
    const event = proxyEvent(request, url, found, body, requestId, authorizerContext);
    const handler = await loadHandler(found.route);
    invocations.set(found.route.handler, (invocations.get(found.route.handler) ?? 0) + 1);
    const result = await handler(event, lambdaContext(found.route.handler));
    response.writeHead(result.statusCode, stringHeaders(result.headers));
    response.end(result.body);
  }

  // A port already taken rejects (the caller stops what it started) instead of crashing the process.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://localhost:${port}`,
    server,
    invocations,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<string | null | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > GATEWAY_MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return size === 0 ? null : Buffer.concat(chunks).toString('utf8');
}

function sendGatewayError(
  response: ServerResponse,
  status: number,
  code: ErrorCode,
  message: string,
  requestId: string,
): void {
  if (response.headersSent) return;
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'X-Request-Id': requestId,
  });
  response.end(JSON.stringify(errorBody(code, message, requestId)));
}

function stringHeaders(headers: APIGatewayProxyResult['headers']): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, String(value)]));
}
