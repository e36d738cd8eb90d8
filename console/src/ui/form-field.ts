import { h, uniqueId } from './dom.ts';
import type { FieldOptions } from './field-options.ts';

export type { FieldOptions };

type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

export interface FormField<C extends Control = HTMLInputElement | HTMLTextAreaElement> {
  root: HTMLElement;
  control: C;
  setError(message: string | null): void;
}

/** A labelled input with its help text and an error message tied to it through `aria-describedby`. */
export function formField(options: FieldOptions): FormField {
  const id = uniqueId(`field-${options.name}`);
  const helpId = options.help ? `${id}-help` : undefined;
  const common = {
    id,
    name: options.name,
    required: options.required ?? true,
    placeholder: options.placeholder,
    inputmode: options.inputMode,
    spellcheck: 'false',
    autocapitalize: 'off',
  };
  const control = options.multiline
    ? h('textarea', { ...common, rows: 6, autocomplete: 'off' })
    : h('input', {
        ...common,
        type: options.secret ? 'password' : (options.type ?? 'text'),
        autocomplete: options.secret ? 'new-password' : 'off',
      });
  const optional = options.required === false ? h('span', { class: 'optional' }, ' (optional)') : null;
  const help = helpId ? h('p', { id: helpId, class: 'field-help' }, options.help) : null;
  return withError(control, h('label', { for: id }, options.label, optional), help);
}

export interface Choice {
  value: string;
  label: string;
}

/** A labelled `<select>`; `setChoices` replaces its options. */
export function selectField(options: { label: string; name: string; choices: Choice[] }) {
  const id = uniqueId(`field-${options.name}`);
  const control = h('select', { id, name: options.name, required: true });
  const field = withError(control, h('label', { for: id }, options.label), null);
  const setChoices = (choices: Choice[]) =>
    control.replaceChildren(...choices.map((choice) => h('option', { value: choice.value }, choice.label)));
  setChoices(options.choices);
  return { ...field, setChoices };
}

function withError<C extends Control>(control: C, label: HTMLLabelElement, help: HTMLElement | null): FormField<C> {
  const errorId = `${control.id}-error`;
  control.setAttribute('aria-describedby', [help?.id, errorId].filter(Boolean).join(' '));
  const error = h('p', { id: errorId, class: 'field-error', hidden: true });
  return {
    root: h('div', { class: 'field' }, label, help, control, error),
    control,
    setError(message) {
      error.textContent = message ?? '';
      error.hidden = message === null;
      if (message === null) control.removeAttribute('aria-invalid');
      else control.setAttribute('aria-invalid', 'true');
    },
  };
}
