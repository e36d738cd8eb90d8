import { ApiError, problemText } from '../api/api-error.ts';
import type { Credential } from '../api/credentials-api.ts';
import type { Resource } from '../api/resources-api.ts';
import type { ConsoleContext, Screen } from '../console-context.ts';
import { addResourceForm } from '../resources/add-resource-form.ts';
import { requiredPolicySection } from '../resources/required-policy.ts';
import {
  openDeleteResourceDialog,
  openEditResourceDialog,
  openMoveResourceDialog,
} from '../resources/resource-dialogs.ts';
import { resourceTable } from '../resources/resource-table.ts';
import { announce } from '../ui/announcer.ts';
import { h } from '../ui/dom.ts';
import { trashIcon } from '../ui/icons.ts';
import { providerLabel, typeLabel } from './credential-kinds.ts';
import { statusContent, words } from './credential-row.ts';
import { openDeleteDialog } from './delete-dialog.ts';
import { pauseNotice } from './pause-notice.ts';
import { openRotateDialog } from './rotate-dialog.ts';

/** Why a verify was refused, as the API says it (what to do when unreachable included), and what is missing. */
export function verifyFailureText(error: ApiError): string {
  const missing = error.details.missingPermissions ?? [];
  return `${error.message}${missing.length > 0 ? ` Missing: ${missing.join(', ')}.` : ''}`;
}

/**
 * One credential and its resources: their type, identifier, region, Active/Inactive and permission matrix; add,
 * edit, move to another credential of the same provider, verify and delete; and the policy the credential needs.
 * Everything the docs' key-rotation workflow asks for, without leaving the console.
 */
export function credentialPage(context: ConsoleContext, id: string, focusResourceId: string | undefined): Screen {
  const { store } = context;
  let resources: Resource[] | undefined;
  const verifying = new Set<string>();
  const failures = new Map<string, string>();
  let focusPending = focusResourceId;
  let built: { credential: Credential; refreshPolicy(): Promise<void> } | undefined;

  const summary = h('div', { class: 'credential-summary' });
  const missing = h('p', { class: 'form-alert', role: 'alert', hidden: true });
  const loading = h('p', { class: 'muted' }, 'Loading…');
  const confirmation = h('p', { class: 'notice', role: 'status', hidden: true });
  const resourceError = h('div', { class: 'form-alert', role: 'alert', hidden: true });
  const pause = pauseNotice(store);
  const confirm = (message: string, done = true) => {
    confirmation.textContent = message;
    confirmation.classList.toggle('success', done);
    confirmation.hidden = false;
    announce(message);
  };

  const changed = () => {
    void built?.refreshPolicy();
    // The credentials' "resources need attention" counts follow the resources.
    void store.reload();
  };

  const replace = (resource: Resource) => {
    if (!resources) return;
    resources =
      resource.credentialId === id
        ? resources.some((candidate) => candidate.id === resource.id)
          ? resources.map((candidate) => (candidate.id === resource.id ? resource : candidate))
          : [...resources, resource]
        : resources.filter((candidate) => candidate.id !== resource.id);
    renderResources();
  };

  const table = resourceTable({
    verify: (resource) => void verify(resource),
    edit: (resource, opener) =>
      openEditResourceDialog({
        api: context.resources,
        resource,
        opener,
        onSaved: (saved) => {
          failures.delete(saved.id);
          replace(saved);
          confirm(`Saved ${saved.name}.${saved.isActive ? '' : ' Verify it to check the change.'}`);
          changed();
        },
      }),
    move: (resource, opener) =>
      openMoveResourceDialog({
        api: context.resources,
        resource,
        opener,
        credentials: store.state.credentials ?? [],
        onMoved: (moved) => {
          failures.delete(moved.id);
          replace(moved);
          confirmation.replaceChildren(
            `Moved ${moved.name} to ${moved.credentialName ?? 'the other credential'}. `,
            h(
              'a',
              {
                href: `#/credentials/${encodeURIComponent(moved.credentialId)}/resources/${encodeURIComponent(moved.id)}`,
              },
              `Verify it there`,
            ),
            '.',
          );
          confirmation.classList.add('success');
          confirmation.hidden = false;
          announce(`Moved ${moved.name} to ${moved.credentialName ?? 'the other credential'}. Verify it there.`);
          changed();
        },
      }),
    remove: (resource, opener) =>
      openDeleteResourceDialog({
        api: context.resources,
        resource,
        opener,
        onDeleted: (deleted) => {
          resources = resources?.filter((candidate) => candidate.id !== deleted.id);
          renderResources();
          confirm(`Deleted ${deleted.name}.`);
          changed();
        },
      }),
  });

  async function verify(resource: Resource): Promise<void> {
    verifying.add(resource.id);
    renderResources();
    try {
      const checked = await context.resources.verify(resource.id);
      failures.delete(resource.id);
      replace(checked);
      confirm(`${checked.name} is active: it exists and the credential may manage it.`);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.code === 'VERIFICATION_FAILED') {
        failures.set(resource.id, verifyFailureText(error));
        // The stored check shows the whole picture (contract §6.2).
        const stored = await context.resources.get(resource.id).catch(() => undefined);
        if (stored) replace(stored);
        confirm(`${resource.name} did not pass: ${verifyFailureText(error)}`, false);
      } else {
        failures.set(resource.id, problemText(error));
        confirm(`${resource.name} was not verified. ${problemText(error)}`, false);
      }
    } finally {
      verifying.delete(resource.id);
      renderResources();
      changed();
    }
  }

  const renderResources = () => {
    if (!resources) return;
    table.render(resources, { verifying, failures });
    if (focusPending) {
      const row = table.rowOf(focusPending);
      focusPending = undefined;
      if (row) {
        row.focus();
        row.scrollIntoView({ block: 'center' });
      }
    }
  };

  async function loadResources(): Promise<void> {
    try {
      resources = await context.resources.listFor(id);
      resourceError.hidden = true;
      renderResources();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const retry = h('button', { type: 'button', class: 'secondary' }, 'Try again');
      retry.addEventListener('click', () => void loadResources());
      resourceError.replaceChildren(h('p', {}, `The resources could not be loaded. ${problemText(error)}`), retry);
      resourceError.hidden = false;
    }
  }

  const checkAgain = h('button', { type: 'button', class: 'secondary' }, 'Check again');
  const rotate = h('button', { type: 'button', class: 'secondary' }, 'Rotate');
  const remove = h('button', { type: 'button', class: 'icon-button danger', title: 'Delete' }, trashIcon());
  const content = h('div', { class: 'page', hidden: true });

  const build = (credential: Credential) => {
    const policy = requiredPolicySection(context.api, credential);
    checkAgain.addEventListener('click', () => {
      const current = store.find(id);
      if (current && checkAgain.getAttribute('aria-disabled') !== 'true')
        void store.checkAgain(current).catch((error: unknown) => {
          if (!(error instanceof ApiError)) throw error;
          confirm(`${current.name} was not checked again. ${problemText(error)}`, false);
        });
    });
    rotate.addEventListener('click', () => {
      const current = store.find(id);
      if (!current) return;
      openRotateDialog({
        api: context.api,
        kept: context.kept,
        credential: current,
        opener: rotate,
        onRotated: (rotated) => {
          store.upsert(rotated);
          confirm(`Rotated the secret of ${rotated.name}. Checking it again…`);
        },
      });
    });
    remove.addEventListener('click', () => {
      const current = store.find(id);
      if (!current) return;
      openDeleteDialog({
        api: context.api,
        resources: context.resources,
        credential: current,
        opener: remove,
        onDeleted: (deleted) => {
          store.removed(deleted.id);
          context.kept.forget(deleted.id);
          announce(`Deleted ${deleted.name}.`);
          location.hash = '#/';
        },
      });
    });
    content.replaceChildren(
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'credential-heading' },
        h('h2', { id: 'credential-heading' }, 'Credential'),
        pause.element,
        summary,
        h('div', { class: 'actions' }, checkAgain, rotate, remove),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'resources-heading' },
        h('h2', { id: 'resources-heading' }, 'Resources'),
        h(
          'p',
          { class: 'muted' },
          'The cloud resources EntryGuard manages with this credential. Verify checks that each exists and that the credential holds every permission EntryGuard uses on it, without changing anything.',
        ),
        confirmation,
        resourceError,
        table.element,
      ),
      addResourceForm({
        api: context.resources,
        credential,
        onAdded: (resource) => {
          replace(resource);
          confirm(`Added ${resource.name}. Verify it to check that the credential may manage it.`);
          const row = table.rowOf(resource.id);
          row?.focus();
          row?.scrollIntoView({ block: 'nearest' });
          changed();
        },
      }),
      policy.element,
    );
    built = { credential, refreshPolicy: policy.refresh };
    content.hidden = false;
    void loadResources();
    void policy.refresh();
  };

  const render = () => {
    pause.render();
    const { credentials, loadError } = store.state;
    loading.hidden = credentials !== undefined || loadError !== undefined;
    if (loadError) {
      missing.textContent = `The credential could not be loaded. ${problemText(loadError)}`;
      missing.hidden = false;
      return;
    }
    if (!credentials) return;
    const credential = store.find(id);
    if (!credential) {
      missing.replaceChildren(
        'This credential does not exist in your organization (it may have been deleted). ',
        h('a', { href: '#/' }, 'All credentials'),
      );
      missing.hidden = false;
      content.hidden = true;
      return;
    }
    missing.hidden = true;
    if (!built) build(credential);
    summary.replaceChildren(
      h(
        'p',
        { class: 'credential-title' },
        h('span', { class: 'name' }, credential.name),
        h('span', { class: 'hint' }, credential.hint),
      ),
      h(
        'dl',
        { class: 'pairs' },
        h('dt', {}, 'Provider'),
        h('dd', {}, providerLabel(credential.provider)),
        h('dt', {}, 'Type'),
        h('dd', {}, typeLabel(credential.provider, credential.credentialType)),
        h('dt', {}, 'Status'),
        h('dd', {}, ...statusContent(credential, store.state.checking.has(id))),
        ...(credential.verificationError
          ? [h('dt', {}, 'Error'), h('dd', { class: 'verification-error' }, credential.verificationError)]
          : Object.entries(credential.verifiedIdentity ?? {}).flatMap(([key, value]) => [
              h('dt', {}, words(key)),
              h('dd', {}, value),
            ])),
      ),
    );
    checkAgain.setAttribute('aria-disabled', String(store.state.checking.has(id)));
    checkAgain.setAttribute('aria-label', `Check again: ${credential.name}`);
    rotate.setAttribute('aria-label', `Rotate: ${credential.name}`);
    remove.setAttribute('aria-label', `Delete: ${credential.name}`);
  };

  const element = h(
    'div',
    { class: 'page' },
    h('p', {}, h('a', { href: '#/', class: 'back' }, '← All credentials')),
    loading,
    missing,
    content,
  );
  render();
  const unsubscribe = store.subscribe(render);
  return {
    element,
    title: () => store.find(id)?.name ?? 'Credential',
    dispose: unsubscribe,
  };
}
