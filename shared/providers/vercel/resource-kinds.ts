import { matching } from '#shared/providers/fields.ts';
import { defineResourceKind } from '#shared/providers/provider.ts';
import { strictObject } from '#shared/validation.ts';

export const vercelResourceKinds = {
  /**
   * A project of the token's account or team, by ID (`prj_…`) or name; the service keeps its allow-list in the
   * custom firewall rule `config.firewallRuleId` names (an id Vercel gives the rule, such as `rule_…`: the REST
   * reference types it as a string, so any 1 to 128 visible characters are accepted).
   */
  PROJECT: defineResourceKind({
    provider: 'VERCEL',
    resourceType: 'PROJECT',
    identifier: matching(
      /^(prj_[A-Za-z0-9]{1,64}|[a-z0-9._-]{1,100})$/,
      'Must be a Vercel project ID (prj_…) or project name',
    ),
    config: strictObject({
      firewallRuleId: matching(
        /^[\x21-\x7e]{1,128}$/,
        "Must be the id of the project's firewall rule that holds the allow-list: 1 to 128 visible characters (rule_…)",
      ),
    }),
  }),
};
