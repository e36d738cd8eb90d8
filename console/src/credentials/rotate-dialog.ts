import { ApiError, problemText } from '../api/api-error.ts';
import type { Credential, CredentialsApi } from '../api/credentials-api.ts';
import { h } from '../ui/dom.ts';
import { hideSummary, showErrorSummary } from '../ui/error-summary.ts';
import { openModalDialog } from '../ui/modal-dialog.ts';
import { credentialInput } from './credential-input.ts';
import { kindForm, providerLabel } from './credential-kinds.ts';
import type { KeptFields } from './kept-fields.ts';

export interface RotateDialogOptions {
  api: CredentialsApi;
  kept: KeptFields;
  credential: Credential;
  opener: HTMLElement;
  onRotated(credential: Credential): void;
}

/**
 * Replaces a credential's secret in place (`PATCH`): same id, so the resources that use it keep working. The fields
 * that are not secret (an Admin API URL, a subscription ID) come filled in with what the page knows of them.
 */
export function openRotateDialog(options: RotateDialogOptions): void {
  const { credential } = options;
  const kind = kindForm(credential.provider, credential.credentialType);
  if (!kind) return;
  const input = credentialInput(kind);
  const kept = options.kept.of(credential);
  input.prefill(kept);
  const summary = h('div', { class: 'form-alert', role: 'alert', tabindex: '-1', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Rotate secret');
  const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
  const keeps = Object.keys(kept).length > 0 ? ' The fields that are not secret are filled in as they were.' : '';
  const form = h(
    'form',
    { novalidate: true },
    h(
      'p',
      {},
      `Enter the new ${providerLabel(credential.provider)} secret. The old one is replaced, the credential is checked again, and resources keep using it.${keeps}`,
    ),
    summary,
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
    hideSummary(summary);
    input.showErrors({});
    const credentialData = await input.read();
    if (!credentialData) return;
    submit.setAttribute('aria-disabled', 'true');
    try {
      const rotated = await options.api.rotate(credential.id, credentialData);
      options.kept.keep(credential.id, input.keptValues());
      options.onRotated(rotated);
      dialog.close();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const lead = 'The secret was not rotated.';
      const errors = error.validationErrors;
      if (Object.keys(errors).length === 0) showErrorSummary(summary, `${lead} ${problemText(error)}`, {}, []).focus();
      else showErrorSummary(summary, lead, errors, input.showErrors(errors)).focus();
    } finally {
      submit.removeAttribute('aria-disabled');
    }
  });
}
