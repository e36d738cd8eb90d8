import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, startLocalServer } from '../../infra/local/local-server.ts';

const OUTSIDE = 'outside-the-console-root';
let server: LocalServer;
let port: number;

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with the path sent exactly as written: fetch would resolve `..` and `%2e%2e` before sending. */
function raw(path: string, options: { method?: string; host?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const sent = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: { host: options.host ?? `localhost:${port}` },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    sent.on('error', reject);
    sent.end();
  });
}

beforeAll(async () => {
  const base = mkdtempSync(join(tmpdir(), 'entryguard-console-site-'));
  const root = join(base, 'dist');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'export {};');
  writeFileSync(join(root, 'assets', 'notes.md'), '# not a served type');
  writeFileSync(join(root, '.env'), OUTSIDE);
  writeFileSync(join(base, 'secret.txt'), OUTSIDE);
  symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'link.js'));
  server = await startLocalServer({
    port: 0,
    console: { root, developmentToken: async () => 'development.token.value' },
  });
  port = Number(new URL(server.url).port);
});

afterAll(async () => {
  await server.close();
});

describe('the console served by the local server', () => {
  it('serves index.html at / with the contract headers and the page security headers', async () => {
    const response = await raw('/');
    expect(response.status).toBe(200);
    expect(response.body).toContain('<title>console</title>');
    expect(response.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
    });
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['x-request-id']).toBeTruthy();
  });

  it('serves assets with their content type, and HEAD without a body', async () => {
    expect((await raw('/assets/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    const head = await raw('/assets/app.js', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('10');
    expect(head.body).toBe('');
  });

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/assets%2f..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/assets/link.js',
    '/.env',
    '/%2eenv',
    '/index.html%00.js',
    '/assets/notes.md',
    '/assets/',
    '/%E0%A4%A',
  ])('refuses %s with a plain 404', async (path) => {
    const response = await raw(path);
    expect(response.status).toBe(404);
    expect(response.body).not.toContain(OUTSIDE);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('hands the development token only to pages opened on a loopback host name', async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      expect(JSON.parse((await raw('/console-config.json', { host })).body)).toEqual({
        developmentToken: 'development.token.value',
      });
    }
    // A DNS-rebinding page: its own host name, resolving to 127.0.0.1.
    const rebound = await raw('/console-config.json', { host: `evil.example:${port}` });
    expect(JSON.parse(rebound.body)).toEqual({});
    expect(rebound.headers['cache-control']).toBe('no-store');
  });

  it('leaves /api and other methods to the gateway', async () => {
    const unknown = await raw('/api/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ error: 'NOT_FOUND' });
    const post = await raw('/', { method: 'POST' });
    expect(post.status).toBe(404);
    expect(JSON.parse(post.body)).toMatchObject({ error: 'NOT_FOUND' });
  });
});
