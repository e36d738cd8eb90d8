import { ApiError, problemText } from '../api/api-error.ts';
import type { Credential, CredentialsApi } from '../api/credentials-api.ts';
import { h } from '../ui/dom.ts';
import { hideSummary, type PlacedError, showErrorSummary } from '../ui/error-summary.ts';
import { formField, selectField } from '../ui/form-field.ts';
import { awsRoleSetup } from './aws-role-setup.ts';
import { type CredentialInput, credentialInput } from './credential-input.ts';
import { kindForm, PROVIDER_FORMS, providerForm } from './credential-kinds.ts';
import type { KeptFields } from './kept-fields.ts';

export interface AddCredentialFormOptions {
  api: CredentialsApi;
  kept: KeptFields;
  /** The credential was added: the page shows it, confirms it and moves focus to its row. */
  onAdded(credential: Credential): void;
}

/**
 * Name, provider, type and the provider's own fields. Every validation message of the API appears at once: next to
 * the field it names, and all of them in a summary on top (a message for a field the form does not show appears
 * there only). After a credential is added every field is emptied, so its secret is gone from the page.
 */
export function addCredentialForm(options: AddCredentialFormOptions): HTMLElement {
  const name = formField({ label: 'Name', name: 'name', help: 'Up to 128 characters, unique in your organization.' });
  const provider = selectField({
    label: 'Provider',
    name: 'provider',
    choices: [
      { value: '', label: 'Choose a provider…' },
      ...PROVIDER_FORMS.map((form) => ({ value: form.provider, label: form.label })),
    ],
  });
  const type = selectField({ label: 'Type', name: 'credentialType', choices: [] });
  const kindSlot = h('div');
  const summary = h('div', { class: 'form-alert', role: 'alert', tabindex: '-1', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Add credential');
  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'add-heading' },
    summary,
    name.root,
    h('div', { class: 'field-row' }, provider.root, type.root),
    kindSlot,
    h('p', { class: 'muted' }, 'Secrets are stored encrypted and are never shown again after they are added.'),
    submit,
  );
  let input: CredentialInput | undefined;

  const renderKind = () => {
    input?.clear();
    const kind = kindForm(provider.control.value, type.control.value);
    input = kind ? credentialInput(kind) : undefined;
    const setup =
      provider.control.value === 'AWS' && type.control.value === 'ASSUME_ROLE' ? awsRoleSetup(options.api) : null;
    kindSlot.replaceChildren(
      ...[setup, input?.root].filter((node): node is HTMLElement => node !== null && node !== undefined),
    );
  };
  const renderTypes = () => {
    const kinds = providerForm(provider.control.value)?.kinds ?? [];
    type.setChoices(
      kinds.length === 0
        ? [{ value: '', label: 'Choose a provider first' }]
        : kinds.map((kind) => ({ value: kind.credentialType, label: kind.label })),
    );
    type.control.disabled = kinds.length === 0;
    renderKind();
  };
  provider.control.addEventListener('change', () => {
    // "Choose a provider." answered the empty choice; any choice answers it.
    if (provider.control.value !== '') provider.setError(null);
    renderTypes();
  });
  type.control.addEventListener('change', renderKind);
  renderTypes();

  const clearErrors = () => {
    hideSummary(summary);
    for (const field of [name, provider, type]) field.setError(null);
    input?.showErrors({});
  };

  const showFailure = (error: unknown) => {
    if (!(error instanceof ApiError)) throw error;
    const lead = 'The credential was not added.';
    if (error.code === 'CREDENTIAL_NAME_CONFLICT') {
      name.setError(error.message);
      showErrorSummary(summary, lead, { name: error.message }, [{ path: 'name', control: name.control }]).focus();
      return;
    }
    const errors = error.validationErrors;
    if (Object.keys(errors).length === 0) {
      showErrorSummary(summary, `${lead} ${problemText(error)}`, {}, []).focus();
      return;
    }
    const placed: PlacedError[] = [];
    for (const [path, field] of [
      ['name', name],
      ['provider', provider],
      ['credentialType', type],
    ] as const) {
      field.setError(errors[path] ?? null);
      if (errors[path] !== undefined) placed.push({ path, control: field.control });
    }
    placed.push(...(input?.showErrors(errors) ?? []));
    showErrorSummary(summary, lead, errors, placed).focus();
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (form.getAttribute('aria-busy') === 'true') return;
    clearErrors();
    if (!input) {
      provider.setError('Choose a provider.');
      provider.control.focus();
      return;
    }
    void submitCredential(input);
  });

  async function submitCredential(current: CredentialInput): Promise<void> {
    const credentialData = await current.read();
    if (!credentialData) return;
    form.setAttribute('aria-busy', 'true');
    // aria-disabled rather than disabled: a disabled button would drop keyboard focus to the page.
    submit.setAttribute('aria-disabled', 'true');
    try {
      const credential = await options.api.create({
        name: name.control.value,
        provider: provider.control.value as Credential['provider'],
        credentialType: type.control.value,
        credentialData,
      });
      options.kept.keep(credential.id, current.keptValues());
      form.reset();
      renderTypes();
      options.onAdded(credential);
    } catch (error) {
      showFailure(error);
    } finally {
      form.removeAttribute('aria-busy');
      submit.removeAttribute('aria-disabled');
    }
  }

  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'add-heading', id: 'add-credential' },
    h('h2', { id: 'add-heading' }, 'Add a credential'),
    form,
  );
}
