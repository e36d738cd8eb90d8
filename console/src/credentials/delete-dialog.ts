import { ApiError } from '../api/api-error.ts';
import type { Credential, CredentialsApi } from '../api/credentials-api.ts';
import { h, uniqueId } from '../ui/dom.ts';
import { openModalDialog } from '../ui/modal-dialog.ts';

export interface DeleteDialogOptions {
  api: CredentialsApi;
  credential: Credential;
  opener: HTMLElement;
  onDeleted(credential: Credential): void;
}

/**
 * Confirms a delete. Focus starts on Cancel, the safe choice; a refusal (`CREDENTIAL_IN_USE`) is shown inside the
 * dialog, which stays open.
 */
export function openDeleteDialog(options: DeleteDialogOptions): void {
  const { credential } = options;
  const description = h(
    'p',
    { id: uniqueId('delete-description') },
    `“${credential.name}” will be deleted permanently. Resources that use it must be deleted or moved to another credential first.`,
  );
  const alert = h('p', { class: 'form-alert', role: 'alert', hidden: true });
  const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
  const confirm = h('button', { type: 'button', class: 'danger' }, 'Delete credential');
  const dialog = openModalDialog({
    title: `Delete ${credential.name}?`,
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
      alert.textContent = error.message;
      alert.hidden = false;
    } finally {
      confirm.removeAttribute('aria-disabled');
    }
  });
}
