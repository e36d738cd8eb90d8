import type { Credential } from '../api/credentials-api.ts';
import { h } from '../ui/dom.ts';

const BADGES: Record<Credential['status'], { text: string; symbol: string }> = {
  VALID: { text: 'Valid', symbol: '✓' },
  INVALID: { text: 'Invalid', symbol: '✕' },
  UNVERIFIED: { text: 'Unverified', symbol: '○' },
};

/** Colour, a symbol and the word itself, so the status never depends on colour alone. */
export function statusBadge(status: Credential['status']): HTMLElement {
  const badge = BADGES[status];
  return h(
    'span',
    { class: `badge badge-${status.toLowerCase()}` },
    h('span', { 'aria-hidden': 'true' }, badge.symbol),
    ' ',
    badge.text,
  );
}

export function statusBadgeText(status: Credential['status']): string {
  return BADGES[status].text;
}
