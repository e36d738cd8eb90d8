import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { addressBlockReason } from './address-block-reason.ts';

/** A user-supplied URL was refused before any connection was made; `message` names the reason, never a secret. */
export class BlockedAddressError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlockedAddressError';
  }
}

/**
 * An outbound request got no HTTP answer. `reason`: the deadline passed, the host did not resolve, the connection
 * failed or broke, or the server's TLS certificate was not trusted (a fault of the endpoint, not a passing one).
 */
export class OutboundRequestError extends Error {
  constructor(
    message: string,
    readonly reason: 'timeout' | 'unresolved' | 'connection' | 'certificate',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OutboundRequestError';
  }
}

export type HostLookup = (hostname: string) => Promise<LookupAddress[]>;

export interface SafeFetchOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** One deadline for resolving, connecting and reading the whole response. */
  timeoutMs: number;
  /** Bytes of body kept; the connection is dropped beyond them. Default 64 KiB. */
  maxBytes?: number;
  /** Skip the address check: for operator-configured endpoints and local development, never by default. */
  allowPrivate?: boolean;
  /** Resolves the host once; the connection is pinned to what it returned. Default `dns.lookup` (all addresses). */
  lookup?: HostLookup;
}

export interface SafeResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** UTF-8 text of at most `maxBytes` bytes. */
  body: string;
  /** The body was longer than `maxBytes` and was cut off. */
  truncated: boolean;
}

const DEFAULT_MAX_BYTES = 64 * 1024;
/** OpenSSL's verification failures (self-signed, unknown issuer, expired…) and Node's host-name mismatch. */
const CERTIFICATE_ERROR = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

const systemLookup: HostLookup = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });

/**
 * One HTTP(S) request to a URL that may come from a user: only http/https without credentials; every address the
 * host resolves to is checked (unless `allowPrivate`), the connection goes to a checked address with no second
 * lookup, redirects are returned rather than followed, and the whole exchange has one deadline and a size cap.
 * Throws `BlockedAddressError` for a refused URL and `OutboundRequestError` when no HTTP answer arrived.
 */
export async function safeFetch(target: string, options: SafeFetchOptions): Promise<SafeResponse> {
  const url = URL.parse(target);
  if (url === null) throw new BlockedAddressError('not a valid URL');
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BlockedAddressError('only http and https URLs are allowed');
  }
  if (url.username !== '' || url.password !== '') {
    throw new BlockedAddressError('credentials in the URL are not allowed');
  }

  const deadline = Date.now() + options.timeoutMs;
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const lookup = options.lookup ?? systemLookup;
  const addresses = await withDeadline(resolveHost(hostname, lookup), deadline, options.timeoutMs);
  if (options.allowPrivate !== true) {
    for (const { address } of addresses) {
      const reason = addressBlockReason(address);
      if (reason === undefined) continue;
      const kind = `${/^(?:[aeio]|un(?!i))/i.test(reason) ? 'an' : 'a'} ${reason} address`;
      throw new BlockedAddressError(
        address === hostname ? `${url.hostname} is ${kind}` : `${url.hostname} resolves to ${address}, ${kind}`,
      );
    }
  }
  const [first, ...others] = addresses;
  if (first === undefined) throw new OutboundRequestError(`${hostname} has no address`, 'unresolved');
  return exchange(url, hostname, [first, ...others], options, deadline);
}

async function resolveHost(hostname: string, lookup: HostLookup): Promise<LookupAddress[]> {
  const family = isIP(hostname);
  if (family !== 0) return [{ address: hostname, family }];
  try {
    return await lookup(hostname);
  } catch (error) {
    throw new OutboundRequestError(`could not resolve ${hostname}`, 'unresolved', { cause: error });
  }
}

function withDeadline<T>(work: Promise<T>, deadline: number, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError(timeoutMs)), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

function exchange(
  url: URL,
  hostname: string,
  checked: [LookupAddress, ...LookupAddress[]],
  options: SafeFetchOptions,
  deadline: number,
): Promise<SafeResponse> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  // Answers the socket's own lookup with the addresses already checked, so nothing is resolved twice.
  const pinnedLookup: LookupFunction = (_host, lookupOptions, callback) => {
    const [first] = checked;
    if (lookupOptions.all) callback(null, checked);
    else callback(null, first.address, first.family);
  };
  const headers: Record<string, string> = { ...options.headers, host: url.host };
  if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;

  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      finish();
    };
    const req = send({
      method: options.method ?? 'GET',
      hostname,
      port: url.port,
      path: `${url.pathname}${url.search}`,
      headers,
      lookup: pinnedLookup,
      // A fresh socket per request: a pooled one may have been opened to another address.
      agent: false,
      // TLS names the original host (SNI and certificate check); an IP literal cannot be a server name.
      ...(url.protocol === 'https:' && isIP(hostname) === 0 ? { servername: hostname } : {}),
    });
    const timer = setTimeout(
      () => {
        settle(() => reject(timeoutError(options.timeoutMs)));
        req.destroy();
      },
      Math.max(0, deadline - Date.now()),
    );

    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const respond = (truncated: boolean) => ({
        status: res.statusCode ?? 0,
        headers: res.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        truncated,
      });
      res.on('data', (chunk: Buffer) => {
        if (settled) return;
        if (size + chunk.length > maxBytes) {
          chunks.push(chunk.subarray(0, maxBytes - size));
          settle(() => resolve(respond(true)));
          req.destroy();
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', () => settle(() => resolve(respond(false))));
      res.on('error', (error) => settle(() => reject(connectionError(error))));
      res.on('close', () => {
        if (res.complete) return;
        settle(() => reject(new OutboundRequestError('the connection closed mid-response', 'connection')));
      });
    });
    req.on('error', (error) => settle(() => reject(connectionError(error))));
    req.end(options.body);
  });
}

function timeoutError(timeoutMs: number): OutboundRequestError {
  return new OutboundRequestError(`no answer within ${timeoutMs} ms`, 'timeout');
}

function connectionError(error: Error & { code?: string }): OutboundRequestError {
  const code = error.code ?? error.name;
  return CERTIFICATE_ERROR.test(code)
    ? new OutboundRequestError(`the TLS certificate was not trusted (${code})`, 'certificate', { cause: error })
    : new OutboundRequestError(`the connection failed (${code})`, 'connection', { cause: error });
}

/** The JSON object a response body holds, or `undefined` when it holds anything else. */
export function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    return isObject ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
