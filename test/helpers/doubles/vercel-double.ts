import { randomBytes, randomUUID } from 'node:crypto';
import { type DoubleResponse, type HttpDouble, json, type RecordedRequest, startHttpDouble } from './http-double.ts';

export interface VercelAccount {
  token: string;
  user: { id: string; username: string; email?: string };
  /** Teams the token is scoped to. */
  teams?: string[];
}

export interface VercelDoubleOptions {
  accounts: VercelAccount[];
  /** Put the token that was sent into the message of a refusal, as a careless provider might. */
  echoCredentials?: boolean;
}

/** A fresh token and its user, made at run time. */
export function newVercelAccount(teams: string[] = []): VercelAccount {
  const username = `user-${randomUUID().slice(0, 8)}`;
  return {
    token: randomBytes(18).toString('base64url'),
    user: { id: randomBytes(12).toString('hex'), username, email: `${username}@example.com` },
    teams,
  };
}

/** Vercel's REST API `GET /v2/user`: checks the bearer token and, with `teamId`, that the token reaches the team. */
export async function startVercelDouble(options: VercelDoubleOptions): Promise<HttpDouble> {
  return startHttpDouble((request) => answer(request, options), {
    failure: (status) =>
      status === 429
        ? vercelError(429, 'rate_limited', 'Rate limit exceeded')
        : vercelError(status, 'internal_server_error', 'An unexpected error occurred'),
  });
}

function answer(request: RecordedRequest, { accounts, echoCredentials }: VercelDoubleOptions): DoubleResponse {
  const url = new URL(request.url, 'http://vercel.double');
  if (request.method !== 'GET' || url.pathname !== '/v2/user') {
    return vercelError(404, 'not_found', 'The requested path was not found');
  }
  const token = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
  const account = accounts.find((candidate) => candidate.token === token);
  if (account === undefined) {
    const message = echoCredentials ? `Not authorized: token ${token} is invalid` : 'Not authorized';
    return json(403, { error: { code: 'forbidden', message, invalidToken: true } });
  }
  const teamId = url.searchParams.get('teamId');
  if (teamId !== null && !(account.teams ?? []).includes(teamId)) {
    return vercelError(403, 'forbidden', 'Not authorized: you do not have access to this team');
  }
  const defaultTeamId = account.teams?.[0] ?? null;
  return json(200, { user: { ...account.user, name: account.user.username, avatar: null, defaultTeamId } });
}

function vercelError(status: number, code: string, message: string): DoubleResponse {
  return json(status, { error: { code, message } });
}
