const KEY = 'entryguard.console.token';

/** A pasted token lives in this tab's sessionStorage only: gone when the tab closes, never shared with other tabs. */
export const tokenStore = {
  get: (): string | null => sessionStorage.getItem(KEY),
  set: (token: string): void => sessionStorage.setItem(KEY, token),
  clear: (): void => sessionStorage.removeItem(KEY),
};

export interface TokenClaims {
  orgId?: string;
  email?: string;
}

/** Reads the claims shown in the header. Display only: the API verifies the token, the page never trusts it. */
export function tokenClaims(token: string): TokenClaims {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(json) as Record<string, unknown>;
    return {
      ...(typeof claims.org_id === 'string' && { orgId: claims.org_id }),
      ...(typeof claims.email === 'string' && { email: claims.email }),
    };
  } catch {
    return {};
  }
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export function looksLikeJwt(token: string): boolean {
  return JWT_SHAPE.test(token);
}
