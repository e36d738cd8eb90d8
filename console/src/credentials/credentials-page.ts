import { ApiError, problemText } from '../api/api-error.ts';
import type { Credential } from '../api/credentials-api.ts';
import type { ConsoleContext, Screen } from '../console-context.ts';
import { announce } from '../ui/announcer.ts';
import { h } from '../ui/dom.ts';
import { addCredentialForm } from './add-credential-form.ts';
import { providerLabel } from './credential-kinds.ts';
import { credentialTable } from './credential-table.ts';
import { openDeleteDialog } from './delete-dialog.ts';
import { pauseNotice } from './pause-notice.ts';
import { openRotateDialog } from './rotate-dialog.ts';

/** The Cloud Credentials page: the table, its actions and the add form, kept current while checks run. */
export function credentialsPage(context: ConsoleContext): Screen {
  const { store } = context;
  const loading = h('p', { class: 'muted' }, 'Loading credentials…');
  const loadError = h('div', { class: 'form-alert', role: 'alert', hidden: true });
  const confirmation = h('p', { class: 'notice success', role: 'status', hidden: true });
  const pause = pauseNotice(store);

  const confirm = (message: string, done = true) => {
    confirmation.textContent = message;
    confirmation.classList.toggle('success', done);
    confirmation.hidden = false;
  };

  const table = credentialTable({
    checkAgain: (credential) =>
      void store.checkAgain(credential).catch((error: unknown) => {
        if (!(error instanceof ApiError)) throw error;
        confirm(`${credential.name} was not checked again. ${problemText(error)}`, false);
      }),
    rotate: (credential, opener) =>
      openRotateDialog({
        api: context.api,
        kept: context.kept,
        credential,
        opener,
        onRotated: (rotated) => {
          store.upsert(rotated);
          confirm(`Rotated the secret of ${rotated.name}. Checking it again…`);
          announce(`Rotated the secret of ${rotated.name}. Checking it again…`);
        },
      }),
    remove: (credential, opener) =>
      openDeleteDialog({
        api: context.api,
        resources: context.resources,
        credential,
        opener,
        onDeleted: (deleted) => {
          store.removed(deleted.id);
          context.kept.forget(deleted.id);
          confirm(`Deleted ${deleted.name}.`);
          announce(`Deleted ${deleted.name}.`);
        },
      }),
  });

  const add = addCredentialForm({
    api: context.api,
    kept: context.kept,
    onAdded: (credential: Credential) => {
      store.upsert(credential);
      const message = `Added ${credential.name}. Checking it with ${providerLabel(credential.provider)}…`;
      confirm(message);
      announce(message);
      const row = table.rowOf(credential.id);
      row?.focus();
      row?.scrollIntoView({ block: 'nearest' });
    },
  });

  const render = () => {
    const { credentials, checking, loadError: error } = store.state;
    pause.render();
    loading.hidden = credentials !== undefined || error !== undefined;
    add.hidden = credentials === undefined;
    if (error) {
      const retry = h('button', { type: 'button', class: 'secondary' }, 'Try again');
      retry.addEventListener('click', () => void store.reload());
      loadError.replaceChildren(h('p', {}, `The credentials could not be loaded. ${problemText(error)}`), retry);
    }
    loadError.hidden = error === undefined;
    if (credentials) table.render(credentials, checking);
  };

  const listSection = h(
    'section',
    { class: 'card', 'aria-labelledby': 'list-heading' },
    h('h2', { id: 'list-heading' }, 'Credentials'),
    loading,
    loadError,
    pause.element,
    confirmation,
    table.element,
  );
  const element = h('div', { class: 'page' }, listSection, add);
  render();
  const unsubscribe = store.subscribe(render);
  return { element, title: () => 'Cloud Credentials', dispose: unsubscribe };
}
