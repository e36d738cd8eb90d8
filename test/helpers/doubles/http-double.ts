import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface DoubleResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export type DoubleHandler = (request: RecordedRequest) => DoubleResponse | Promise<DoubleResponse>;

/** A real HTTP server on 127.0.0.1 with knobs for the failures a provider can have. */
export interface HttpDouble {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  requests: RecordedRequest[];
  /** Answer the next `count` requests with `status` (and the double's provider-shaped error body). */
  failNext(count: number, status: number): void;
  /** Close the connection of the next `count` requests without answering. */
  dropNext(count: number): void;
  /** Wait this long before answering each request. */
  setLatency(ms: number): void;
  close(): Promise<void>;
}

export interface HttpDoubleOptions {
  /** The body a provider sends with an error status (for `failNext`). */
  failure?: (status: number) => DoubleResponse;
  /** Called with every request as it is recorded, before any `dropNext` / `failNext` applies. */
  onRequest?: (request: RecordedRequest) => void;
}

export async function startHttpDouble(handler: DoubleHandler, options: HttpDoubleOptions = {}): Promise<HttpDouble> {
  const requests: RecordedRequest[] = [];
  const failures: number[] = [];
  let drops = 0;
  let latencyMs = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      options.onRequest?.(recorded);
      if (drops > 0) {
        drops -= 1;
        req.socket.destroy();
        return;
      }
      const failure = failures.shift();
      const answer = async (): Promise<DoubleResponse> =>
        failure === undefined ? handler(recorded) : (options.failure?.(failure) ?? { status: failure });
      setTimeout(() => {
        answer().then(
          (response) => {
            res.writeHead(response.status, response.headers).end(response.body);
          },
          () => res.writeHead(500).end(),
        );
      }, latencyMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext: (count, status) => failures.push(...new Array<number>(count).fill(status)),
    dropNext: (count) => {
      drops += count;
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): DoubleResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * A request that would have changed something at the provider. EntryGuard's checks must never change anything in a
 * customer's cloud, so the doubles refuse such a request and keep it here for tests to assert there are none.
 */
export interface RefusedMutation {
  /** What it would have done, as the provider names it (`AuthorizeSecurityGroupIngress`, `PATCH /v9/projects/…`). */
  operation: string;
  request: RecordedRequest;
}

/** The bearer token of an `Authorization` header, or undefined. */
export function bearerToken(request: RecordedRequest): string | undefined {
  return /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
}

/** A double that refuses every change: what it was asked to change is in `mutations`, for tests to assert none. */
export interface ReadOnlyDouble extends HttpDouble {
  mutations: RefusedMutation[];
}

export interface ReadOnlyDoubleOptions extends HttpDoubleOptions {
  /**
   * What a request would change, as the provider names it, or undefined for a read. Default: `METHOD /path` for
   * every method but GET, HEAD and OPTIONS.
   */
  mutationOf?: (request: RecordedRequest) => string | undefined;
  /** The provider-shaped answer to a change. */
  refuse: (operation: string) => DoubleResponse;
}

/**
 * `startHttpDouble` for a provider EntryGuard may only read: a request `mutationOf` names is answered with `refuse`
 * instead of `handler`, and kept in `mutations` as it arrives, whatever the double then answers (a `failNext` or
 * `dropNext` included).
 */
export async function startReadOnlyDouble(
  handler: DoubleHandler,
  options: ReadOnlyDoubleOptions,
): Promise<ReadOnlyDouble> {
  const mutationOf = options.mutationOf ?? restMutation;
  const mutations: RefusedMutation[] = [];
  const double = await startHttpDouble(
    (request) => {
      const operation = mutationOf(request);
      return operation === undefined ? handler(request) : options.refuse(operation);
    },
    {
      ...options,
      onRequest: (request) => {
        const operation = mutationOf(request);
        if (operation !== undefined) mutations.push({ operation, request });
        options.onRequest?.(request);
      },
    },
  );
  return { ...double, mutations };
}

/** `METHOD /path` for every method but GET, HEAD and OPTIONS: those that may change a REST resource. */
export function restMutation(request: RecordedRequest): string | undefined {
  if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return undefined;
  return `${request.method} ${new URL(request.url, 'http://double').pathname}`;
}
