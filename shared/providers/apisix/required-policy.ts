import type { RequiredPolicyOf } from '#shared/providers/required-policy.ts';

/** APISIX's Admin API has no per-route permissions: a key's role (admin or viewer) decides what it may do. */
export const apisixRequiredPolicy: RequiredPolicyOf = (_credential, resources) => ({
  policy: null,
  note:
    resources.length === 0
      ? 'No route is linked to this credential yet. Verifying it needs an Admin API key that may read routes (the viewer or the admin role).'
      : 'APISIX has no per-route permissions: the Admin API key must have the admin role (deployment.admin.admin_key[].role: admin in conf/config.yaml); ' +
        'a viewer key can read the routes but not change them. Which role a key has cannot be probed without a change.',
});
