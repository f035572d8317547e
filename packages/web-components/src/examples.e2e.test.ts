import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createJoinToken } from '@minimeet/host';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH } from './test/chromium.js';
import { framesDecoded } from './test/room-fixture.js';
import { startMinimeetServer, type RunningServer } from './test/minimeet-server.js';
import { startStaticServer, type StaticServer } from './test/static-server.js';

// The examples under examples/ as their users run them, in real Chromium against the real server:
// the React app is built with Vite here and served on an origin of its own; the plain-HTML page is
// served by its own backend (examples/plain-html/server.mjs), which mints join tokens with an API
// key created over REST. The element modules come from the server's /elements/, across origins.
// Needs the package build first (the root `npm test` builds).

const TIMEOUT = 15_000;
const at = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const REACT_APP = at('../../../examples/react-app/');
const PLAIN_HTML = at('../../../examples/plain-html/');
const elements = readdirSync(at('.'), { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(at(`./${e.name}/${e.name}.component.ts`)))
  .map((e) => `minimeet-${e.name}`);

let server: RunningServer;
let browser: Browser;
let key: { id: string; secret: string };
const closers: (() => unknown)[] = [];

beforeAll(async () => {
  server = await startMinimeetServer();
  // Chromium as a call needs it: fake devices, and peers that may meet on 127.0.0.1.
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      '--allow-loopback-in-peer-connection',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  key = await createApiKey();
});

afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await browser?.close();
  await server?.close();
});

/** An operator account and an API key, the way the examples' READMEs make them. */
async function createApiKey(): Promise<{ id: string; secret: string }> {
  const post = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    });
    expect(res.ok, `${path}: ${res.status}`).toBe(true);
    return (await res.json()) as Record<string, string>;
  };
  const { accessToken } = await post('/api/auth/register', {
    email: `ops-${randomUUID()}@example.test`,
    password: 'correct horse battery',
    displayName: 'Ops',
  });
  const created = await post('/api/api-keys', { name: 'examples test' }, accessToken);
  return { id: created.id, secret: created.secret };
}

/** A page that records script errors, failed requests and console errors. */
async function openPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console: ${m.text()}`);
  });
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()}: ${r.url()}`);
  });
  closers.push(() => page.close());
  return { page, problems };
}

describe('element modules from the server, on a page of another origin', () => {
  let host: StaticServer;

  beforeAll(async () => {
    const tags = elements.map((tag) => `<${tag}></${tag}>`).join('\n');
    const scripts = ['minimeet-elements', ...elements]
      .map((entry) => `<script type="module" src="${server.url}/elements/${entry}.js"></script>`)
      .join('\n');
    host = await startStaticServer({
      '/one.html': { body: `<!doctype html><link rel="icon" href="data:," />${tags}` },
      '/all.html': { body: `<!doctype html><link rel="icon" href="data:," />${scripts}${tags}` },
    });
    closers.push(() => host.close());
  });

  it.each(elements)('upgrades <%s> from its own module', async (tag) => {
    const { page, problems } = await openPage();
    await page.goto(`${host.url}/one.html`);
    await page.addScriptTag({ type: 'module', url: `${server.url}/elements/${tag}.js` });
    await page.waitForFunction((t) => customElements.get(t) !== undefined, tag, {
      timeout: TIMEOUT,
    });
    const upgraded = await page.evaluate(
      (t) => document.querySelector(t) instanceof customElements.get(t)!,
      tag,
    );
    expect(upgraded).toBe(true);
    expect(problems).toEqual([]);
  });

  it('runs one copy of each element when a page loads every entry at once', async () => {
    const { page, problems } = await openPage();
    await page.goto(`${host.url}/all.html`);
    await page.waitForFunction(
      (tags) => tags.every((t) => customElements.get(t) !== undefined),
      elements,
      { timeout: TIMEOUT },
    );
    // A second copy would warn that the tag is taken (MinimeetElement.define).
    expect(problems).toEqual([]);
  });

  it('answers the modules with CORS and caches the hashed chunks for ever', async () => {
    const entry = await fetch(`${server.url}/elements/minimeet-elements.js`);
    expect(entry.status).toBe(200);
    expect(entry.headers.get('access-control-allow-origin')).toBe('*');
    expect(entry.headers.get('content-type')).toMatch(/javascript/);
    const chunk = /from"\.\/(chunks\/[^"]+\.js)"/.exec(await entry.text())?.[1];
    expect(chunk).toBeDefined();
    const cached = await fetch(`${server.url}/elements/${chunk}`);
    expect(cached.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${server.url}/elements/nothing.js`)).status).toBe(404);
  });
});

describe('examples/react-app', () => {
  let app: StaticServer;

  beforeAll(async () => {
    // The example's own `vite build` (its `pnpm build` also typechecks; the root typecheck does).
    const vite = at('../../../examples/react-app/node_modules/vite/bin/vite.js');
    const built = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'error'], {
      cwd: REACT_APP,
      encoding: 'utf8',
      // Vitest sets NODE_ENV=test, which would have Vite pick Lit's development build.
      env: { ...process.env, NODE_ENV: 'production' },
    });
    expect(built.status, built.stderr).toBe(0);
    const token = await createJoinToken(key, {
      identity: `react-${randomUUID()}`,
      name: 'React guest',
      grants: { room: 'standup', role: 'member', canPublish: true, canChat: true },
    });
    // The build, and `/join` as the dev server's plugin answers it.
    app = await startStaticServer({
      '/': { file: `${REACT_APP}dist/index.html` },
      '/assets/': { dir: `${REACT_APP}dist/assets` },
      '/join': { body: JSON.stringify({ server: server.url, room: 'standup', token }) },
    });
    closers.push(() => app.close());
  }, 120_000);

  it('builds one page whose script holds the room and its wrapper', () => {
    const html = readFileSync(`${REACT_APP}dist/index.html`, 'utf8');
    const script = /src="\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const code = readFileSync(`${REACT_APP}dist/${script}`, 'utf8');
    expect(code).toContain('minimeet-room');
    expect(code).toContain('minimeet-joined');
  });

  it('mounts <MinimeetRoom>, joins the call and hands the typed minimeet-joined to onMinimeetJoined', async () => {
    const { page, problems } = await openPage();
    await page.goto(`${app.url}/?skip-prejoin`);
    const room = page.locator('minimeet-room');
    await room.waitFor({ timeout: TIMEOUT });
    expect(await room.evaluate((el) => el.shadowRoot !== null)).toBe(true);
    // The app logs `detail.room.id` and `detail.room.localParticipant.name` from the typed event.
    const log = page.getByRole('list', { name: 'Call events' });
    await log.getByText('joined standup as React guest').waitFor({ timeout: TIMEOUT });
    await page.locator('minimeet-room[view="call"]').waitFor({ timeout: TIMEOUT });
    await room.locator('minimeet-participant-tile').first().waitFor({ timeout: TIMEOUT });
    expect(problems).toEqual([]);
  }, 60_000);
});

describe('examples/plain-html', () => {
  let backend: ChildProcess;
  let backendUrl: string;

  beforeAll(async () => {
    backend = spawn(process.execPath, ['server.mjs'], {
      cwd: PLAIN_HTML,
      env: {
        ...process.env,
        PORT: '0',
        MINIMEET_URL: server.url,
        MINIMEET_API_KEY_ID: key.id,
        MINIMEET_API_SECRET: key.secret,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    closers.push(() => backend.kill());
    backendUrl = await new Promise<string>((resolve, reject) => {
      backend.once('exit', (code) => reject(new Error(`server.mjs exited with ${code}`)));
      backend.stdout!.on('data', (chunk: Buffer) => {
        const url = /on (http:\/\/\S+?)\/\?/.exec(chunk.toString())?.[1];
        if (url) resolve(url);
      });
    });
  });

  it('serves the page with a join token for the visit, escaped into attributes', async () => {
    const res = await fetch(`${backendUrl}/?room=standup&name=${encodeURIComponent('<Ada>')}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`<script type="module" src="${server.url}/elements/minimeet-room.js">`);
    const token = /token="([^"]+)"/.exec(html)?.[1];
    expect(token?.split('.')).toHaveLength(3);
    const claims = JSON.parse(Buffer.from(token!.split('.')[1], 'base64url').toString()) as {
      name: string;
    };
    expect(claims.name).toBe('<Ada>');
    expect(html).not.toMatch(/\{\{\w+\}\}/);
  });

  it('loads minimeet-room.js from the server, upgrades the tag and connects with the token', async () => {
    const { page, problems } = await openPage();
    const modules: string[] = [];
    page.on('response', (r) => {
      if (r.url().startsWith(`${server.url}/elements/`)) modules.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(`${backendUrl}/?room=standup&name=Ada`);
    await page.waitForFunction(() => customElements.get('minimeet-room') !== undefined, undefined, {
      timeout: TIMEOUT,
    });
    expect(modules).toContain(`200 ${server.url}/elements/minimeet-room.js`);
    const room = page.locator('minimeet-room');
    expect(await room.evaluate((el) => el.shadowRoot !== null)).toBe(true);
    // The backend's token got the page through the server's handshake to the pre-join screen.
    await page.locator('minimeet-room[view="prejoin"]').waitFor({ timeout: TIMEOUT });
    expect(await room.locator('minimeet-prejoin [part="name-input"]').inputValue()).toBe('Ada');
    expect(problems).toEqual([]);
  });
  it(
    'two pages of the example call each other, see each other, chat and search',
    { timeout: 90_000 },
    async () => {
      const room = `pair-${randomUUID()}`;
      const ada = await openPage();
      const bob = await openPage();
      for (const [{ page }, name] of [
        [ada, 'Ada'],
        [bob, 'Bob'],
      ] as const) {
        await page.goto(`${backendUrl}/?room=${room}&name=${name}`);
        await page.locator('minimeet-prejoin [part="join-button"]').click({ timeout: TIMEOUT });
        await page.locator('minimeet-room[view="call"]').waitFor({ timeout: TIMEOUT });
      }
      // Each sees the other's tile and decodes the other's camera.
      for (const [{ page }, other] of [
        [ada, 'Bob'],
        [bob, 'Ada'],
      ] as const) {
        await page
          .locator('minimeet-participant-tile', { hasText: other })
          .first()
          .waitFor({ timeout: TIMEOUT });
        await expect.poll(() => framesDecoded(page), { timeout: TIMEOUT }).toBeGreaterThan(0);
      }
      // Ada writes in the room's chat panel; Bob reads it as text.
      await ada.page.locator('minimeet-room [part="control-bar"] [data-control="chat"]').click();
      const input = ada.page.locator('minimeet-chat textarea.input');
      await input.click();
      await input.pressSequentially('The plain page says <b>hello</b> to the haystack');
      await input.press('Enter');
      await bob.page.locator('minimeet-room [part="control-bar"] [data-control="chat"]').click();
      const received = bob.page.locator('minimeet-chat li[data-message-id] .t').last();
      await expect
        .poll(() => received.textContent(), { timeout: TIMEOUT })
        .toBe('The plain page says <b>hello</b> to the haystack');
      // Bob finds it again with the chat's search, the match marked.
      await bob.page.locator('minimeet-chat [part="search-toggle"]').click();
      const box = bob.page.locator('minimeet-chat [part="search-input"]');
      await box.fill('haystack');
      await box.press('Enter');
      const hit = bob.page.locator('minimeet-chat [part="search-hit"]');
      await hit.first().waitFor({ timeout: TIMEOUT });
      expect(await hit.count()).toBe(1);
      expect(await hit.locator('mark').allTextContents()).toEqual(['haystack']);
      expect(ada.problems).toEqual([]);
      expect(bob.problems).toEqual([]);
    },
  );
});
