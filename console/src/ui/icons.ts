const SVG = 'http://www.w3.org/2000/svg';

/** A trash-can icon; decorative, so the button that holds it carries the accessible name. */
export function trashIcon(): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.classList.add('icon');
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', 'M9 3h6l1 2h4v2H4V5h4zm-3 6h12l-1 12H7zm4 2v8h2v-8zm4 0v8h2v-8z');
  path.setAttribute('fill', 'currentColor');
  svg.append(path);
  return svg;
}
