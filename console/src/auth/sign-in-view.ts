import { h } from '../ui/dom.ts';
import { formField } from '../ui/form-field.ts';
import { looksLikeJwt } from './token-store.ts';

/** Asks for an ORG_ADMIN token when the host did not provide one. */
export function signInView(options: { notice: string | null; onToken(token: string): void }): HTMLElement {
  const field = formField({
    label: 'Access token',
    name: 'token',
    secret: true,
    help: 'A JWT with the ORG_ADMIN role from your organization’s sign-in. It is kept in this browser tab only and forgotten when the tab closes.',
  });
  const notice = h('p', { class: 'form-alert', role: 'alert', hidden: options.notice === null }, options.notice ?? '');
  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'sign-in-heading' },
    notice,
    field.root,
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = field.control.value.trim();
    field.control.value = '';
    if (!looksLikeJwt(token)) {
      field.setError('Paste the whole token: three dot-separated parts (a JWT).');
      field.control.focus();
      return;
    }
    options.onToken(token);
  });
  queueMicrotask(() => field.control.focus());
  return h('section', { class: 'card sign-in' }, h('h2', { id: 'sign-in-heading' }, 'Sign in'), form);
}
