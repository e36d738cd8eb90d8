import type * as v from 'valibot';

export const PROVIDERS = ['AWS', 'GCP', 'AZURE', 'APISIX', 'VERCEL'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** One provider + credentialType pair: how its credentialData is validated and how it is hinted at. */
export interface CredentialKind<TData = Record<string, unknown>> {
  provider: Provider;
  credentialType: string;
  schema: v.GenericSchema<unknown, TData>;
  /** A short reminder of which key this is, built only from non-secret parts. */
  hint(data: TData): string;
}

export function defineKind<TData>(kind: CredentialKind<TData>): CredentialKind<TData> {
  return kind;
}
