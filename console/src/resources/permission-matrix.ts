import type { PermissionCheck } from '../api/resources-api.ts';
import { dateTime } from '../credentials/credential-row.ts';
import { h } from '../ui/dom.ts';

const GRANTS = {
  true: { symbol: '✓', text: 'Granted', tone: 'granted' },
  false: { symbol: '✕', text: 'Missing', tone: 'missing' },
  null: { symbol: '?', text: 'Cannot be checked without a change', tone: 'unknown' },
} as const;

/**
 * What the last check found (contract §6.2): whether the resource exists, and each permission EntryGuard uses on it
 * with its answer in a word and a symbol (never colour alone) and, when missing, what to do.
 */
export function permissionMatrix(check: PermissionCheck): HTMLElement {
  return h(
    'div',
    { class: 'permission-matrix' },
    h(
      'p',
      { class: check.exists ? 'small' : 'small verification-error' },
      check.exists ? 'Found' : '✕ Not found with this credential',
      h('span', { class: 'muted' }, ` · checked ${dateTime.format(new Date(check.checkedAt))}`),
    ),
    check.permissions.length === 0
      ? null
      : h(
          'ul',
          { class: 'permissions', 'aria-label': 'Permissions' },
          ...check.permissions.map((finding) => {
            const grant = GRANTS[String(finding.granted) as keyof typeof GRANTS];
            return h(
              'li',
              { class: `permission permission-${grant.tone}` },
              h('span', { class: 'permission-symbol', 'aria-hidden': 'true' }, grant.symbol),
              h('code', {}, finding.permission),
              h('span', { class: 'permission-grant' }, grant.text),
              finding.detail ? h('span', { class: 'permission-detail' }, finding.detail) : null,
            );
          }),
        ),
  );
}
