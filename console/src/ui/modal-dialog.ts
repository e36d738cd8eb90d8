import { type Child, h, uniqueId } from './dom.ts';

export interface ModalDialog {
  element: HTMLDialogElement;
  close(): void;
}

export interface ModalDialogOptions {
  title: string;
  content: Child[];
  /** Receives focus when the dialog opens; otherwise the browser's default (the first focusable element). */
  initialFocus?: HTMLElement;
  /** Receives focus when the dialog closes if it is still on the page; else the page heading. */
  returnFocusTo: HTMLElement;
}

/**
 * A native modal `<dialog>`: the rest of the page is inert, Tab stays inside, Escape closes it. The dialog is
 * removed from the page when it closes, so nothing typed into it outlives it.
 */
export function openModalDialog(options: ModalDialogOptions): ModalDialog {
  const titleId = uniqueId('dialog-title');
  const element = h(
    'dialog',
    { 'aria-labelledby': titleId, class: 'dialog' },
    h('h2', { id: titleId }, options.title),
    ...options.content,
  );
  element.addEventListener('close', () => {
    element.remove();
    const target = options.returnFocusTo.isConnected ? options.returnFocusTo : document.getElementById('page-title');
    target?.focus();
  });
  document.body.append(element);
  element.showModal();
  options.initialFocus?.focus();
  return { element, close: () => element.close() };
}
