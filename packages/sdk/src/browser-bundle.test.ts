import { existsSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { startServer } from '@minimeet/server';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, TEST_SERVER_ENV } from './test/helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const BUNDLE = fileURLToPath(new URL('../dist/minimeet-sdk.browser.js', import.meta.url));

// Runs in the page: signs up, connects, pings and disconnects through the bundle the minimeet
// server serves, from another origin, the way an embedding app uses it.
function pageScript(minimeetUrl: string): string {
  return `
const violations = [];
document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
try {
  const sdk = await import('${minimeetUrl}/sdk/minimeet-sdk.js');
  const auth = sdk.createAuthClient('${minimeetUrl}');
  await auth.register({ email: 'browser-' + Date.now() + '@example.test', password: ${JSON.stringify(PASSWORD)}, displayName: 'Browser' });
  const client = sdk.createClient({ transports: ['websocket'] });
  const states = [];
  client.on(sdk.ClientEvent.ConnectionStateChanged, (state) => states.push(state));
  const session = await client.connect('${minimeetUrl}', auth.tokenProvider);
  const rtt = await client.ping();
  await client.disconnect();
  // The module the bundle imports from beside itself when a call runs on the SFU.
  const sfu = await import('${minimeetUrl}/sdk/minimeet-sdk-sfu.browser.js');
  const sfuModule = typeof sfu.TopologySwitch;
  window.result = { principal: session.principal.displayName, rtt, states, sfuModule, violations };
} catch (error) {
  window.result = { error: String((error && error.stack) || error), violations };
}
`;
}

/** A host app on its own origin, with a strict CSP: scripts and connections only where listed. */
function startHostApp(minimeetUrl: string): Promise<HttpServer> {
  const ws = minimeetUrl.replace(/^http/, 'ws');
  const csp = `default-src 'self'; script-src 'self' ${minimeetUrl}; connect-src 'self' ${minimeetUrl} ${ws}`;
  const app = createServer((req, res) => {
    if (req.url === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(pageScript(minimeetUrl));
    } else {
      res
        .writeHead(200, { 'content-type': 'text/html', 'content-security-policy': csp })
        .end('<!doctype html><title>host app</title><script type="module" src="/app.js"></script>');
    }
  });
  return new Promise((resolve) => app.listen(0, '127.0.0.1', () => resolve(app)));
}

describe('the browser bundle in real Chromium', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let hostApp: HttpServer;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing; build the SDK first.`);
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium.`);
    server = await startServer({ env: { ...TEST_SERVER_ENV, SERVE_DEMO: 'true' } });
    hostApp = await startHostApp(server.url);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => hostApp?.close(resolve));
    await server?.close();
  });

  it('connects over WebSocket from another origin under a strict CSP, loaded from /sdk/minimeet-sdk.js', async () => {
    const page = await browser.newPage();
    const { port } = hostApp.address() as { port: number };

    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => 'result' in window, undefined, { timeout: 15_000 });
    const result = await page.evaluate(() => (window as unknown as { result: unknown }).result);

    expect(result).toEqual({
      principal: 'Browser',
      rtt: expect.any(Number) as number,
      states: ['connecting', 'connected', 'disconnected'],
      sfuModule: 'function',
      violations: [],
    });
  });
});
