import type { CredentialData } from '../api/credentials-api.ts';
import { h, uniqueId } from '../ui/dom.ts';
import { formField } from '../ui/form-field.ts';
import type { CredentialInput } from './credential-input.ts';

/** The GCP service-account key: pasted as JSON or uploaded as the key file Google gives out. */
export function gcpKeyInput(): CredentialInput {
  const pasted = formField({
    label: 'Paste the key JSON',
    name: 'keyJson',
    multiline: true,
    help: 'The whole key file from IAM ▸ Service accounts ▸ Keys, starting with {"type": "service_account", …}.',
  });
  // The key is needed, but pasted or uploaded: neither control alone is required.
  pasted.control.required = false;
  const fileId = uniqueId('field-keyFile');
  const status = h('p', { id: `${fileId}-status`, class: 'field-help', 'aria-live': 'polite' });
  const file = h('input', {
    id: fileId,
    type: 'file',
    name: 'keyFile',
    accept: '.json,application/json',
    'aria-describedby': `${status.id} ${pasted.control.id}-error`,
  });
  file.addEventListener('change', () => {
    pasted.setError(null);
    const chosen = file.files?.[0];
    if (!chosen) {
      status.textContent = '';
      return;
    }
    void chosen.text().then((text) => {
      const key = parseKey(text);
      if (typeof key === 'string') pasted.setError(key);
      else
        status.textContent = `Using ${chosen.name}${typeof key.client_email === 'string' ? ` for ${key.client_email}` : ''}.`;
    });
  });
  const root = h(
    'fieldset',
    { class: 'kind-fields' },
    h('legend', {}, 'Service account key'),
    pasted.root,
    h('div', { class: 'field' }, h('label', { for: fileId }, 'Or upload the key file'), file, status),
  );

  return {
    root,
    async read() {
      const chosen = file.files?.[0];
      const text = chosen ? await chosen.text() : pasted.control.value;
      const key = parseKey(text);
      if (typeof key !== 'string') return key;
      pasted.setError(key);
      (chosen ? file : pasted.control).focus();
      return undefined;
    },
    showErrors(errors) {
      const paths = Object.keys(errors).filter(
        (path) => path === 'credentialData' || path.startsWith('credentialData.'),
      );
      const messages = paths.map((path) =>
        path === 'credentialData' ? errors[path] : `${path.slice('credentialData.'.length)}: ${errors[path]}`,
      );
      pasted.setError(messages.length > 0 ? `The key file was refused. ${messages.join('; ')}` : null);
      return paths.map((path) => ({ path, control: pasted.control }));
    },
    // A new key file replaces the whole old one: nothing of it is kept.
    keptValues: () => ({}),
    prefill: () => undefined,
    clear() {
      pasted.control.value = '';
      file.value = '';
      status.textContent = '';
      pasted.setError(null);
    },
  };
}

function parseKey(text: string): CredentialData | string {
  if (text.trim() === '') return 'Paste the key JSON or upload the key file.';
  try {
    const key: unknown = JSON.parse(text);
    if (typeof key === 'object' && key !== null && !Array.isArray(key)) return key as CredentialData;
  } catch {
    // Reported below: the text is not the JSON object a key file holds.
  }
  return 'This is not a service-account key file: it must be the JSON object Google Cloud gives out.';
}
