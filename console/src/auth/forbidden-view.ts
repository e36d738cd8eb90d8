import { h } from '../ui/dom.ts';

/** The one state for a signed-in user the API refuses with 403: what is missing and how to get it. */
export function forbiddenView(options: { email: string | undefined; onSignOut(): void }): HTMLElement {
  const signOut = h('button', { type: 'button', class: 'secondary' }, 'Sign in with another token');
  signOut.addEventListener('click', options.onSignOut);
  const heading = h('h2', { id: 'forbidden-heading', tabindex: '-1' }, 'You need the ORG_ADMIN role');
  queueMicrotask(() => heading.focus());
  return h(
    'section',
    { class: 'card sign-in', 'aria-labelledby': 'forbidden-heading' },
    heading,
    h(
      'p',
      {},
      `${options.email ?? 'This account'} is signed in, but the API lets only an organization’s admins (the ORG_ADMIN role) see and manage its cloud credentials.`,
    ),
    h('p', {}, 'Ask an admin of your organization for the role, then sign in again.'),
    signOut,
  );
}
