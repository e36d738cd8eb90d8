import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { LOOPBACK_HOSTS } from '#shared/config.ts';

/** The admin console as the local server serves it. */
export interface ConsoleSite {
  /** The built console (`console/dist`). */
  root: string;
  /** Handed to pages opened on a loopback host name through `/console-config.json`: local development only. */
  developmentToken?: () => Promise<string>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** The contract's headers plus what a page holding an admin token needs: no framing, no inline script, no referrer. */
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** GET and HEAD outside the API are the console's. */
export function isConsoleRequest(method: string, pathname: string): boolean {
  return (method === 'GET' || method === 'HEAD') && pathname !== '/api' && !pathname.startsWith('/api/');
}

export async function serveConsole(
  site: ConsoleSite,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  requestId: string,
): Promise<void> {
  const headers = { ...CONSOLE_HEADERS, 'X-Request-Id': requestId };
  if (url.pathname === '/console-config.json') {
    // The Host check keeps a DNS-rebinding page (evil.example resolving to 127.0.0.1) from reading the token.
    const token = site.developmentToken && isLoopback(request.headers.host) ? await site.developmentToken() : undefined;
    const body = JSON.stringify(token === undefined ? {} : { developmentToken: token });
    response.writeHead(200, {
      ...headers,
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
    });
    response.end(request.method === 'HEAD' ? undefined : body);
    return;
  }
  const file = await findFile(site.root, url.pathname);
  if (file === undefined) {
    response.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(request.method === 'HEAD' ? undefined : 'Not found\n');
    return;
  }
  response.writeHead(200, { ...headers, 'Content-Type': file.contentType, 'Content-Length': file.size });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  await pipeline(createReadStream(file.path), response);
}

/**
 * The file a URL path names inside `root`, or `undefined`: percent-decoded, `..` and symlinks resolved, and the
 * result refused unless it is a regular file under `root` with a known type and no dot-segment in its path.
 */
async function findFile(
  root: string,
  pathname: string,
): Promise<{ path: string; size: number; contentType: string } | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\') || decoded.split('/').some((segment) => segment.startsWith('.')))
    return undefined;
  const base = await realpath(root).catch(() => undefined);
  if (base === undefined) return undefined;
  const wanted = resolve(base, `.${decoded.endsWith('/') ? `${decoded}index.html` : decoded}`);
  const path = await realpath(wanted).catch(() => undefined);
  if (path === undefined || !path.startsWith(`${base}${sep}`)) return undefined;
  const contentType = CONTENT_TYPES[extname(path).toLowerCase()];
  const stats = await stat(path);
  if (contentType === undefined || !stats.isFile()) return undefined;
  return { path, size: stats.size, contentType };
}

function isLoopback(host: string | undefined): boolean {
  if (host === undefined) return false;
  const url = URL.parse(`http://${host}`);
  return url !== null && LOOPBACK_HOSTS.has(url.hostname);
}
