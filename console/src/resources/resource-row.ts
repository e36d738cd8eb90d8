import type { Resource } from '../api/resources-api.ts';
import { dateTime } from '../credentials/credential-row.ts';
import { fillCell, labelledCell } from '../ui/cells.ts';
import { h } from '../ui/dom.ts';
import { trashIcon } from '../ui/icons.ts';
import { permissionMatrix } from './permission-matrix.ts';
import { resourceTypeLabel } from './resource-kinds.ts';

export interface ResourceActions {
  verify(resource: Resource, button: HTMLButtonElement): void;
  edit(resource: Resource, button: HTMLButtonElement): void;
  move(resource: Resource, button: HTMLButtonElement): void;
  remove(resource: Resource, button: HTMLButtonElement): void;
}

export interface ResourceRow {
  element: HTMLTableRowElement;
  update(resource: Resource, state: { verifying: boolean; failure: string | null }): void;
}

/** One resource, updated in place (its buttons keep focus); a stacked card on narrow screens. */
export function resourceRow(initial: Resource, actions: ResourceActions): ResourceRow {
  let current = initial;
  const cells = {
    name: h('th', { scope: 'row' }),
    type: labelledCell('Type'),
    identifier: labelledCell('Identifier', { class: 'identifier' }),
    region: labelledCell('Region'),
    status: labelledCell('Status'),
    permissions: labelledCell('Permissions', { class: 'details' }),
  };
  const verify = h('button', { type: 'button', class: 'secondary' }, 'Verify');
  const edit = h('button', { type: 'button', class: 'secondary' }, 'Edit');
  const move = h('button', { type: 'button', class: 'secondary' }, 'Move');
  const remove = h('button', { type: 'button', class: 'icon-button danger', title: 'Delete' }, trashIcon());
  verify.addEventListener('click', () => {
    if (verify.getAttribute('aria-disabled') !== 'true') actions.verify(current, verify);
  });
  edit.addEventListener('click', () => actions.edit(current, edit));
  move.addEventListener('click', () => actions.move(current, move));
  remove.addEventListener('click', () => actions.remove(current, remove));
  const actionCell = labelledCell('Actions');
  fillCell(actionCell, h('div', { class: 'actions' }, verify, edit, move, remove));
  const element = h('tr', { tabindex: '-1' }, ...Object.values(cells), actionCell);

  return {
    element,
    update(resource, state) {
      current = resource;
      element.id = `resource-${resource.id}`;
      element.dataset.resourceId = resource.id;
      cells.name.textContent = resource.name;
      fillCell(cells.type, resourceTypeLabel(resource.provider, resource.resourceType));
      fillCell(cells.identifier, h('code', {}, resource.resourceIdentifier));
      fillCell(cells.region, resource.region ?? '—');
      fillCell(
        cells.status,
        h(
          'span',
          { class: `badge ${resource.isActive ? 'badge-valid' : 'badge-unverified'}` },
          h('span', { 'aria-hidden': 'true' }, resource.isActive ? '✓' : '○'),
          resource.isActive ? ' Active' : ' Inactive',
        ),
        h(
          'span',
          { class: 'muted small block' },
          state.verifying
            ? 'Verifying…'
            : resource.lastVerifiedAt
              ? `Verified ${dateTime.format(new Date(resource.lastVerifiedAt))}`
              : 'Not verified yet',
        ),
        state.failure ? h('p', { class: 'verification-error small' }, state.failure) : null,
      );
      const check = resource.permissionCheck;
      fillCell(cells.permissions, check ? permissionMatrix(check) : h('span', { class: 'muted' }, '—'));
      verify.setAttribute('aria-disabled', String(state.verifying));
      verify.setAttribute('aria-label', `Verify: ${resource.name}`);
      edit.setAttribute('aria-label', `Edit: ${resource.name}`);
      move.setAttribute('aria-label', `Move: ${resource.name}`);
      remove.setAttribute('aria-label', `Delete: ${resource.name}`);
    },
  };
}
