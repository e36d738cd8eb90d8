import { h } from '../ui/dom.ts';
import type { CredentialStore } from './credential-store.ts';

/** A calm line while the API asks the page to wait (429): polling resumes by itself, nothing is lost. */
export function pauseNotice(store: CredentialStore) {
  const element = h('p', { class: 'notice', role: 'status', hidden: true });
  return {
    element,
    render() {
      const until = store.state.pausedUntil;
      element.hidden = until === null;
      if (until === null) return;
      const seconds = Math.max(1, Math.ceil((until - Date.now()) / 1000));
      element.textContent = `Status updates are paused for about ${seconds} s: your organization has used its API requests for this minute. Nothing is lost; the page goes on by itself.`;
    },
  };
}
