import { ApiError, problemText } from '../api/api-error.ts';
import type { Credential, CredentialsApi } from '../api/credentials-api.ts';
import type { ResourcesApi } from '../api/resources-api.ts';
import { resourceTypeLabel } from '../resources/resource-kinds.ts';
import { h, uniqueId } from '../ui/dom.ts';
import { openModalDialog } from '../ui/modal-dialog.ts';
import { credentialHref } from './credential-row.ts';

export interface DeleteDialogOptions {
  api: CredentialsApi;
  resources: ResourcesApi;
  credential: Credential;
  opener: HTMLElement;
  onDeleted(credential: Credential): void;
}

export function resourceHref(credentialId: string, resourceId: string): string {
  return `${credentialHref(credentialId)}/resources/${encodeURIComponent(resourceId)}`;
}

/**
 * Confirms a delete. Focus starts on Cancel, the safe choice. A refusal (`CREDENTIAL_IN_USE`) is shown inside the
 * dialog, which stays open, with the resources that still use the credential, each linked to where it can be
 * moved to another credential or deleted.
 */
export function openDeleteDialog(options: DeleteDialogOptions): void {
  const { credential } = options;
  const description = h(
    'p',
    { id: uniqueId('delete-description') },
    `“${credential.name}” will be deleted permanently. Resources that use it must be deleted or moved to another credential first.`,
  );
  const alert = h('p', { class: 'form-alert', role: 'alert', hidden: true });
  const linkedList = h('div', { class: 'linked', hidden: true });
  const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
  const confirm = h('button', { type: 'button', class: 'danger' }, 'Delete credential');
  const dialog = openModalDialog({
    title: `Delete ${credential.name}?`,
    content: [description, alert, linkedList, h('div', { class: 'dialog-actions' }, cancel, confirm)],
    initialFocus: cancel,
    returnFocusTo: options.opener,
  });
  dialog.element.setAttribute('role', 'alertdialog');
  dialog.element.setAttribute('aria-describedby', description.id);

  const showLinked = async (message: string) => {
    alert.textContent = message;
    alert.hidden = false;
    const linked = await options.resources.listFor(credential.id).catch(() => undefined);
    linkedList.hidden = !linked || linked.length === 0;
    if (!linked || linked.length === 0) return;
    linkedList.replaceChildren(
      h('p', {}, 'Move each to another credential, or delete it, from its credential’s page:'),
      h(
        'ul',
        { class: 'linked-resources' },
        ...linked.map((resource) => {
          const link = h(
            'a',
            { href: resourceHref(credential.id, resource.id) },
            `${resource.name} (${resourceTypeLabel(resource.provider, resource.resourceType)} ${resource.resourceIdentifier})`,
          );
          // Following the link leaves the dialog: close it first so the page behind is usable again.
          link.addEventListener('click', () => dialog.close());
          return h('li', {}, link);
        }),
      ),
    );
  };

  cancel.addEventListener('click', () => dialog.close());
  confirm.addEventListener('click', async () => {
    if (confirm.getAttribute('aria-disabled') === 'true') return;
    confirm.setAttribute('aria-disabled', 'true');
    try {
      await options.api.remove(credential.id);
      options.onDeleted(credential);
      dialog.close();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.code === 'CREDENTIAL_NOT_FOUND') {
        options.onDeleted(credential);
        dialog.close();
        return;
      }
      if (error.code === 'CREDENTIAL_IN_USE') await showLinked(error.message);
      else {
        alert.textContent = problemText(error);
        alert.hidden = false;
      }
    } finally {
      confirm.removeAttribute('aria-disabled');
    }
  });
}
