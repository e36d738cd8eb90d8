import type { Credential } from '../api/credentials-api.ts';
import { fillCell, labelledCell } from '../ui/cells.ts';
import { h } from '../ui/dom.ts';
import { trashIcon } from '../ui/icons.ts';
import { providerLabel, typeLabel } from './credential-kinds.ts';
import { awaitsVerdict } from './credential-store.ts';
import { statusBadge } from './status-badge.ts';

export interface RowActions {
  checkAgain(credential: Credential, button: HTMLButtonElement): void;
  rotate(credential: Credential, button: HTMLButtonElement): void;
  remove(credential: Credential, button: HTMLButtonElement): void;
}

export interface CredentialRow {
  element: HTMLTableRowElement;
  update(credential: Credential, checking: boolean): void;
}

export const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function credentialHref(id: string): string {
  return `#/credentials/${encodeURIComponent(id)}`;
}

/**
 * One table row, updated in place on every refresh: its buttons stay the same elements, so keyboard focus survives
 * the status polling. On narrow screens the row is a stacked card (styles.css), each cell with its column's name.
 */
export function credentialRow(initial: Credential, actions: RowActions): CredentialRow {
  let current = initial;
  const cells = {
    name: h('th', { scope: 'row' }),
    provider: labelledCell('Provider'),
    type: labelledCell('Type'),
    status: labelledCell('Status'),
    details: labelledCell('Identity or error', { class: 'details' }),
    created: labelledCell('Created'),
  };
  const checkAgain = h('button', { type: 'button', class: 'secondary' }, 'Check again');
  const rotate = h('button', { type: 'button', class: 'secondary' }, 'Rotate');
  const resources = h('a', { class: 'button secondary' }, 'Resources');
  const remove = h('button', { type: 'button', class: 'icon-button danger', title: 'Delete' }, trashIcon());
  checkAgain.addEventListener('click', () => {
    if (checkAgain.getAttribute('aria-disabled') !== 'true') actions.checkAgain(current, checkAgain);
  });
  rotate.addEventListener('click', () => actions.rotate(current, rotate));
  remove.addEventListener('click', () => actions.remove(current, remove));
  const actionCell = labelledCell('Actions');
  fillCell(actionCell, h('div', { class: 'actions' }, checkAgain, rotate, resources, remove));
  const element = h('tr', { tabindex: '-1' }, ...Object.values(cells), actionCell);

  return {
    element,
    update(credential, checking) {
      current = credential;
      element.dataset.credentialId = credential.id;
      cells.name.replaceChildren(
        h('a', { class: 'name', href: credentialHref(credential.id) }, credential.name),
        h('span', { class: 'hint' }, credential.hint),
      );
      fillCell(cells.provider, providerLabel(credential.provider));
      fillCell(cells.type, typeLabel(credential.provider, credential.credentialType));
      fillCell(cells.status, ...statusContent(credential, checking));
      fillCell(cells.details, details(credential));
      fillCell(
        cells.created,
        h('time', { datetime: credential.createdAt }, dateTime.format(new Date(credential.createdAt))),
      );
      resources.href = credentialHref(credential.id);
      // aria-disabled rather than disabled: a disabled button would drop keyboard focus to the page.
      checkAgain.setAttribute('aria-disabled', String(checking));
      checkAgain.setAttribute('aria-label', `Check again: ${credential.name}`);
      rotate.setAttribute('aria-label', `Rotate: ${credential.name}`);
      resources.setAttribute('aria-label', `Resources: ${credential.name}`);
      remove.setAttribute('aria-label', `Delete: ${credential.name}`);
    },
  };
}

/** The badge, when it was checked, and what the API adds when it answers it (§6.2 attention, a failed re-check). */
export function statusContent(credential: Credential, checking: boolean): Node[] {
  const nodes: Node[] = [statusBadge(credential.status)];
  const attention = credential.resourcesNeedingAttention ?? 0;
  if (attention > 0) {
    nodes.push(
      h(
        'a',
        { class: 'attention', href: credentialHref(credential.id) },
        ` · ${attention === 1 ? '1 resource needs' : `${attention} resources need`} attention`,
      ),
    );
  }
  nodes.push(h('span', { class: 'muted small block' }, checkedText(credential, checking)));
  const failure = credential.lastCheckFailure;
  if (failure) {
    nodes.push(
      h(
        'span',
        { class: 'check-failure small block', title: failure.message },
        `⚠ Last re-check could not reach ${providerLabel(credential.provider)} at ${dateTime.format(new Date(failure.at))}`,
      ),
    );
  }
  return nodes;
}

function checkedText(credential: Credential, checking: boolean): string {
  if (checking || (awaitsVerdict(credential) && credential.verificationError === null)) return 'Checking…';
  if (credential.status === 'UNVERIFIED' && credential.verificationError === null && !credential.lastVerifiedAt)
    return 'No verdict yet. Use “Check again” to check it now.';
  return credential.lastVerifiedAt
    ? `Checked ${dateTime.format(new Date(credential.lastVerifiedAt))}`
    : 'Not checked yet';
}

function details(credential: Credential): Node {
  if (credential.verificationError !== null) {
    return h(
      'p',
      { class: 'verification-error' },
      h('span', { 'aria-hidden': 'true' }, '⚠ '),
      credential.verificationError,
    );
  }
  const identity = Object.entries(credential.verifiedIdentity ?? {});
  if (identity.length === 0) return h('span', { class: 'muted' }, '—');
  return h(
    'dl',
    { class: 'pairs' },
    ...identity.flatMap(([key, value]) => [h('dt', {}, words(key)), h('dd', {}, value)]),
  );
}

/** `accountId` → `Account id`. */
export function words(key: string): string {
  const spaced = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}
