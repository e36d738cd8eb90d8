import { announce } from './announcer.ts';
import { h } from './dom.ts';

/** A "Copy" button for a block of text (a policy, a command); says it worked, or how to copy by hand. */
export function copyButton(label: string, text: () => string): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'secondary small' }, 'Copy');
  button.setAttribute('aria-label', `Copy ${label}`);
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text());
      button.textContent = 'Copied';
      announce(`Copied ${label} to the clipboard.`);
    } catch {
      announce(`The browser did not allow copying. Select the ${label} and copy it with the keyboard.`);
    }
    window.setTimeout(() => {
      button.textContent = 'Copy';
    }, 2000);
  });
  return button;
}
