/**
 * Parses a server URL given to a public method and checks its scheme; throws TypeError on misuse,
 * naming the argument.
 */
export function parseServerUrl(value: unknown, name: string, schemes: readonly string[]): URL {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`${name} must be a non-empty string.`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${name} must be an absolute URL, such as https://meet.example.com.`);
  }
  if (!schemes.includes(url.protocol)) {
    throw new TypeError(`${name} must use ${schemes.map((s) => s.slice(0, -1)).join(', ')}.`);
  }
  return url;
}

/** The URL's path without trailing slashes, so that a server mounted under a prefix works. */
export function basePath(url: URL): string {
  return url.pathname.replace(/\/+$/, '');
}
