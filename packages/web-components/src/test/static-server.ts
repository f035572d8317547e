import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve, sep } from 'node:path';

/**
 * What a route answers: a file on disk, a string body, or (for a route that ends with `/`) the
 * files of a folder below it.
 */
export type StaticRoute = { file: string } | { body: string } | { dir: string };

/** A running {@link startStaticServer}. */
export interface StaticServer {
  /** Base URL, `http://127.0.0.1:<port>`. */
  url: string;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/** The file a `{ dir }` route holds for `path`, if `path` lies below it (and not above its folder). */
function folderRoute(
  routes: Record<string, StaticRoute>,
  path: string,
): { file: string } | undefined {
  for (const [prefix, route] of Object.entries(routes)) {
    if (!prefix.endsWith('/') || !('dir' in route) || !path.startsWith(prefix)) continue;
    const file = resolve(route.dir, `.${path.slice(prefix.length - 1)}`);
    if (file.startsWith(resolve(route.dir) + sep)) return { file };
  }
  return undefined;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Serves fixed routes on 127.0.0.1 and a random port; anything else is a 404. */
export async function startStaticServer(
  routes: Record<string, StaticRoute>,
): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const exact = routes[path];
    const route = exact && !('dir' in exact) ? exact : folderRoute(routes, path);
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    const type = TYPES[/\.[a-z]+$/.exec(path)?.[0] ?? '.html'] ?? 'application/octet-stream';
    const body = 'body' in route ? Promise.resolve(route.body) : readFile(route.file);
    body.then(
      (content) =>
        res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(content),
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
