import { type Child, h } from './dom.ts';

/**
 * A table cell that carries its column's name for narrow screens, where the table becomes stacked rows: the name
 * is shown beside the value there and hidden from assistive technology, which reads the column header instead.
 */
export function labelledCell(label: string, attributes: Record<string, string> = {}): HTMLTableCellElement {
  const cell = h('td', attributes);
  cell.dataset.label = label;
  return cell;
}

export function fillCell(cell: HTMLTableCellElement, ...content: Child[]): void {
  const label = cell.dataset.label;
  cell.replaceChildren(
    ...(label ? [h('span', { class: 'cell-label', 'aria-hidden': 'true' }, label)] : []),
    h('div', { class: 'cell-value' }, ...content),
  );
}
