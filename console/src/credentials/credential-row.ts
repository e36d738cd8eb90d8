import type { Credential } from '../api/credentials-api.ts';
import { h } from '../ui/dom.ts';
import { trashIcon } from '../ui/icons.ts';
import { providerLabel, typeLabel } from './credential-kinds.ts';
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

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * One table row, updated in place on every refresh: its buttons stay the same elements, so keyboard focus survives
 * the status polling.
 */
export function credentialRow(initial: Credential, actions: RowActions): CredentialRow {
  let current = initial;
  const cells = {
    name: h('th', { scope: 'row' }),
    provider: h('td'),
    type: h('td'),
    status: h('td'),
    details: h('td', { class: 'details' }),
    created: h('td'),
  };
  const checkAgain = h('button', { type: 'button', class: 'secondary' }, 'Check again');
  const rotate = h('button', { type: 'button', class: 'secondary' }, 'Rotate');
  const remove = h('button', { type: 'button', class: 'icon-button danger', title: 'Delete' }, trashIcon());
  checkAgain.addEventListener('click', () => {
    if (checkAgain.getAttribute('aria-disabled') !== 'true') actions.checkAgain(current, checkAgain);
  });
  rotate.addEventListener('click', () => actions.rotate(current, rotate));
  remove.addEventListener('click', () => actions.remove(current, remove));
  const element = h(
    'tr',
    {},
    ...Object.values(cells),
    h('td', {}, h('div', { class: 'actions' }, checkAgain, rotate, remove)),
  );

  return {
    element,
    update(credential, checking) {
      current = credential;
      element.dataset.credentialId = credential.id;
      cells.name.replaceChildren(
        h('span', { class: 'name' }, credential.name),
        h('span', { class: 'hint' }, credential.hint),
      );
      cells.provider.textContent = providerLabel(credential.provider);
      cells.type.textContent = typeLabel(credential.provider, credential.credentialType);
      cells.status.replaceChildren(
        statusBadge(credential.status),
        h('span', { class: 'muted small' }, checkedText(credential, checking)),
        ...checkFailureLine(credential),
      );
      cells.details.replaceChildren(details(credential));
      cells.created.replaceChildren(
        h('time', { datetime: credential.createdAt }, dateTime.format(new Date(credential.createdAt))),
      );
      // aria-disabled rather than disabled: a disabled button would drop keyboard focus to the page.
      checkAgain.setAttribute('aria-disabled', String(checking));
      checkAgain.setAttribute('aria-label', `Check again: ${credential.name}`);
      rotate.setAttribute('aria-label', `Rotate: ${credential.name}`);
      remove.setAttribute('aria-label', `Delete: ${credential.name}`);
    },
  };
}

function checkedText(credential: Credential, checking: boolean): string {
  if (checking || (credential.status === 'UNVERIFIED' && credential.verificationError === null)) return 'Checking…';
  return credential.lastVerifiedAt
    ? `Checked ${dateTime.format(new Date(credential.lastVerifiedAt))}`
    : 'Not checked yet';
}

/**
 * Under the badge, when the last check could not reach the provider: not a verdict, so the badge keeps the last one
 * and this line says when the re-check failed (the reason in its tooltip).
 */
function checkFailureLine(credential: Credential): Node[] {
  const failure = credential.lastCheckFailure;
  if (failure === null) return [];
  const check = credential.status === 'UNVERIFIED' ? 'Last check' : 'Last re-check';
  return [
    h(
      'span',
      { class: 'check-failure small', title: failure.message },
      h('span', { 'aria-hidden': 'true' }, '⚠ '),
      `${check} could not reach ${providerLabel(credential.provider)} at `,
      h('time', { datetime: failure.at }, dateTime.format(new Date(failure.at))),
    ),
  ];
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
function words(key: string): string {
  const spaced = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}
