import type { Resource } from '../api/resources-api.ts';
import { h } from '../ui/dom.ts';
import { type ResourceActions, type ResourceRow, resourceRow } from './resource-row.ts';

const COLUMNS = ['Name', 'Type', 'Identifier', 'Region', 'Status', 'Permissions', 'Actions'];

/** The resources of one credential, keyed by id like the credentials table. */
export function resourceTable(actions: ResourceActions) {
  const body = h('tbody');
  const empty = h(
    'p',
    { class: 'empty', hidden: true },
    'No resource uses this credential. Add one with the form below.',
  );
  const table = h(
    'table',
    { hidden: true, class: 'stack-table' },
    h('caption', { class: 'visually-hidden' }, 'Resources that use this credential'),
    h('thead', {}, h('tr', {}, ...COLUMNS.map((column) => h('th', { scope: 'col' }, column)))),
    body,
  );
  const element = h('div', { class: 'table-wrap' }, table, empty);
  const rows = new Map<string, ResourceRow>();
  return {
    element,
    render(
      resources: readonly Resource[],
      state: { verifying: ReadonlySet<string>; failures: ReadonlyMap<string, string> },
    ) {
      const wanted = new Set(resources.map((resource) => resource.id));
      for (const [id, row] of rows) {
        if (wanted.has(id)) continue;
        row.element.remove();
        rows.delete(id);
      }
      resources.forEach((resource, index) => {
        let row = rows.get(resource.id);
        if (!row) {
          row = resourceRow(resource, actions);
          rows.set(resource.id, row);
        }
        row.update(resource, {
          verifying: state.verifying.has(resource.id),
          failure: state.failures.get(resource.id) ?? null,
        });
        if (body.children[index] !== row.element) body.insertBefore(row.element, body.children[index] ?? null);
      });
      table.hidden = resources.length === 0;
      empty.hidden = resources.length > 0;
    },
    rowOf: (id: string) => rows.get(id)?.element,
  };
}
