import { fileURLToPath } from 'node:url';
import type * as Sdk from '@minimeet/sdk';
import type { AuthSession } from '@minimeet/sdk';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_PATH } from './chromium.js';
import type { RunningServer } from './minimeet-server.js';
import type { StaticRoute } from './static-server.js';

// Helpers of the chat, participant-list and presence-badge tests: a page that loads the built
// bundles as an app would, and accounts and rooms made over the real server's REST API.

// The self-contained browser modules; the page takes the SDK from the same build
// (`minimeet-sdk.js`), so the page and the elements share one SDK.
const ELEMENTS_DIR = fileURLToPath(new URL('../../dist/browser/', import.meta.url));

/** A page with the SDK on `window.sdk` and every element registered; `body` holds `#stage`. */
export function fixturePage(lang = 'en'): string {
  return `<!doctype html>
<html lang="${lang}">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>minimeet parts</title>
    <script type="module" src="/elements/minimeet-elements.js"></script>
    <script type="module">
      import * as sdk from '/elements/minimeet-sdk.js';
      import * as elements from '/elements/minimeet-elements.js';
      window.sdk = sdk;
      window.elements = elements;
    </script>
    <style>
      html, body { margin: 0; height: 100%; font-family: system-ui, sans-serif; }
      main { height: 100%; display: flex; gap: 0; }
      main > * { flex: 1; min-width: 0; height: 100%; border-inline-end: 1px solid #e3e6ec; }
    </style>
  </head>
  <body>
    <main id="stage"></main>
  </body>
</html>`;
}

/** The routes of {@link fixturePage} for `startStaticServer`. */
export function fixtureRoutes(lang = 'en'): Record<string, StaticRoute> {
  return {
    '/': { body: fixturePage(lang) },
    '/favicon.ico': { body: '' },
    '/elements/': { dir: ELEMENTS_DIR },
  };
}

/** What the tests keep on the page's `window`. */
export interface PartsWindow extends Window {
  sdk: typeof Sdk;
  client: Sdk.MinimeetClient;
  room?: Sdk.Room;
  events: { type: string; detail: unknown }[];
}

/** Registers a user over REST and returns the session. */
export async function register(server: RunningServer, displayName: string): Promise<AuthSession> {
  const response = await fetch(`${server.url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `${crypto.randomUUID()}@example.test`,
      password: 'correct horse battery',
      displayName,
    }),
  });
  if (response.status !== 201) throw new Error(`register: ${response.status}`);
  return (await response.json()) as AuthSession;
}

async function api(
  server: RunningServer,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${server.url}/api${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? undefined : response.json();
}

/** Creates a public room owned by `owner` and makes each of `members` a member; returns its id. */
export async function createSharedRoom(
  server: RunningServer,
  owner: AuthSession,
  members: AuthSession[],
  name = 'Standup',
): Promise<string> {
  const room = (await api(server, owner.accessToken, 'POST', '/rooms', {
    name,
    visibility: 'public',
  })) as { id: string };
  for (const member of members) {
    await api(server, member.accessToken, 'POST', `/rooms/${room.id}/join`, {});
  }
  return room.id;
}

/** Connects a client in the page as `token` and keeps it on `window.client`. */
export async function connectInPage(page: Page, serverUrl: string, token: string): Promise<void> {
  await page.waitForFunction(() => 'sdk' in window && customElements.get('minimeet-chat'));
  await page.evaluate(
    async ({ serverUrl, token }) => {
      const w = window as unknown as PartsWindow;
      w.events = [];
      w.client = new w.sdk.MinimeetClient({ presence: { autoAway: false } });
      await w.client.connect(serverUrl, token);
    },
    { serverUrl, token },
  );
}

/** A browser for calls: fake camera and microphone, and peers that may meet on 127.0.0.1. */
export function launchCallBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      '--allow-loopback-in-peer-connection',
      '--autoplay-policy=no-user-gesture-required',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
    ],
  });
}
