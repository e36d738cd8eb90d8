import { ApiError } from '../api/api-error.ts';
import type { Credential } from '../api/credentials-api.ts';
import type { Resource, ResourcesApi } from '../api/resources-api.ts';
import { h } from '../ui/dom.ts';
import { hideSummary, showErrorSummary } from '../ui/error-summary.ts';
import { selectField } from '../ui/form-field.ts';
import { showRefusal } from './resource-dialogs.ts';
import { type ResourceInput, resourceInput } from './resource-input.ts';
import { resourceForm, resourceForms } from './resource-kinds.ts';

/** Adds a resource that uses this credential (`POST /resources`); it starts inactive until verified. */
export function addResourceForm(options: {
  api: ResourcesApi;
  credential: Credential;
  onAdded(resource: Resource): void;
}): HTMLElement {
  const { credential } = options;
  const kinds = resourceForms(credential.provider);
  const type = selectField({
    label: 'Resource type',
    name: 'resourceType',
    choices: kinds.map((kind) => ({ value: kind.resourceType, label: kind.label })),
  });
  const slot = h('div');
  const summary = h('div', { class: 'form-alert', role: 'alert', tabindex: '-1', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Add resource');
  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'add-resource-heading' },
    summary,
    type.root,
    slot,
    submit,
  );
  let input: ResourceInput | undefined;
  const renderKind = () => {
    const kind = resourceForm(credential.provider, type.control.value);
    input = kind ? resourceInput(kind) : undefined;
    slot.replaceChildren(...(input ? [input.root] : []));
  };
  type.control.addEventListener('change', renderKind);
  renderKind();

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!input || submit.getAttribute('aria-disabled') === 'true') return;
    const current = input;
    hideSummary(summary);
    const lead = 'The resource was not added.';
    const { values, problems } = current.read();
    if (Object.keys(problems).length > 0) {
      showErrorSummary(summary, lead, problems, current.showErrors(problems)).focus();
      return;
    }
    current.showErrors({});
    submit.setAttribute('aria-disabled', 'true');
    try {
      const resource = await options.api.create({
        ...values,
        provider: credential.provider,
        credentialId: credential.id,
        resourceType: type.control.value,
      });
      current.clear();
      options.onAdded(resource);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      showRefusal(summary, lead, error, current.showErrors).focus();
    } finally {
      submit.removeAttribute('aria-disabled');
    }
  });

  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'add-resource-heading' },
    h('h2', { id: 'add-resource-heading' }, 'Add a resource'),
    kinds.length === 0 ? h('p', { class: 'muted' }, 'This provider has no resource types yet.') : form,
  );
}
