/** How a form asks for one field: no DOM types, so the field lists can be checked outside a browser. */
export interface FieldOptions {
  label: string;
  name: string;
  required?: boolean;
  /** Masked on screen and never autofilled or spell-checked. */
  secret?: boolean;
  multiline?: boolean;
  type?: 'text' | 'url';
  help?: string;
  placeholder?: string;
  /** The on-screen keyboard to offer (`numeric` for ports and priorities). */
  inputMode?: 'numeric';
}
