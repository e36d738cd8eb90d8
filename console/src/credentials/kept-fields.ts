import type { Credential } from '../api/credentials-api.ts';

/**
 * The fields of a credential that are not secret (an APISIX Admin API URL, an Azure subscription ID, a Vercel team
 * ID), so that a rotation asks only for the new secret. The API never returns credentialData, so the page keeps
 * what it sent when it added or rotated a credential, in this browser's localStorage, per organization; a field the
 * credential's view already shows (Azure's tenant and client IDs, a Vercel team in the hint) is taken from there.
 * Secret fields are never kept (each kind's form marks them; `credentialInput` leaves them out).
 */
export function keptFields(organization: string) {
  const key = `entryguard.console.kept-fields.${organization}`;
  const all = (): Record<string, Record<string, string>> => {
    try {
      const parsed: unknown = JSON.parse(localStorage.getItem(key) ?? '{}');
      return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, Record<string, string>>) : {};
    } catch {
      return {};
    }
  };
  const save = (values: Record<string, Record<string, string>>) => {
    try {
      if (Object.keys(values).length === 0) localStorage.removeItem(key);
      else localStorage.setItem(key, JSON.stringify(values));
    } catch {
      // Storage full or refused (private mode): a rotation then asks for every field, as it would elsewhere.
    }
  };
  return {
    of(credential: Credential): Record<string, string> {
      return { ...shownFields(credential), ...all()[credential.id] };
    },
    keep(credentialId: string, values: Record<string, string>) {
      save({ ...all(), [credentialId]: values });
    },
    forget(credentialId: string) {
      const { [credentialId]: _gone, ...rest } = all();
      save(rest);
    },
  };
}

export type KeptFields = ReturnType<typeof keptFields>;

function shownFields(credential: Credential): Record<string, string> {
  const identity = credential.verifiedIdentity ?? {};
  if (credential.provider === 'AZURE') {
    return {
      ...(identity.tenantId && { tenantId: identity.tenantId }),
      ...(identity.clientId && { clientId: identity.clientId }),
    };
  }
  if (credential.provider === 'VERCEL') {
    const team = / · team (\S+)$/.exec(credential.hint)?.[1];
    return team ? { teamId: team } : {};
  }
  return {};
}
