import type { AuthSession } from '@minimeet/sdk';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousAxeViolations } from '../test/axe.js';
import { startMinimeetServer, type RunningServer } from '../test/minimeet-server.js';
import {
  connectInPage,
  createSharedRoom,
  fixtureRoutes,
  launchCallBrowser,
  register,
  type PartsWindow,
} from '../test/parts.js';
import { startStaticServer, type StaticServer } from '../test/static-server.js';

// Two people in a real call (fake camera and microphone, mesh over loopback): Ada's
// <minimeet-participant-list> shows herself first, then Grace, with Grace's microphone, presence
// and departure as they change. Needs `pnpm build` first.

const TIMEOUT = 10_000;
const SCREENS = process.env.MINIMEET_SCREENS_DIR;

let server: RunningServer;
let assets: StaticServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let ada: Page;
let grace: Page;
let adaSession: AuthSession;
let graceSession: AuthSession;
let roomId: string;
const problems: string[] = [];

async function openPage(session: AuthSession): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.goto(assets.url);
  await connectInPage(page, server.url, session.accessToken);
  return page;
}

async function join(page: Page, audio: boolean): Promise<void> {
  await page.evaluate(
    async ({ roomId, audio }) => {
      const w = window as unknown as PartsWindow;
      // Samples every second, so that a level shows within the test's patience.
      w.room = await w.client.joinRoom(roomId, {
        audio,
        video: false,
        quality: { sampleIntervalMs: 1000 },
      });
    },
    { roomId, audio },
  );
}

const rows = () => ada.locator('minimeet-participant-list li[data-participant-id]');

beforeAll(async () => {
  assets = await startStaticServer(fixtureRoutes());
  server = await startMinimeetServer();
  browser = await launchCallBrowser();
  adaSession = await register(server, 'Ada Lovelace');
  graceSession = await register(server, 'Grace Hopper');
  roomId = await createSharedRoom(server, adaSession, [graceSession]);
  ada = await openPage(adaSession);
  grace = await openPage(graceSession);
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await server?.close();
  await assets?.close();
});

describe('<minimeet-participant-list>', () => {
  it('says nobody is listed before the call', async () => {
    await ada.evaluate(() => {
      const w = window as unknown as PartsWindow;
      const list = document.createElement('minimeet-participant-list');
      list.client = w.client;
      document.getElementById('stage')!.append(list);
    });
    await ada
      .locator('minimeet-participant-list .empty')
      .filter({ hasText: 'Nobody is listed until the call has started.' })
      .waitFor();
    expect(await ada.locator('minimeet-participant-list [part="count"]').textContent()).toContain(
      '0',
    );
  });

  it('lists the local participant first, then who joins, with their microphone state', async () => {
    await join(ada, false);
    await ada.evaluate(() => {
      const w = window as unknown as PartsWindow;
      document.querySelector('minimeet-participant-list')!.room = w.room;
    });
    await expect.poll(() => rows().count()).toBe(1);
    expect(await rows().first().locator('[part="name"]').textContent()).toBe('Ada Lovelace (you)');
    expect(await rows().first().getAttribute('part')).toContain('local');

    await join(grace, true);
    await expect.poll(() => rows().count(), { timeout: TIMEOUT }).toBe(2);
    const graceRow = rows().nth(1);
    expect(await graceRow.locator('[part="name"]').textContent()).toBe('Grace Hopper');
    await expect
      .poll(() => graceRow.locator('[part="microphone"]').getAttribute('aria-label'))
      .toBe('Microphone on');
    expect(await graceRow.locator('[part="camera"]').getAttribute('aria-label')).toBe('Camera off');
    expect(
      (await ada.locator('minimeet-participant-list [part="title"]').textContent())?.replace(
        /\s+/g,
        ' ',
      ),
    ).toContain('Participants (2)');
    // The owner is the host.
    expect(await rows().first().locator('[part="role"]').textContent()).toBe('Host');
  });

  it('shows Grace muting and unmuting her microphone', async () => {
    const mic = rows().nth(1).locator('[part="microphone"]');
    await grace.evaluate(() =>
      (window as unknown as PartsWindow).room!.localParticipant.setMicrophoneEnabled(false),
    );
    await expect
      .poll(() => mic.getAttribute('aria-label'), { timeout: TIMEOUT })
      .toBe('Microphone off');
    await grace.evaluate(() =>
      (window as unknown as PartsWindow).room!.localParticipant.setMicrophoneEnabled(true),
    );
    await expect
      .poll(() => mic.getAttribute('aria-label'), { timeout: TIMEOUT })
      .toBe('Microphone on');
  });

  it('shows each person’s presence', async () => {
    const badge = rows().nth(1).locator('minimeet-presence-badge');
    await expect.poll(() => badge.getAttribute('state'), { timeout: TIMEOUT }).toBe('in_call');
    expect(await badge.locator('[part="label"]').textContent()).toBe('In a call');
  });

  it('shows Grace’s connection quality, in the list and on her tile, once it is measured', async () => {
    const levels = ['excellent', 'good', 'poor', 'lost'];
    const quality = rows().nth(1).locator('[part="quality"]');
    await expect
      .poll(() => quality.getAttribute('data-quality'), { timeout: TIMEOUT })
      .toBeOneOf(levels);
    expect(await quality.getAttribute('role')).toBe('img');
    expect(await quality.getAttribute('aria-label')).toMatch(/connection/i);
    expect(await quality.locator('svg rect').count()).toBe(3);

    // The same level as bars on her tile, labelled in the tile's language.
    await ada.evaluate(() => {
      const w = window as unknown as PartsWindow;
      const tile = document.createElement('minimeet-participant-tile');
      tile.lang = 'de';
      tile.participant = [...w.room!.remoteParticipants.values()][0];
      document.body.append(tile);
    });
    const tileQuality = ada.locator('minimeet-participant-tile [part="quality"]');
    await expect
      .poll(() => tileQuality.getAttribute('data-quality'), { timeout: TIMEOUT })
      .toBeOneOf(levels);
    expect(await tileQuality.getAttribute('aria-label')).toMatch(/Verbindung/);
    await ada.evaluate(() => document.querySelector('minimeet-participant-tile')!.remove());
  });

  it('moves between people with the arrow keys, with one Tab stop', async () => {
    expect(await ada.locator('minimeet-participant-list li[tabindex="0"]').count()).toBe(1);
    await rows().first().focus();
    await ada.keyboard.press('ArrowDown');
    const focused = () =>
      ada.evaluate(
        () =>
          (
            document.querySelector('minimeet-participant-list')!.shadowRoot!
              .activeElement as HTMLElement
          )?.dataset.participantId,
      );
    expect(await focused()).toBe(await rows().nth(1).getAttribute('data-participant-id'));
    await ada.keyboard.press('Home');
    expect(await focused()).toBe(await rows().first().getAttribute('data-participant-id'));
    expect(await seriousAxeViolations(ada, 'minimeet-participant-list')).toEqual([]);
    if (SCREENS) await ada.screenshot({ path: `${SCREENS}/participant-list-test.png` });
  });

  it('removes whoever leaves', async () => {
    await grace.evaluate(() => (window as unknown as PartsWindow).room!.leave());
    await expect.poll(() => rows().count(), { timeout: TIMEOUT }).toBe(1);
    expect(problems).toEqual([]);
  });
});
