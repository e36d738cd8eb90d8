import { distinct, type RequiredPolicyOf } from '#shared/providers/required-policy.ts';

/** What EntryGuard uses on a VPC firewall rule (contract §6.1), checked with testIamPermissions on the project. */
export const FIREWALL_PERMISSIONS = [
  'compute.firewalls.get',
  'compute.firewalls.update',
  'compute.networks.updatePolicy',
] as const;

/** The custom role's id in the project: letters, digits, underscores and periods, 3 to 64 (IAM's rule). */
export const ROLE_ID = 'entryguardFirewallRules';
const TITLE = 'EntryGuard firewall rules';
const DESCRIPTION = 'Lets EntryGuard read and update the VPC firewall rules it manages';

/** A project id as GCP creates them; anything else is quoted for the shell. */
const PLAIN = /^[A-Za-z0-9@._:=,/-]+$/;

/** One shell word: as is when it holds nothing the shell reads, else single-quoted. */
export function shellWord(value: string): string {
  return PLAIN.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * A custom role (`title`, `description`, `stage`, `includedPermissions`, the shape `gcloud iam roles create --file`
 * reads) and the `gcloud` command that creates it in the credential's project, plus the grant in the note. The
 * project and service account come from the verified identity; until they are known, placeholders and a note.
 */
export const gcpRequiredPolicy: RequiredPolicyOf = (credential, resources) => {
  if (resources.length === 0) {
    return {
      policy: null,
      note:
        'No firewall rule is linked to this credential yet. Verifying it needs no IAM role (the key exchange needs only an enabled service account and key). ' +
        'Link a firewall rule to get the custom role EntryGuard needs.',
    };
  }
  const identity = credential.verifiedIdentity;
  const project = identity?.projectId ?? 'PROJECT_ID';
  const account = identity?.clientEmail ?? 'SERVICE_ACCOUNT_EMAIL';
  const rules = distinct(resources.map((resource) => resource.resourceIdentifier));
  const command = [
    'gcloud iam roles create',
    ROLE_ID,
    `--project=${shellWord(project)}`,
    `--title=${shellWord(TITLE)}`,
    `--description=${shellWord(DESCRIPTION)}`,
    '--stage=GA',
    `--permissions=${FIREWALL_PERMISSIONS.join(',')}`,
  ].join(' ');
  const grant = [
    'gcloud projects add-iam-policy-binding',
    shellWord(project),
    `--member=${shellWord(`serviceAccount:${account}`)}`,
    `--role=${shellWord(`projects/${project}/roles/${ROLE_ID}`)}`,
  ].join(' ');
  const notes = [
    `Grant it to the service account on the project (EntryGuard checks the permissions with testIamPermissions on the project; the rules are ${rules.join(', ')}): ${grant}`,
  ];
  if (!identity?.projectId || !identity.clientEmail) {
    notes.push(
      'The project and service account are not known until the credential is verified: replace PROJECT_ID and SERVICE_ACCOUNT_EMAIL, or verify it and ask again.',
    );
  }
  return {
    policy: { title: TITLE, description: DESCRIPTION, stage: 'GA', includedPermissions: [...FIREWALL_PERMISSIONS] },
    gcloudCommand: command,
    note: notes.join(' '),
  };
};
