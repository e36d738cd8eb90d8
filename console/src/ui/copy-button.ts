import { announce } from './announcer.ts';
import { h } from './dom.ts';

/** A "Copy" button for a block of text (a policy, a command); says it worked, or how to copy by hand. */
export function copyButton(label: string, text: () => string): HTMLButtonElement {
  // The visible word is part of the accessible name ("Copy policy"), as WCAG's label-in-name asks.
  const word = h('span', {}, 'Copy');
  const button = h(
    'button',
    { type: 'button', class: 'secondary small' },
    word,
    h('span', { class: 'visually-hidden' }, ` ${label}`),
  );
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text());
      word.textContent = 'Copied';
      announce(`Copied ${label} to the clipboard.`);
    } catch {
      announce(`The browser did not allow copying. Select the ${label} and copy it with the keyboard.`);
    }
    window.setTimeout(() => {
      word.textContent = 'Copy';
    }, 2000);
  });
  return button;
}
