/**
 * What the browser says about the network and the page: `offline` (no network any more),
 * `online` (a network again), `changed` (`navigator.connection` reports another kind of network,
 * where the browser has it) and `visible` (the page is shown again; while hidden its timers may
 * have been throttled or frozen).
 */
export type NetworkSignal = 'offline' | 'online' | 'changed' | 'visible';

// `navigator.connection` is not in every browser nor in TypeScript's DOM library.
interface NetworkInformationLike {
  addEventListener(type: 'change', listener: () => void): void;
  removeEventListener(type: 'change', listener: () => void): void;
}

function networkInformation(): NetworkInformationLike | undefined {
  if (typeof navigator === 'undefined') return undefined;
  const connection = (navigator as { connection?: Partial<NetworkInformationLike> }).connection;
  return typeof connection?.addEventListener === 'function' &&
    typeof connection.removeEventListener === 'function'
    ? (connection as NetworkInformationLike)
    : undefined;
}

/**
 * Calls `listener` with each {@link NetworkSignal} the browser gives: `online` and `offline` on
 * the window, `change` on `navigator.connection`, and `visibilitychange` to visible on the
 * document. Returns the function that removes every listener it added; does nothing outside a
 * browser.
 */
export function onNetworkSignal(listener: (signal: NetworkSignal) => void): () => void {
  const removers: (() => void)[] = [];
  // The listeners come off the very objects they went on.
  if (typeof window !== 'undefined' && typeof window.addEventListener === 'function') {
    const win = window;
    const online = () => listener('online');
    const offline = () => listener('offline');
    win.addEventListener('online', online);
    win.addEventListener('offline', offline);
    removers.push(() => {
      win.removeEventListener('online', online);
      win.removeEventListener('offline', offline);
    });
  }
  if (typeof document !== 'undefined' && typeof document.addEventListener === 'function') {
    const doc = document;
    const visibility = () => {
      if (doc.visibilityState === 'visible') listener('visible');
    };
    doc.addEventListener('visibilitychange', visibility);
    removers.push(() => doc.removeEventListener('visibilitychange', visibility));
  }
  const connection = networkInformation();
  if (connection) {
    const changed = () => listener('changed');
    connection.addEventListener('change', changed);
    removers.push(() => connection.removeEventListener('change', changed));
  }
  return () => {
    for (const remove of removers.splice(0)) remove();
  };
}
