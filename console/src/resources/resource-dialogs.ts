import { ApiError, problemText } from '../api/api-error.ts';
import type { Credential } from '../api/credentials-api.ts';
import type { Resource, ResourcesApi } from '../api/resources-api.ts';
import { providerLabel, withArticle } from '../credentials/credential-kinds.ts';
import { h, uniqueId } from '../ui/dom.ts';
import { hideSummary, type PlacedError, showErrorSummary } from '../ui/error-summary.ts';
import { selectField } from '../ui/form-field.ts';
import { openModalDialog } from '../ui/modal-dialog.ts';
import { resourceInput } from './resource-input.ts';
import { resourceForm } from './resource-kinds.ts';

interface DialogBase {
  api: ResourcesApi;
  resource: Resource;
  opener: HTMLElement;
}

/** Shows a refused change in a form's summary: each field's message at its field, or the API's sentence. */
export function showRefusal(
  summary: HTMLElement,
  lead: string,
  error: ApiError,
  place: (errors: Record<string, string>) => PlacedError[],
): HTMLElement {
  const errors = error.validationErrors;
  if (Object.keys(errors).length === 0) return showErrorSummary(summary, `${lead} ${problemText(error)}`, {}, []);
  return showErrorSummary(summary, lead, errors, place(errors));
}

/** Name, identifier, region and config of one resource (`PATCH`); a new identifier or region needs a new verify. */
export function openEditResourceDialog(options: DialogBase & { onSaved(resource: Resource): void }): void {
  const { resource } = options;
  const kind = resourceForm(resource.provider, resource.resourceType);
  if (!kind) return;
  const input = resourceInput(kind, resource);
  const summary = h('div', { class: 'form-alert', role: 'alert', tabindex: '-1', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Save changes');
  const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
  const form = h(
    'form',
    { novalidate: true },
    summary,
    input.root,
    h('div', { class: 'dialog-actions' }, cancel, submit),
  );
  const dialog = openModalDialog({ title: `Edit ${resource.name}`, content: [form], returnFocusTo: options.opener });
  cancel.addEventListener('click', () => dialog.close());
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (submit.getAttribute('aria-disabled') === 'true') return;
    hideSummary(summary);
    const { values, problems } = input.read();
    const lead = 'The resource was not changed.';
    if (Object.keys(problems).length > 0) {
      showErrorSummary(summary, lead, problems, input.showErrors(problems)).focus();
      return;
    }
    input.showErrors({});
    submit.setAttribute('aria-disabled', 'true');
    try {
      const { region, ...rest } = values;
      options.onSaved(await options.api.update(resource.id, { ...rest, ...(kind.region && { region: region ?? '' }) }));
      dialog.close();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      showRefusal(summary, lead, error, input.showErrors).focus();
    } finally {
      submit.removeAttribute('aria-disabled');
    }
  });
}

/**
 * Moves a resource to another credential of the same provider (`PATCH { credentialId }`), the step of a key
 * rotation: the resource then needs a verify with its new credential.
 */
export function openMoveResourceDialog(
  options: DialogBase & { credentials: readonly Credential[]; onMoved(resource: Resource): void },
): void {
  const { resource } = options;
  const targets = options.credentials.filter(
    (credential) => credential.provider === resource.provider && credential.id !== resource.credentialId,
  );
  const cancel = h('button', { type: 'button', class: 'secondary' }, targets.length === 0 ? 'Close' : 'Cancel');
  const alert = h('p', { class: 'form-alert', role: 'alert', hidden: true });
  const provider = providerLabel(resource.provider);
  if (targets.length === 0) {
    const dialog = openModalDialog({
      title: `Move ${resource.name}`,
      content: [
        h(
          'p',
          {},
          `There is no other ${provider} credential to move it to. Add ${withArticle(resource.provider)} credential first, then come back.`,
        ),
        h('p', {}, h('a', { href: '#/' }, 'Go to the credentials and their add form')),
        h('div', { class: 'dialog-actions' }, cancel),
      ],
      initialFocus: cancel,
      returnFocusTo: options.opener,
    });
    cancel.addEventListener('click', () => dialog.close());
    dialog.element.querySelector('a')?.addEventListener('click', () => dialog.close());
    return;
  }
  const target = selectField({
    label: `New ${provider} credential`,
    name: 'credentialId',
    choices: targets.map((credential) => ({ value: credential.id, label: `${credential.name} (${credential.hint})` })),
  });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Move resource');
  const description = h(
    'p',
    { id: uniqueId('move-description') },
    `${resource.name} will use the credential you choose. Verify it afterwards: the move resets its check.`,
  );
  const form = h(
    'form',
    { novalidate: true },
    description,
    alert,
    target.root,
    h('div', { class: 'dialog-actions' }, cancel, submit),
  );
  const dialog = openModalDialog({ title: `Move ${resource.name}`, content: [form], returnFocusTo: options.opener });
  cancel.addEventListener('click', () => dialog.close());
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (submit.getAttribute('aria-disabled') === 'true') return;
    submit.setAttribute('aria-disabled', 'true');
    alert.hidden = true;
    try {
      options.onMoved(await options.api.update(resource.id, { credentialId: target.control.value }));
      dialog.close();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      alert.textContent = `${resource.name} was not moved. ${problemText(error)}`;
      alert.hidden = false;
    } finally {
      submit.removeAttribute('aria-disabled');
    }
  });
}

/** Confirms deleting a resource; focus starts on Cancel. */
export function openDeleteResourceDialog(options: DialogBase & { onDeleted(resource: Resource): void }): void {
  const { resource } = options;
  const description = h(
    'p',
    { id: uniqueId('delete-resource-description') },
    `“${resource.name}” will no longer be managed by EntryGuard. Nothing changes in ${providerLabel(resource.provider)} itself.`,
  );
  const alert = h('p', { class: 'form-alert', role: 'alert', hidden: true });
  const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
  const confirm = h('button', { type: 'button', class: 'danger' }, 'Delete resource');
  const dialog = openModalDialog({
    title: `Delete ${resource.name}?`,
    content: [description, alert, h('div', { class: 'dialog-actions' }, cancel, confirm)],
    initialFocus: cancel,
    returnFocusTo: options.opener,
  });
  dialog.element.setAttribute('role', 'alertdialog');
  dialog.element.setAttribute('aria-describedby', description.id);
  cancel.addEventListener('click', () => dialog.close());
  confirm.addEventListener('click', async () => {
    if (confirm.getAttribute('aria-disabled') === 'true') return;
    confirm.setAttribute('aria-disabled', 'true');
    try {
      await options.api.remove(resource.id);
      options.onDeleted(resource);
      dialog.close();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.code === 'RESOURCE_NOT_FOUND') {
        options.onDeleted(resource);
        dialog.close();
        return;
      }
      alert.textContent = problemText(error);
      alert.hidden = false;
    } finally {
      confirm.removeAttribute('aria-disabled');
    }
  });
}
