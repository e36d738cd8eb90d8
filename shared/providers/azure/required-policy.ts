import { distinct, type RequiredPolicyOf } from '#shared/providers/required-policy.ts';

/** What EntryGuard uses on a network security group (contract §6.1). */
export const NSG_ACTIONS = [
  'Microsoft.Network/networkSecurityGroups/read',
  'Microsoft.Network/networkSecurityGroups/securityRules/write',
  'Microsoft.Network/networkSecurityGroups/securityRules/delete',
] as const;

/** `/subscriptions/<id>/resourceGroups/<group>` of an NSG's resource ID. */
function resourceGroupOf(nsgId: string): string {
  return nsgId.split('/').slice(0, 5).join('/');
}

/**
 * A custom role definition as `az role definition create --role-definition` reads it, assignable on exactly the
 * linked NSGs, and how to assign it to the app in the note. Azure custom role names are unique per tenant, so the
 * name carries the app's client id once it is known.
 */
export const azureRequiredPolicy: RequiredPolicyOf = (credential, resources) => {
  if (resources.length === 0) {
    return {
      policy: null,
      note:
        'No network security group is linked to this credential yet. Verifying it needs no role (the client-credentials token needs only the app registration and its secret). ' +
        'Link a network security group to get the custom role EntryGuard needs.',
    };
  }
  const clientId = credential.verifiedIdentity?.clientId;
  const name = clientId ? `EntryGuard NSG rules (${clientId})` : 'EntryGuard NSG rules';
  const scopes = distinct(resources.map((resource) => resource.resourceIdentifier));
  const groups = distinct(scopes.map(resourceGroupOf));
  return {
    policy: {
      Name: name,
      IsCustom: true,
      Description: 'Lets EntryGuard read the network security groups it manages and change their security rules',
      Actions: [...NSG_ACTIONS],
      NotActions: [],
      AssignableScopes: scopes,
    },
    note:
      'Create it with az role definition create --role-definition @role.json, then assign it to the app on each network security group: ' +
      `az role assignment create --assignee ${clientId ?? '<client id>'} --role "${name}" --scope <network security group id>. ` +
      `Azure documents management groups, subscriptions and resource groups as assignable scopes: if it refuses the network security group ids, use their resource groups (${groups.join(', ')}) as AssignableScopes and keep the assignments on the network security groups.`,
  };
};
