/**
 * Calls `listener` on `pagehide`: the page is being unloaded or put in the back/forward cache.
 * `pagehide` rather than `beforeunload`, which another handler may cancel (the user then stays),
 * or `unload`, which keeps a page out of the back/forward cache. Returns the function that stops
 * listening; does nothing outside a window.
 */
export function onPageHide(listener: () => void): () => void {
  if (typeof window === 'undefined' || typeof window.addEventListener !== 'function') {
    return () => undefined;
  }
  window.addEventListener('pagehide', listener);
  return () => window.removeEventListener('pagehide', listener);
}
