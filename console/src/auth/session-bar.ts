import { h } from '../ui/dom.ts';
import { tokenClaims } from './token-store.ts';

/** Who the page acts as, from the token's claims, and a way to drop the token. */
export function sessionBar(options: { token: string; development: boolean; onSignOut(): void }): HTMLElement {
  const claims = tokenClaims(options.token);
  const signOut = h('button', { type: 'button', class: 'secondary small' }, 'Sign out');
  signOut.addEventListener('click', options.onSignOut);
  return h(
    'div',
    { class: 'session-bar' },
    h('span', {}, claims.email ?? 'Signed in'),
    claims.orgId ? h('span', { class: 'muted' }, `Organization ${claims.orgId}`) : null,
    options.development ? h('span', { class: 'tag' }, 'Development token') : null,
    signOut,
  );
}
