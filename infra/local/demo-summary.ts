import type { ResourceView } from '#shared/resources/model.ts';
import type { Demo } from './demo.ts';

const MARK = { VALID: '✓', INVALID: '✕', UNVERIFIED: '○' } as const;

/** What `npm run demo` prints under the token: the seeded organization, credential by credential. */
export function demoSummary({ seeded, service }: Pick<Demo, 'seeded' | 'service'>): string {
  const width = Math.max(
    ...seeded.flatMap(({ credential, resources }) =>
      [credential.name, ...resources.map((r) => `  ${r.name}`)].map((name) => name.length),
    ),
  );
  const lines = seeded.flatMap(({ credential, resources }) => [
    `  ${MARK[credential.status]} ${credential.name.padEnd(width)}  ${credential.status}`,
    ...resources.map((resource) => `    ${`  ${resource.name}`.padEnd(width)}  ${resourceState(resource)}`),
  ]);
  return [
    'Demo organization, checked against provider stand-ins on 127.0.0.1 (nothing leaves this machine; the data is',
    `kept in memory and goes when you stop). Open ${service.url}/ to see it:`,
    '',
    ...lines,
    '',
  ].join('\n');
}

function resourceState(resource: ResourceView): string {
  const check = resource.permissionCheck;
  if (resource.isActive) return 'active: exists, every permission granted';
  if (check === null) return 'inactive: the credential was refused';
  const missing = check.permissions.filter((finding) => finding.granted === false).map((finding) => finding.permission);
  if (missing.length > 0) return `inactive: missing ${missing.join(', ')}`;
  return check.exists ? 'inactive' : 'inactive: not found';
}
