import { ApiError } from '../api/api-error.ts';
import type { Credential, CredentialsApi } from '../api/credentials-api.ts';
import { announce } from '../ui/announcer.ts';
import { h } from '../ui/dom.ts';
import { formField, selectField } from '../ui/form-field.ts';
import { awsRoleSetup } from './aws-role-setup.ts';
import { type CredentialInput, credentialInput } from './credential-input.ts';
import { kindForm, PROVIDER_FORMS, providerForm, providerLabel } from './credential-kinds.ts';

export interface AddCredentialFormOptions {
  api: CredentialsApi;
  onAdded(credential: Credential): void;
}

/**
 * Name, provider, type and the provider's own fields. The API's validation messages appear next to the fields they
 * name; after a credential is added every field is emptied, so its secret is gone from the page.
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
  const alert = h('div', { class: 'form-alert', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Add credential');
  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'add-heading' },
    alert,
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
  provider.control.addEventListener('change', renderTypes);
  type.control.addEventListener('change', renderKind);
  renderTypes();

  const clearErrors = () => {
    alert.hidden = true;
    alert.replaceChildren();
    for (const field of [name, provider, type]) field.setError(null);
    input?.showErrors({});
  };

  const showFailure = (error: unknown) => {
    if (!(error instanceof ApiError)) throw error;
    if (error.code === 'CREDENTIAL_NAME_CONFLICT') {
      name.setError(error.message);
      name.control.focus();
      return;
    }
    const errors = error.validationErrors;
    const invalid: HTMLElement[] = [];
    for (const [path, field] of [
      ['name', name],
      ['provider', provider],
      ['credentialType', type],
    ] as const) {
      field.setError(errors[path] ?? null);
      if (errors[path] !== undefined) invalid.push(field.control);
    }
    const placed = input?.showErrors(errors) ?? [];
    invalid.push(...placed.map((entry) => entry.control));
    const shown = new Set(['name', 'provider', 'credentialType', ...placed.map((entry) => entry.path)]);
    const others = Object.entries(errors).filter(([path]) => !shown.has(path));
    alert.replaceChildren(
      h(
        'p',
        {},
        invalid.length > 0
          ? 'The credential was not added. Check the fields marked below.'
          : `The credential was not added. ${error.message}`,
      ),
    );
    if (others.length > 0)
      alert.append(h('ul', {}, ...others.map(([path, message]) => h('li', {}, `${path}: ${message}`))));
    alert.hidden = false;
    invalid[0]?.focus();
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
      form.reset();
      renderTypes();
      announce(`Added ${credential.name}. Checking it with ${providerLabel(credential.provider)}…`);
      options.onAdded(credential);
      name.control.focus();
    } catch (error) {
      showFailure(error);
    } finally {
      form.removeAttribute('aria-busy');
      submit.removeAttribute('aria-disabled');
    }
  }

  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'add-heading' },
    h('h2', { id: 'add-heading' }, 'Add a credential'),
    form,
  );
}
