import { matching } from '#shared/providers/fields.ts';
import { defineResourceKind } from '#shared/providers/provider.ts';
import { strictObject } from '#shared/validation.ts';

export const vercelResourceKinds = {
  /** A project of the token's account or team, by ID (`prj_…`) or name; the service manages its firewall. */
  PROJECT: defineResourceKind({
    provider: 'VERCEL',
    resourceType: 'PROJECT',
    identifier: matching(
      /^(prj_[A-Za-z0-9]{1,64}|[a-z0-9._-]{1,100})$/,
      'Must be a Vercel project ID (prj_…) or project name',
    ),
    config: strictObject({}),
  }),
};
