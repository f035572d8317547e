import { fileURLToPath } from 'node:url';
import type * as Sdk from '@minimeet/sdk';
import type { AuthSession } from '@minimeet/sdk';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium } from '../test/chromium.js';
import { startMinimeetServer, type RunningServer } from '../test/minimeet-server.js';
import { startStaticServer, type StaticServer } from '../test/static-server.js';
import type { MinimeetConnectionStatus } from './connection-status.component.js';

// The page loads the built bundles exactly as an app would: the SDK from its URL, the elements
// from theirs. `pnpm build` (or the root `npm test`) produces them.
const SDK_BUNDLE = fileURLToPath(
  new URL('../../../sdk/dist/minimeet-sdk.browser.js', import.meta.url),
);
const ELEMENTS_DIR = fileURLToPath(new URL('../../dist/browser/', import.meta.url));

const FIXTURE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>connection-status</title>
    <script type="module" src="/elements/minimeet-elements.js"></script>
    <script type="module">
      import * as sdk from '/sdk/minimeet-sdk.js';
      window.sdk = sdk;
    </script>
  </head>
  <body>
    <minimeet-connection-status></minimeet-connection-status>
  </body>
</html>`;

/** What the tests keep on the page's `window`. */
interface TestWindow extends Window {
  sdk: typeof Sdk;
  client: Sdk.MinimeetClient;
  /** The outcome of the last `connect()`: `connected`, or the reason it failed. */
  connecting: Promise<string>;
  /** An element the test took out of the document. */
  detached?: Element;
  /** Token requests the test has not answered yet. */
  tokenRequests: { resolve(token: string): void; reject(error: unknown): void }[];
  /** Every `minimeet-connection-state-changed` seen, reduced to plain data. */
  events: {
    state: string;
    previousState: string;
    name: string | null;
    reconnectAttempt: number;
    reason: string | null;
  }[];
}

const TIMEOUT = 10_000;

let browser: Browser;
let assets: StaticServer;
let page: Page;

beforeAll(async () => {
  assets = await startStaticServer({
    '/': { body: FIXTURE },
    '/sdk/minimeet-sdk.js': { file: SDK_BUNDLE },
    '/elements/': { dir: ELEMENTS_DIR },
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await assets?.close();
});

beforeEach(async () => {
  page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(assets.url);
  await page.waitForFunction(
    () => customElements.get('minimeet-connection-status') && 'sdk' in window,
    undefined,
    { timeout: TIMEOUT },
  );
  // Tracks the element's events, and gives the page a token provider the test answers by hand.
  await page.evaluate(() => {
    const w = window as unknown as TestWindow;
    w.events = [];
    w.tokenRequests = [];
    document
      .querySelector('minimeet-connection-status')!
      .addEventListener('minimeet-connection-state-changed', (event) => {
        const { state, previousState, principal, reconnectAttempt, error } = event.detail;
        w.events.push({
          state,
          previousState,
          name: principal?.displayName ?? null,
          reconnectAttempt,
          reason: error?.reason ?? null,
        });
      });
  });
  expect(errors).toEqual([]);
});

afterEach(async () => {
  await page?.evaluate(() => (window as unknown as TestWindow).client?.disconnect());
  await page?.close();
});

/** The element's visible text, once it reads exactly `text`. */
async function statusText(text: string): Promise<string> {
  const label = page.locator('minimeet-connection-status [part="label"]');
  await label
    .filter({ hasText: new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) })
    .waitFor({ timeout: TIMEOUT });
  return (await label.innerText()).trim();
}

/**
 * Creates a client in the page, hands it to the element and calls `connect()` with `token`, or
 * with a token provider that the test answers by hand when `token` is null.
 */
async function connectInPage(serverUrl: string, token: string | null): Promise<void> {
  await page.evaluate(
    ({ serverUrl, token }) => {
      const w = window as unknown as TestWindow;
      w.client = new w.sdk.MinimeetClient({ reconnect: { initialDelayMs: 10, maxDelayMs: 50 } });
      document.querySelector('minimeet-connection-status')!.client = w.client;
      const source =
        token === null
          ? () =>
              new Promise<string>((resolve, reject) => w.tokenRequests.push({ resolve, reject }))
          : token;
      w.connecting = w.client.connect(serverUrl, source).then(
        () => 'connected',
        (error: Sdk.ConnectionError) => error.reason,
      );
    },
    { serverUrl, token },
  );
}

/** Waits for the page's token provider to be asked, then answers it. */
async function answerTokenRequest(answer: { token: string } | { signedOut: true }): Promise<void> {
  await page.waitForFunction(
    () => (window as unknown as TestWindow).tokenRequests.length > 0,
    undefined,
    { timeout: TIMEOUT },
  );
  await page.evaluate((answer) => {
    const w = window as unknown as TestWindow;
    const request = w.tokenRequests.shift()!;
    if ('token' in answer) request.resolve(answer.token);
    else request.reject(new w.sdk.MinimeetError(w.sdk.ErrorCode.Unauthorized, 'Signed out.'));
  }, answer);
}

const events = () => page.evaluate(() => (window as unknown as TestWindow).events);

async function register(server: RunningServer, displayName: string): Promise<AuthSession> {
  const response = await fetch(`${server.url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `${crypto.randomUUID()}@example.test`,
      password: 'correct horse battery',
      displayName,
    }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as AuthSession;
}

describe('<minimeet-connection-status>', () => {
  it('reads "Not connected" in a polite status region when it has no client', async () => {
    expect(await statusText('Not connected')).toBe('Not connected');
    const element = page.locator('minimeet-connection-status');
    expect(await element.ariaSnapshot()).toBe('- status: Not connected');
    const base = page.locator('minimeet-connection-status [part="base"]');
    expect(await base.getAttribute('role')).toBe('status');
    expect(await base.getAttribute('aria-live')).toBe('polite');
    expect(
      await page
        .locator('minimeet-connection-status [part="indicator"]')
        .getAttribute('aria-hidden'),
    ).toBe('true');
    expect(await element.getAttribute('state')).toBe('disconnected');
    expect(await element.getAttribute('has-error')).toBeNull();
  });

  describe('with a real server', () => {
    let server: RunningServer | undefined;

    beforeEach(async () => {
      server = await startMinimeetServer();
    });

    afterEach(async () => {
      await server?.close();
      server = undefined;
    });

    it('follows the client through connecting, connected, reconnecting and disconnected', async () => {
      const session = await register(server!, 'Ada Lovelace');
      const element = page.locator('minimeet-connection-status');

      await connectInPage(server!.url, null);
      expect(await statusText('Connecting…')).toBe('Connecting…');
      expect(await element.getAttribute('state')).toBe('connecting');

      await answerTokenRequest({ token: session.accessToken });
      expect(await statusText('Connected as Ada Lovelace')).toBe('Connected as Ada Lovelace');
      expect(await element.getAttribute('state')).toBe('connected');
      expect(await element.ariaSnapshot()).toBe('- status: Connected as Ada Lovelace');

      // The server goes away; the client asks for a token for its first attempt and waits.
      await server!.close();
      server = undefined;
      expect(await statusText('Reconnecting (attempt 1)…')).toBe('Reconnecting (attempt 1)…');
      expect(await element.getAttribute('state')).toBe('reconnecting');
      await page.waitForFunction(
        () => (window as unknown as TestWindow).tokenRequests.length > 0,
        undefined,
        { timeout: TIMEOUT },
      );
      expect(await element.ariaSnapshot()).toBe('- status: Reconnecting (attempt 1)…');

      // The user is signed out meanwhile: the client gives up and says why.
      await answerTokenRequest({ signedOut: true });
      expect(await statusText('Disconnected: could not get an access token')).toBe(
        'Disconnected: could not get an access token',
      );
      expect(await element.getAttribute('state')).toBe('disconnected');
      expect(await element.getAttribute('has-error')).toBe('');

      expect(await events()).toEqual([
        {
          state: 'connecting',
          previousState: 'disconnected',
          name: null,
          reconnectAttempt: 0,
          reason: null,
        },
        {
          state: 'connected',
          previousState: 'connecting',
          name: 'Ada Lovelace',
          reconnectAttempt: 0,
          reason: null,
        },
        {
          state: 'reconnecting',
          previousState: 'connected',
          name: 'Ada Lovelace',
          reconnectAttempt: 1,
          reason: 'server_shutdown',
        },
        {
          state: 'disconnected',
          previousState: 'reconnecting',
          name: null,
          reconnectAttempt: 0,
          reason: 'token_provider_failed',
        },
      ]);
    });

    it('says why the server refused the connection', async () => {
      await connectInPage(server!.url, 'not-a-token');
      const text = 'Disconnected: the server did not accept the access token';
      expect(await statusText(text)).toBe(text);
      expect(await page.evaluate(() => (window as unknown as TestWindow).connecting)).toBe(
        'token_invalid',
      );
      expect(await page.locator('minimeet-connection-status').getAttribute('has-error')).toBe('');
      expect((await events()).at(-1)).toMatchObject({
        state: 'disconnected',
        reason: 'token_invalid',
      });
    });

    it('lets go of the client while detached and catches up when re-attached', async () => {
      const session = await register(server!, 'Grace Hopper');
      await connectInPage(server!.url, null);
      await statusText('Connecting…');
      const listening = () =>
        page.evaluate(() => {
          const w = window as unknown as TestWindow;
          return w.client.listenerCount(w.sdk.ClientEvent.ConnectionStateChanged);
        });
      expect(await listening()).toBe(1);

      await page.evaluate(() => {
        const w = window as unknown as TestWindow;
        w.events = [];
        w.detached = document.querySelector('minimeet-connection-status')!;
        w.detached.remove();
      });
      expect(await listening()).toBe(0);

      await answerTokenRequest({ token: session.accessToken });
      expect(await page.evaluate(() => (window as unknown as TestWindow).connecting)).toBe(
        'connected',
      );
      await page.evaluate(() => document.body.append((window as unknown as TestWindow).detached!));
      expect(await statusText('Connected as Grace Hopper')).toBe('Connected as Grace Hopper');
      expect(await listening()).toBe(1);
      // Nothing was announced while the element was out of the document.
      expect(await events()).toEqual([]);
    });

    it('shows the display name as text, never as markup', async () => {
      const name = '<img src=x onerror=alert(1)>';
      const session = await register(server!, name);
      await connectInPage(server!.url, session.accessToken);
      expect(await statusText(`Connected as ${name}`)).toBe(`Connected as ${name}`);
      expect(await page.locator('minimeet-connection-status img').count()).toBe(0);
    });
  });

  it('is themable through --minimeet-* custom properties and ::part', async () => {
    await page.addStyleTag({
      content: `
        minimeet-connection-status { --minimeet-color-neutral: rgb(1, 2, 3); }
        minimeet-connection-status::part(label) { color: rgb(4, 5, 6); }
      `,
    });
    const style = await page.evaluate(() => {
      const root = document.querySelector<MinimeetConnectionStatus>(
        'minimeet-connection-status',
      )!.shadowRoot!;
      return {
        indicator: getComputedStyle(root.querySelector('[part="indicator"]')!).backgroundColor,
        label: getComputedStyle(root.querySelector('[part="label"]')!).color,
      };
    });
    expect(style).toEqual({ indicator: 'rgb(1, 2, 3)', label: 'rgb(4, 5, 6)' });
  });
});
