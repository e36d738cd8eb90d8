import type { CredentialData } from '../api/credentials-api.ts';
import { h } from '../ui/dom.ts';
import type { PlacedError } from '../ui/error-summary.ts';
import { type FormField, formField } from '../ui/form-field.ts';
import type { KindForm } from './credential-kinds.ts';
import { gcpKeyInput } from './gcp-key-input.ts';

export type { PlacedError };

/** The provider's own fields of one credential kind, as used by the add form and the rotate dialog. */
export interface CredentialInput {
  root: HTMLElement;
  /** The credentialData to send, or `undefined` after showing why it cannot be read. */
  read(): Promise<CredentialData | undefined>;
  /** Shows the API's `credentialData.*` validation messages next to the fields; returns where each went. */
  showErrors(errors: Record<string, string>): PlacedError[];
  /** The values of the fields that are not secret (what a rotation keeps), from the last `read()`. */
  keptValues(): Record<string, string>;
  /** Fills fields that are not secret; secret fields are never filled. */
  prefill(values: Record<string, string>): void;
  /** Empties every field, secrets included. */
  clear(): void;
}

export function credentialInput(kind: KindForm): CredentialInput {
  if (kind.input === 'gcp-key-file') return gcpKeyInput();
  const fields = new Map<string, FormField>(kind.input.map((options) => [options.name, formField(options)]));
  const secret = new Set(kind.input.filter((options) => options.secret).map((options) => options.name));
  return {
    root: h(
      'fieldset',
      { class: 'kind-fields' },
      h('legend', {}, kind.label),
      ...[...fields.values()].map((field) => field.root),
    ),
    async read() {
      const data: CredentialData = {};
      for (const [name, field] of fields) {
        const value = secret.has(name) ? field.control.value : field.control.value.trim();
        // Left out when empty, so the API answers "Required" for a required field.
        if (value !== '') data[name] = value;
      }
      return data;
    },
    showErrors(errors) {
      const placed: PlacedError[] = [];
      for (const [name, field] of fields) {
        const path = `credentialData.${name}`;
        const message = errors[path] ?? null;
        field.setError(message);
        if (message !== null) placed.push({ path, control: field.control });
      }
      return placed;
    },
    keptValues() {
      const kept: Record<string, string> = {};
      for (const [name, field] of fields) {
        const value = field.control.value.trim();
        if (!secret.has(name) && value !== '') kept[name] = value;
      }
      return kept;
    },
    prefill(values) {
      for (const [name, field] of fields) {
        const value = values[name];
        if (!secret.has(name) && value !== undefined) field.control.value = value;
      }
    },
    clear() {
      for (const field of fields.values()) {
        field.control.value = '';
        field.setError(null);
      }
    },
  };
}
