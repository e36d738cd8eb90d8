/** Speaks a message through the page's polite live region (`#announcer`). */
export function announce(message: string): void {
  const region = document.getElementById('announcer');
  if (!region) return;
  // Emptying first makes screen readers repeat a message identical to the previous one.
  region.textContent = '';
  requestAnimationFrame(() => {
    region.textContent = message;
  });
}
