import { ApiError } from '../api/api-error.ts';
import type { Credential, CredentialsApi } from '../api/credentials-api.ts';
import { announce } from '../ui/announcer.ts';
import { h } from '../ui/dom.ts';
import { addCredentialForm } from './add-credential-form.ts';
import { credentialTable } from './credential-table.ts';
import { openDeleteDialog } from './delete-dialog.ts';
import { openRotateDialog } from './rotate-dialog.ts';
import { statusBadgeText } from './status-badge.ts';
import { statusPoller } from './status-poller.ts';

const POLL_INTERVAL_MS = 2000;
/** How long a "check again" is watched for its result; a provider that cannot be reached is retried for longer. */
const CHECK_WATCH_MS = 60_000;

interface PendingCheck {
  lastVerifiedAt: string | null;
  /** When a check last could not reach the provider: a newer one also ends the wait (no verdict came). */
  lastCheckFailureAt: string | null;
  since: number;
}

/** The Cloud Credentials page: the table, its actions and the add form, kept current while checks run. */
export function credentialsPage(api: CredentialsApi) {
  let credentials: Credential[] = [];
  const checks = new Map<string, PendingCheck>();
  const loading = h('p', { class: 'muted' }, 'Loading credentials…');
  const loadError = h('div', { class: 'form-alert', role: 'alert', hidden: true });

  const table = credentialTable({
    checkAgain: (credential) => void checkAgain(credential),
    rotate: (credential, opener) =>
      openRotateDialog({
        api,
        credential,
        opener,
        onRotated: (rotated) => {
          upsert(rotated);
          announce(`Rotated the secret of ${rotated.name}. Checking it again…`);
        },
      }),
    remove: (credential, opener) =>
      openDeleteDialog({
        api,
        credential,
        opener,
        onDeleted: (deleted) => {
          credentials = credentials.filter((candidate) => candidate.id !== deleted.id);
          checks.delete(deleted.id);
          render();
          announce(`Deleted ${deleted.name}.`);
        },
      }),
  });
  const poller = statusPoller({
    intervalMs: POLL_INTERVAL_MS,
    isNeeded: () => checks.size > 0 || credentials.some((credential) => credential.status === 'UNVERIFIED'),
    poll: refresh,
  });

  function render(): void {
    table.render(credentials, new Set(checks.keys()));
    poller.schedule();
  }

  function upsert(credential: Credential): void {
    const index = credentials.findIndex((candidate) => candidate.id === credential.id);
    credentials = index === -1 ? [credential, ...credentials] : credentials.with(index, credential);
    render();
  }

  async function refresh(): Promise<void> {
    try {
      apply(await api.list());
      loading.hidden = true;
      loadError.hidden = true;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const retry = h('button', { type: 'button', class: 'secondary' }, 'Try again');
      retry.addEventListener('click', () => void refresh());
      loadError.replaceChildren(h('p', {}, `The credentials could not be loaded. ${error.message}`), retry);
      loadError.hidden = false;
    }
  }

  /** Takes a fresh list, announcing each verdict that arrived since the last one. */
  function apply(next: Credential[]): void {
    const previous = new Map(credentials.map((credential) => [credential.id, credential]));
    const verdicts: string[] = [];
    for (const credential of next) {
      const before = previous.get(credential.id);
      const check = checks.get(credential.id);
      const failureAt = credential.lastCheckFailure?.at ?? null;
      const unreachable = check !== undefined && failureAt !== null && failureAt !== check.lastCheckFailureAt;
      const checked = check !== undefined && (credential.lastVerifiedAt !== check.lastVerifiedAt || unreachable);
      if (checked || (check !== undefined && Date.now() - check.since > CHECK_WATCH_MS)) checks.delete(credential.id);
      const changed = before !== undefined && (before.status !== credential.status || checked);
      if (unreachable && credential.status !== 'UNVERIFIED') {
        verdicts.push(
          `${credential.name}: the re-check could not reach the provider; it stays ${statusBadgeText(credential.status)}.`,
        );
      } else if (changed && credential.status !== 'UNVERIFIED') {
        verdicts.push(
          `${credential.name} is ${statusBadgeText(credential.status)}${credential.verificationError ? `: ${credential.verificationError}` : ''}.`,
        );
      }
    }
    for (const id of checks.keys()) if (!next.some((credential) => credential.id === id)) checks.delete(id);
    credentials = next;
    render();
    if (verdicts.length > 0) announce(verdicts.join(' '));
  }

  async function checkAgain(credential: Credential): Promise<void> {
    checks.set(credential.id, {
      lastVerifiedAt: credential.lastVerifiedAt,
      lastCheckFailureAt: credential.lastCheckFailure?.at ?? null,
      since: Date.now(),
    });
    render();
    try {
      await api.checkAgain(credential.id);
      announce(`Checking ${credential.name} again…`);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      checks.delete(credential.id);
      render();
      announce(`${credential.name} could not be checked again. ${error.message}`);
    }
  }

  const listSection = h(
    'section',
    { class: 'card', 'aria-labelledby': 'list-heading' },
    h('h2', { id: 'list-heading' }, 'Credentials'),
    loading,
    loadError,
    table.element,
  );
  const element = h('div', { class: 'page' }, listSection, addCredentialForm({ api, onAdded: upsert }));
  void refresh();
  return { element, dispose: () => poller.stop() };
}
