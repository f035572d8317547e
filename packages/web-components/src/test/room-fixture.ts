import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Sdk from '@minimeet/sdk';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'tsup';
import { CHROMIUM_PATH } from './chromium.js';
import type { RunningServer } from './minimeet-server.js';
import { startStaticServer, type StaticServer } from './static-server.js';

// Pages load the built bundles as an app would; `pnpm build` produces them.
const SDK_BUNDLE = fileURLToPath(
  new URL('../../../sdk/dist/minimeet-sdk.browser.js', import.meta.url),
);
const ELEMENTS_ENTRY = fileURLToPath(new URL('../minimeet-elements.ts', import.meta.url));

let bundle: Promise<string> | undefined;

/**
 * Bundles every element from source into a temporary folder, the way the package's browser bundle
 * is made (lit inside, the SDK imported from its URL), but regardless of the package's
 * `sideEffects` list, so that these tests do not depend on how the package is published.
 */
function elementsBundle(): Promise<string> {
  bundle ??= (async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'minimeet-elements-'));
    await build({
      config: false,
      silent: true,
      entry: { 'minimeet-elements': ELEMENTS_ENTRY },
      outDir,
      format: ['esm'],
      outExtension: () => ({ js: '.js' }),
      target: 'es2022',
      platform: 'browser',
      noExternal: [/.*/],
      dts: false,
      esbuildOptions(options) {
        options.ignoreAnnotations = true;
      },
      esbuildPlugins: [
        {
          name: 'minimeet-sdk-from-url',
          setup(build) {
            build.onResolve({ filter: /^@minimeet\/sdk$/ }, () => ({
              path: '/sdk/minimeet-sdk.js',
              external: true,
            }));
          },
        },
      ],
    });
    return join(outDir, 'minimeet-elements.js');
  })();
  return bundle;
}

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>minimeet element</title>
    <style>
      html, body { margin: 0; block-size: 100%; }
      body { font-family: system-ui, sans-serif; }
    </style>
    <script type="module" src="/elements/minimeet-elements.js"></script>
    <script type="module">
      import * as sdk from '/sdk/minimeet-sdk.js';
      window.sdk = sdk;
    </script>
  </head>
  <body></body>
</html>`;

/** Serves the test page (with nothing in its body) and the SDK and element bundles. */
export async function startElementAssets(): Promise<StaticServer> {
  return startStaticServer({
    '/': { body: PAGE },
    '/sdk/minimeet-sdk.js': { file: SDK_BUNDLE },
    '/elements/minimeet-elements.js': { file: await elementsBundle() },
  });
}

/** The flags of a browser whose pages call each other on 127.0.0.1 with fake devices. */
export const CALL_FLAGS = [
  '--no-sandbox',
  '--use-fake-device-for-media-stream',
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
];

/**
 * Launches Chromium for calls. Camera and microphone are allowed per context (see
 * {@link newCallPage}), so that a context can also be denied them.
 */
export function launchCallBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CALL_FLAGS, ...extraArgs] });
}

/** Options of {@link newCallPage}. */
export interface CallPageOptions {
  /** Grant camera and microphone (default true); false makes getUserMedia fail as denied. */
  grant?: boolean;
  /** Viewport, 1280×800 by default. */
  viewport?: { width: number; height: number };
  /** `prefers-color-scheme`. */
  colorScheme?: 'light' | 'dark';
}

/** A page of its own context with the element bundle loaded, ready for {@link mountRoom}. */
export async function newCallPage(
  browser: Browser,
  assets: StaticServer,
  options: CallPageOptions = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    colorScheme: options.colorScheme ?? 'light',
    permissions: options.grant === false ? [] : ['camera', 'microphone'],
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(assets.url);
  await page.waitForFunction(() => customElements.get('minimeet-room') && 'sdk' in window);
  return { context, page, errors };
}

/** Puts a `<minimeet-room>` with `attributes` in the page and records its events. */
export async function mountRoom(
  page: Page,
  attributes: Record<string, string | true>,
): Promise<void> {
  await page.evaluate((attributes) => {
    const room = document.createElement('minimeet-room');
    for (const [name, value] of Object.entries(attributes)) {
      room.setAttribute(name, value === true ? '' : value);
    }
    const events: { type: string; detail: unknown }[] = [];
    (window as unknown as { events: typeof events }).events = events;
    for (const type of [
      'minimeet-ready',
      'minimeet-joined',
      'minimeet-left',
      'minimeet-participant-joined',
      'minimeet-participant-left',
      'minimeet-microphone-toggled',
      'minimeet-camera-toggled',
      'minimeet-screen-share-toggled',
      'minimeet-chat-message',
      'minimeet-connection-state',
      'minimeet-device-permission-denied',
      'minimeet-error',
      'minimeet-lobby-waiting',
      'minimeet-lobby-changed',
      'minimeet-hands-changed',
      'minimeet-moderated',
    ]) {
      room.addEventListener(type, (event) => {
        const detail = (event as CustomEvent<Record<string, unknown>>).detail;
        events.push({
          type,
          detail: Object.fromEntries(
            Object.entries(detail ?? {}).filter(([, v]) => typeof v !== 'object' || v === null),
          ),
        });
      });
    }
    document.body.append(room);
  }, attributes);
}

/** The types of the events the page's room dispatched so far. */
export function eventTypes(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    (window as unknown as { events: { type: string }[] }).events.map((e) => e.type),
  );
}

/** An API key of a fresh account: what a host app's backend holds. */
export interface HostKey {
  readonly id: string;
  readonly secret: string;
  /** The account's access token. */
  readonly accessToken: string;
}

async function post<T>(url: string, body: unknown, headers: Record<string, string>): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Registers an account; resolves with its access token and user id. */
export async function registerUser(
  server: RunningServer,
  displayName: string,
): Promise<{ accessToken: string; userId: string }> {
  const session = await post<{ accessToken: string; user: { id: string } }>(
    `${server.url}/api/auth/register`,
    { email: `${randomUUID()}@example.test`, password: 'correct horse battery', displayName },
    {},
  );
  return { accessToken: session.accessToken, userId: session.user.id };
}

/** Creates a room over REST as the account of `accessToken`; resolves with its id. */
export async function createRoom(
  server: RunningServer,
  accessToken: string,
  body: { name: string; password?: string; visibility?: 'public' | 'private'; capacity?: number },
): Promise<string> {
  const room = await post<{ id: string }>(`${server.url}/api/rooms`, body, {
    authorization: `Bearer ${accessToken}`,
  });
  return room.id;
}

/** Deletes a room over REST as the account of `accessToken`. */
export async function deleteRoom(
  server: RunningServer,
  accessToken: string,
  roomId: string,
): Promise<void> {
  const response = await fetch(`${server.url}/api/rooms/${encodeURIComponent(roomId)}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${accessToken}` },
  });
  if (!response.ok) throw new Error(`delete room: ${response.status} ${await response.text()}`);
}

/** Registers an account and creates an API key for it. */
export async function createHostKey(server: RunningServer): Promise<HostKey> {
  const session = await post<{ accessToken: string }>(
    `${server.url}/api/auth/register`,
    {
      email: `${randomUUID()}@example.test`,
      password: 'correct horse battery',
      displayName: 'Host app',
    },
    {},
  );
  const key = await post<{ id: string; secret: string }>(
    `${server.url}/api/api-keys`,
    { name: 'element tests' },
    { authorization: `Bearer ${session.accessToken}` },
  );
  return { id: key.id, secret: key.secret, accessToken: session.accessToken };
}

/** Mints a join token over REST, as a host app's backend does. */
export async function mintJoinToken(
  server: RunningServer,
  key: HostKey,
  request: {
    identity?: string;
    name: string;
    room: string;
    ttlSeconds?: number;
    /** `owner` or `moderator` makes a host; `member` by default. */
    role?: 'owner' | 'moderator' | 'member';
    /** Always wait in the lobby (true) or never (false); absent: as the room says. */
    lobby?: boolean;
  },
): Promise<string> {
  const { token } = await post<{ token: string }>(
    `${server.url}/api/join-tokens`,
    {
      identity: request.identity ?? randomUUID(),
      name: request.name,
      grants: { room: request.room, role: request.role, lobby: request.lobby },
      ttlSeconds: request.ttlSeconds ?? 600,
    },
    { authorization: `Basic ${Buffer.from(`${key.id}:${key.secret}`).toString('base64')}` },
  );
  return token;
}

/**
 * A join token signed offline with the API key, like `@minimeet/host` does, but issued and
 * expired in the past: the server refuses it as `token_expired`.
 */
export function expiredJoinToken(key: HostKey, name: string, room: string): string {
  const seed = Buffer.from(key.secret.replace(/^mks_/, ''), 'base64url');
  // PKCS#8 wrapping of a raw Ed25519 seed.
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = encode({ alg: 'EdDSA', kid: key.id, typ: 'JWT' });
  const payload = encode({
    typ: 'join',
    name,
    grants: { room, role: 'member', canPublish: true, canSubscribe: true, canChat: true },
    sub: randomUUID(),
    iss: key.id,
    aud: 'minimeet',
    iat: now - 3600,
    exp: now - 1800,
  });
  const signature = sign(null, Buffer.from(`${header}.${payload}`), privateKey).toString(
    'base64url',
  );
  return `${header}.${payload}.${signature}`;
}

/** The largest `framesDecoded` among the page's inbound video streams. */
export function framesDecoded(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const room = document.querySelector('minimeet-room')?.sdkRoom;
    let best = 0;
    for (const participant of room?.remoteParticipants.values() ?? []) {
      const track = participant.getTrackPublication('camera')?.track;
      if (!track || !('getStats' in track)) continue;
      const stats = await (track as { getStats(): Promise<RTCStatsReport> }).getStats();
      stats.forEach((s: { type: string; kind?: string; framesDecoded?: number }) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video')
          best = Math.max(best, s.framesDecoded ?? 0);
      });
    }
    return best;
  });
}

/** What a test page keeps on `window` after {@link joinWithSdk}. */
export interface SdkWindow {
  sdk: typeof Sdk;
  client: Sdk.MinimeetClient;
  room: Sdk.Room;
}

/**
 * Connects the page's SDK and joins `room` without any element, as an app composing its own
 * layout does; the client and room land on `window`.
 */
export async function joinWithSdk(
  page: Page,
  serverUrl: string,
  token: string,
  room: string,
  media: { audio: boolean; video: boolean } = { audio: true, video: true },
): Promise<void> {
  await page.evaluate(
    async ({ serverUrl, token, room, media }) => {
      const w = window as unknown as SdkWindow;
      w.client = new w.sdk.MinimeetClient();
      await w.client.connect(serverUrl, token);
      w.room = await w.client.joinRoom(room, media);
    },
    { serverUrl, token, room, media },
  );
}
