// A call rig split by a network namespace: the server and a small host app listen on the host's
// end of the namespace's link, one Chromium runs on the host and one inside the namespace, so a
// test can degrade the second one's network (loss, a cut, a squeezed downlink). Needs root.
import { createServer, type Server as HttpServer } from 'node:http';
import { startTestServer, type RunningServer } from '@minimeet/server/testing';
import { chromium, type Browser } from 'playwright-core';
import { createNetNamespace, type NetNamespace } from './netns.js';
import { CHROMIUM, CHROMIUM_ARGS, guestMinter, type CallRig } from './rooms.js';

/** A server and a browser on each side of a namespace's link; see {@link startNamespacedRig}. */
export interface NamespacedRig {
  ns: NetNamespace;
  server: RunningServer;
  /** Joins pages from the Chromium on the host. */
  host: CallRig;
  /** Joins pages from the Chromium inside the namespace. */
  inside: CallRig;
  /** Closes the browsers, the host app, the server and the namespace. */
  close(): Promise<void>;
}

/**
 * Starts a namespace, a server bound to its host address (`serverEnv` on top of the demo and the
 * test defaults), a host app there whose page holds `head`, and a Chromium on each side.
 */
export async function startNamespacedRig(
  options: { serverEnv?: (ns: NetNamespace) => Record<string, string>; head?: string } = {},
): Promise<NamespacedRig> {
  const ns = await createNetNamespace();
  const browsers: Browser[] = [];
  let server: RunningServer | undefined;
  let app: HttpServer | undefined;
  const close = async () => {
    for (const browser of browsers) await browser.close().catch(() => undefined);
    await new Promise((resolve) => (app ? app.close(resolve) : resolve(undefined)));
    await server?.close();
    await ns.close();
  };
  try {
    // Bound to the host's end of the link, the server is reachable from both sides.
    server = await startTestServer({
      SERVE_DEMO: 'true',
      HOST: ns.hostAddress,
      ...options.serverEnv?.(ns),
    });
    const page = `<!doctype html><title>call</title>${options.head ?? ''}`;
    const started = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    });
    app = started;
    await new Promise<void>((resolve) => started.listen(0, ns.hostAddress, resolve));
    const hostAppUrl = `http://${ns.hostAddress}:${(started.address() as { port: number }).port}/`;
    // Capture needs a secure context; these origins are plain http on a private address.
    const args = [
      ...CHROMIUM_ARGS,
      `--unsafely-treat-insecure-origin-as-secure=${hostAppUrl.slice(0, -1)},${server.url}`,
    ];
    browsers.push(await chromium.launch({ executablePath: CHROMIUM, args }));
    browsers.push(await chromium.launch({ executablePath: ns.chromium, args }));
    const host: CallRig = {
      server,
      hostApp: started,
      hostAppUrl,
      browser: browsers[0],
      mint: await guestMinter(server.url),
      initScripts: [],
      opened: [],
    };
    return { ns, server, host, inside: { ...host, browser: browsers[1] }, close };
  } catch (error) {
    await close();
    throw error;
  }
}
