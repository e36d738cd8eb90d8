import type { Credential } from '../api/credentials-api.ts';
import { h } from '../ui/dom.ts';
import { type CredentialRow, credentialRow, type RowActions } from './credential-row.ts';

const COLUMNS = ['Name', 'Provider', 'Type', 'Status', 'Identity or error', 'Created', 'Actions'];

/** The credentials table, keyed by id: rows are added, moved, updated and removed, never rebuilt. */
export function credentialTable(actions: RowActions) {
  const body = h('tbody');
  const empty = h('p', { class: 'empty', hidden: true }, 'No credentials yet. Add one with the form below.');
  const table = h(
    'table',
    { hidden: true, class: 'stack-table' },
    h('caption', { class: 'visually-hidden' }, 'Cloud credentials of your organization'),
    h('thead', {}, h('tr', {}, ...COLUMNS.map((column) => h('th', { scope: 'col' }, column)))),
    body,
  );
  const element = h('div', { class: 'table-wrap' }, table, empty);
  const rows = new Map<string, CredentialRow>();

  return {
    element,
    render(credentials: readonly Credential[], checking: ReadonlySet<string>) {
      const wanted = new Set(credentials.map((credential) => credential.id));
      for (const [id, row] of rows) {
        if (wanted.has(id)) continue;
        row.element.remove();
        rows.delete(id);
      }
      credentials.forEach((credential, index) => {
        let row = rows.get(credential.id);
        if (!row) {
          row = credentialRow(credential, actions);
          rows.set(credential.id, row);
        }
        row.update(credential, checking.has(credential.id));
        // Moving a row that is already in place would take focus away from its buttons.
        if (body.children[index] !== row.element) body.insertBefore(row.element, body.children[index] ?? null);
      });
      table.hidden = credentials.length === 0;
      empty.hidden = credentials.length > 0;
    },
    rowOf: (id: string) => rows.get(id)?.element,
  };
}
