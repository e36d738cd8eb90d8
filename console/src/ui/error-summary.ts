import { h } from './dom.ts';

/** A message the form showed at one of its fields: the path it answered and the control it went to. */
export interface PlacedError {
  path: string;
  control: HTMLElement;
}

/** A field of a form that shows the API's message for one path. */
export interface ErrorField {
  control: HTMLElement;
  setError(message: string | null): void;
}

/** Sets (or clears) each field's message from the API's `validationErrors`; answers those placed, in form order. */
export function placeErrors(fields: ReadonlyMap<string, ErrorField>, errors: Record<string, string>): PlacedError[] {
  const placed: PlacedError[] = [];
  for (const [path, field] of fields) {
    field.setError(errors[path] ?? null);
    if (errors[path] !== undefined) placed.push({ path, control: field.control });
  }
  return placed;
}

/**
 * Every message of a `400 VALIDATION_ERROR` at once: the fields already show theirs (`placed`); the summary at the top
 * of the form lists all of them, each linked to its field, and a message for a field the form does not show appears
 * there only. Answers what to focus: the first field with a message, else the summary.
 */
export function showErrorSummary(
  summary: HTMLElement,
  lead: string,
  errors: Record<string, string>,
  placed: readonly PlacedError[],
): HTMLElement {
  const at = new Map(placed.map((entry) => [entry.path, entry.control]));
  const entries = Object.entries(errors);
  const items = entries.map(([path, message]) => {
    const control = at.get(path);
    if (!control) return h('li', {}, `${fieldName(path)}: ${message}`);
    const link = h('a', { href: `#${control.id}` }, `${labelOf(control) ?? fieldName(path)}: ${message}`);
    link.addEventListener('click', (event) => {
      event.preventDefault();
      control.focus();
    });
    return h('li', {}, link);
  });
  const count = entries.length === 1 ? 'One field needs a change:' : `${entries.length} fields need a change:`;
  summary.replaceChildren(h('p', {}, entries.length > 0 ? `${lead} ${count}` : lead));
  if (items.length > 0) summary.append(h('ul', {}, ...items));
  summary.hidden = false;
  return placed[0]?.control ?? summary;
}

export function hideSummary(summary: HTMLElement): void {
  summary.hidden = true;
  summary.replaceChildren();
}

function labelOf(control: HTMLElement): string | undefined {
  const label = (control as HTMLInputElement).labels?.[0];
  return label?.firstChild?.textContent?.trim() || undefined;
}

/** `credentialData.teamId` → `teamId`; `body` → `The request`. */
function fieldName(path: string): string {
  if (path === 'body') return 'The request';
  return path.replace(/^(credentialData|config)\./, '');
}
