import type { RequiredPolicyOf } from '#shared/providers/required-policy.ts';

/** Vercel tokens have no policy document: what a token may do follows its scope and its creator's role. */
export const vercelRequiredPolicy: RequiredPolicyOf = (_credential, resources) => ({
  policy: null,
  note:
    resources.length === 0
      ? 'No project is linked to this credential yet. Verifying it needs a token that can read the account (GET /v2/user), with access to the team when a teamId is given.'
      : 'Vercel has no policy document for a token: use an access token scoped to the team that owns the linked projects (or to those projects), ' +
        "created by a member whose role may edit the projects' firewall (Owner or Member; Security on Enterprise teams). " +
        'Whether the token may change the firewall cannot be probed without a change.',
});
