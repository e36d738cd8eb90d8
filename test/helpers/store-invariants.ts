import { keys } from '#shared/data/table.ts';

type Item = Record<string, any>;

/**
 * What must hold between the items of each organization whatever failed on the way: every credential with its name
 * claim and its CREDENTIAL_CREATE entry, every claim with its credential, every rotation and rename with its
 * CREDENTIAL_UPDATE entry (and every such entry with its change), `linkCount` equal to the links, every link with its
 * resource and every resource with its link and RESOURCE_CREATE entry, and no entry of a delete for something still
 * there. Returns what does not hold, one line each.
 */
export function storeViolations(items: Item[]): string[] {
  const byOrg = new Map<string, Item[]>();
  for (const item of items) {
    if (!String(item.pk).startsWith('ORG#')) continue;
    byOrg.set(item.pk, [...(byOrg.get(item.pk) ?? []), item]);
  }
  return [...byOrg.values()].flatMap(organizationViolations);
}

/** The claims a credential may hold: its folded name, or its lower-cased name when written before names were folded. */
function heldClaims(credential: Item): string[] {
  return [keys.nameClaim(credential.name), keys.legacyNameClaim(credential.name)];
}

function organizationViolations(items: Item[]): string[] {
  const of = (prefix: string) => items.filter((item) => String(item.sk).startsWith(prefix));
  const credentials = of(keys.credentialPrefix);
  const claims = of('NAME#');
  const links = of('LINK#');
  const resources = of(keys.resourcePrefix);
  const audit = of(keys.auditPrefix).sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
  const entries = (eventType: string, id: string) =>
    audit.filter((entry) => entry.eventType === eventType && entry.resourceId === id);
  const credentialById = new Map(credentials.map((credential) => [credential.id as string, credential]));
  const resourceById = new Map(resources.map((resource) => [resource.id as string, resource]));
  const violations: string[] = [];

  for (const claim of claims) {
    const credential = credentialById.get(claim.credentialId);
    if (!credential) violations.push(`name claim ${claim.sk} without its credential ${claim.credentialId}`);
    else if (!heldClaims(credential).includes(claim.sk))
      violations.push(`name claim ${claim.sk} names credential ${credential.id} called "${credential.name}"`);
  }
  for (const credential of credentials) {
    const id = credential.id as string;
    if (!claims.some((claim) => heldClaims(credential).includes(claim.sk) && claim.credentialId === id)) {
      violations.push(`credential ${id} without its name claim`);
    }
    if (entries('CREDENTIAL_CREATE', id).length !== 1)
      violations.push(`credential ${id} with ${entries('CREDENTIAL_CREATE', id).length} CREDENTIAL_CREATE entries`);
    const rotations = entries('CREDENTIAL_UPDATE', id).filter(
      (entry) => entry.details?.credentialsUpdated === true,
    ).length;
    if (rotations !== credential.secretVersion - 1)
      violations.push(
        `credential ${id} at secret version ${credential.secretVersion} with ${rotations} rotation entries`,
      );
    const named = audit
      .filter(
        (entry) => entry.resourceId === id && ['CREDENTIAL_CREATE', 'CREDENTIAL_UPDATE'].includes(entry.eventType),
      )
      .at(-1);
    if (named && named.resourceName !== credential.name)
      violations.push(`credential ${id} called "${credential.name}", its last entry says "${named.resourceName}"`);
    const linked = links.filter((link) => link.credentialId === id).length;
    if (credential.linkCount !== linked)
      violations.push(`credential ${id} with linkCount ${credential.linkCount} and ${linked} links`);
    if (entries('CREDENTIAL_DELETE', id).length > 0)
      violations.push(`credential ${id} still there after its CREDENTIAL_DELETE entry`);
  }
  for (const entry of audit.filter((e) => e.eventType === 'CREDENTIAL_CREATE')) {
    if (!credentialById.has(entry.resourceId) && entries('CREDENTIAL_DELETE', entry.resourceId).length !== 1) {
      violations.push(`CREDENTIAL_CREATE entry for ${entry.resourceId}, which is neither there nor deleted once`);
    }
  }
  for (const link of links) {
    const resource = resourceById.get(link.resourceId);
    if (!resource || resource.credentialId !== link.credentialId)
      violations.push(`link ${link.sk} without its resource`);
  }
  for (const resource of resources) {
    const id = resource.id as string;
    if (!links.some((link) => link.sk === keys.link(resource.credentialId, id)))
      violations.push(`resource ${id} without its link`);
    if (!credentialById.has(resource.credentialId))
      violations.push(`resource ${id} linked to missing credential ${resource.credentialId}`);
    if (entries('RESOURCE_CREATE', id).length !== 1)
      violations.push(`resource ${id} with ${entries('RESOURCE_CREATE', id).length} RESOURCE_CREATE entries`);
    if (entries('RESOURCE_DELETE', id).length > 0)
      violations.push(`resource ${id} still there after its RESOURCE_DELETE entry`);
  }
  for (const entry of audit.filter((e) => e.eventType === 'RESOURCE_CREATE')) {
    if (!resourceById.has(entry.resourceId) && entries('RESOURCE_DELETE', entry.resourceId).length !== 1) {
      violations.push(`RESOURCE_CREATE entry for ${entry.resourceId}, which is neither there nor deleted once`);
    }
  }
  return violations;
}
