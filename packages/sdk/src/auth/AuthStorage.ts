/**
 * Where an {@link AuthClient} keeps its session between page loads. Each method may answer
 * synchronously or with a promise, so both `localStorage` and async stores fit.
 */
export interface AuthStorage {
  /** Returns the stored value, or null or undefined when there is none. */
  get(key: string): string | null | undefined | Promise<string | null | undefined>;
  /** Stores a value. */
  set(key: string, value: string): void | Promise<void>;
  /** Forgets a value. */
  remove(key: string): void | Promise<void>;
}

/**
 * Adapts a Web Storage object (`localStorage` or `sessionStorage`) to {@link AuthStorage}. The
 * refresh token is then readable by any script on the page, so use it only where that is acceptable.
 */
export function createWebAuthStorage(storage: Storage): AuthStorage {
  if (typeof storage?.getItem !== 'function') {
    throw new TypeError('storage must be a Web Storage object such as localStorage.');
  }
  return {
    get: (key) => storage.getItem(key),
    set: (key, value) => storage.setItem(key, value),
    remove: (key) => storage.removeItem(key),
  };
}
