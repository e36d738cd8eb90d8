import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';

export interface SelfSignedHttpsDouble {
  /** `https://<hostName>:<port>`: resolve `hostName` to 127.0.0.1 to reach it. */
  url: string;
  /** The server names clients sent in SNI, in order. */
  serverNames: string[];
  close(): Promise<void>;
}

/** The certificate is made with the `openssl` command; without it, tests that need one are skipped. */
export const opensslAvailable = spawnSync('openssl', ['version']).status === 0;

/** An HTTPS server on 127.0.0.1 whose certificate, made at run time for `hostName`, no client trusts. */
export async function startSelfSignedHttpsDouble(hostName: string): Promise<SelfSignedHttpsDouble> {
  const dir = mkdtempSync(join(tmpdir(), 'self-signed-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        `/CN=${hostName}`,
        '-addext',
        `subjectAltName=DNS:${hostName}`,
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const key = readFileSync(join(dir, 'key.pem'));
    const cert = readFileSync(join(dir, 'cert.pem'));
    const serverNames: string[] = [];
    const server = createServer(
      {
        key,
        cert,
        SNICallback: (name, callback) => {
          serverNames.push(name);
          callback(null, createSecureContext({ key, cert }));
        },
      },
      (_req, res) => res.end('ok'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `https://${hostName}:${(server.address() as AddressInfo).port}`,
      serverNames,
      close: () => new Promise((resolve) => server.close(() => resolve())),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
