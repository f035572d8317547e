import type { AuthSession } from '@minimeet/sdk';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousAxeViolations } from '../test/axe.js';
import { launchChromium } from '../test/chromium.js';
import { startMinimeetServer, type RunningServer } from '../test/minimeet-server.js';
import {
  connectInPage,
  createSharedRoom,
  fixtureRoutes,
  register,
  type PartsWindow,
} from '../test/parts.js';
import { startStaticServer, type StaticServer } from '../test/static-server.js';

// Ada's page shows Grace's presence with <minimeet-presence-badge>, bound to the SDK's
// PresenceManager, while Grace's page goes busy, sets a status text and disconnects.

const TIMEOUT = 10_000;

let server: RunningServer;
let assets: StaticServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let ada: Page;
let grace: Page;
let graceSession: AuthSession;

async function openPage(session: AuthSession): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  await page.goto(assets.url);
  await connectInPage(page, server.url, session.accessToken);
  return page;
}

const badge = () => ada.locator('minimeet-presence-badge#grace');
const compact = () => ada.locator('minimeet-presence-badge#compact');
const label = () => badge().locator('[part="base"]').innerText();

beforeAll(async () => {
  assets = await startStaticServer(fixtureRoutes());
  server = await startMinimeetServer();
  browser = await launchChromium();
  const adaSession = await register(server, 'Ada Lovelace');
  graceSession = await register(server, 'Grace Hopper');
  await createSharedRoom(server, adaSession, [graceSession]);
  ada = await openPage(adaSession);
  grace = await openPage(graceSession);
  await ada.evaluate((userId) => {
    const w = window as unknown as PartsWindow;
    for (const id of ['grace', 'compact']) {
      const element = document.createElement('minimeet-presence-badge');
      element.id = id;
      element.client = w.client;
      element.userId = userId;
      element.compact = id === 'compact';
      element.addEventListener('minimeet-presence-changed', (event) => {
        if (id === 'grace')
          w.events.push({ type: event.type, detail: event.detail.presence.state });
      });
      document.getElementById('stage')!.append(element);
    }
  }, graceSession.user.id);
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await server?.close();
  await assets?.close();
});

describe('<minimeet-presence-badge>', () => {
  it('follows the user by itself and shows them online', async () => {
    await expect.poll(() => badge().getAttribute('state'), { timeout: TIMEOUT }).toBe('online');
    expect(await label()).toBe('Online');
    expect(await compact().locator('[role="img"]').getAttribute('aria-label')).toBe('Online');
    expect(await seriousAxeViolations(ada, 'minimeet-presence-badge')).toEqual([]);
  });

  it('shows busy with the status text the user set', async () => {
    await grace.evaluate(() =>
      (window as unknown as PartsWindow).client.presence.setStatus({
        busy: true,
        text: 'Writing <b>the</b> report',
      }),
    );
    await expect.poll(() => badge().getAttribute('state'), { timeout: TIMEOUT }).toBe('busy');
    expect(await badge().locator('[part="status"]').innerText()).toContain(
      'Writing <b>the</b> report',
    );
    expect(await compact().locator('[role="img"]').getAttribute('aria-label')).toBe(
      'Busy: Writing <b>the</b> report',
    );
    expect(await seriousAxeViolations(ada, 'minimeet-presence-badge')).toEqual([]);
  });

  it('shows offline with when the user was last seen', async () => {
    await grace.evaluate(() => (window as unknown as PartsWindow).client.disconnect());
    await expect.poll(() => badge().getAttribute('state'), { timeout: TIMEOUT }).toBe('offline');
    expect(await badge().locator('[part="last-seen"]').innerText()).toMatch(/last seen now/);
    expect(
      await ada.evaluate(() =>
        (window as unknown as PartsWindow).events.map((e) => e.detail as string),
      ),
    ).toEqual(['online', 'busy', 'offline']);
    expect(await seriousAxeViolations(ada, 'minimeet-presence-badge')).toEqual([]);
  });

  it('shows a presence it is given, in the page’s language', async () => {
    await ada.evaluate(() => {
      const element = document.createElement('minimeet-presence-badge');
      element.id = 'given';
      element.lang = 'de';
      element.value = {
        userId: 'u1',
        state: 'away',
        roomId: null,
        statusText: null,
        lastSeenAt: null,
      };
      document.getElementById('stage')!.append(element);
    });
    const given = ada.locator('minimeet-presence-badge#given');
    await expect.poll(() => given.getAttribute('state')).toBe('away');
    expect(await given.locator('[part="label"]').textContent()).toBe('Abwesend');
  });
});
