import { ApiError } from '../api/api-error.ts';
import type { Credential, CredentialsApi } from '../api/credentials-api.ts';
import { h } from '../ui/dom.ts';
import { openModalDialog } from '../ui/modal-dialog.ts';
import { credentialInput } from './credential-input.ts';
import { kindForm, providerLabel } from './credential-kinds.ts';

export interface RotateDialogOptions {
  api: CredentialsApi;
  credential: Credential;
  opener: HTMLElement;
  onRotated(credential: Credential): void;
}

/** Replaces a credential's secret in place (`PATCH`): same id, so the resources that use it keep working. */
export function openRotateDialog(options: RotateDialogOptions): void {
  const { credential } = options;
  const kind = kindForm(credential.provider, credential.credentialType);
  if (!kind) return;
  const input = credentialInput(kind);
  const alert = h('p', { class: 'form-alert', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Rotate secret');
  const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
  const form = h(
    'form',
    { novalidate: true },
    h(
      'p',
      {},
      `Enter the new ${providerLabel(credential.provider)} secret. The old one is replaced, the credential is checked again, and resources keep using it.`,
    ),
    alert,
    input.root,
    h('div', { class: 'dialog-actions' }, cancel, submit),
  );
  const dialog = openModalDialog({
    title: `Rotate ${credential.name}`,
    content: [form],
    returnFocusTo: options.opener,
  });
  dialog.element.addEventListener('close', () => input.clear());
  cancel.addEventListener('click', () => dialog.close());

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (submit.getAttribute('aria-disabled') === 'true') return;
    alert.hidden = true;
    input.showErrors({});
    const credentialData = await input.read();
    if (!credentialData) return;
    submit.setAttribute('aria-disabled', 'true');
    try {
      options.onRotated(await options.api.rotate(credential.id, credentialData));
      dialog.close();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const placed = input.showErrors(error.validationErrors);
      if (placed[0]) {
        placed[0].control.focus();
      } else {
        alert.textContent = `The secret was not rotated. ${error.message}`;
        alert.hidden = false;
      }
    } finally {
      submit.removeAttribute('aria-disabled');
    }
  });
}
