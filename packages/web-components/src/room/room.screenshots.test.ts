import { mkdir } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMinimeetServer, type RunningServer } from '../test/minimeet-server.js';
import {
  createHostKey,
  createRoom,
  expiredJoinToken,
  framesDecoded,
  launchCallBrowser,
  mintJoinToken,
  mountRoom,
  newCallPage,
  registerUser,
  startElementAssets,
  type HostKey,
} from '../test/room-fixture.js';
import type { StaticServer } from '../test/static-server.js';

// Not a test: the screenshots a reviewer looks at. Run with
//   MINIMEET_SCREENSHOTS=/work/screens/element pnpm exec vitest run src/room/room.screenshots.test.ts
const OUT = process.env.MINIMEET_SCREENSHOTS;
const TIMEOUT = 20_000;

describe.skipIf(!OUT)('screenshots of <minimeet-room>', () => {
  let server: RunningServer;
  let assets: StaticServer;
  let browser: Browser;
  let key: HostKey;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await mkdir(OUT!, { recursive: true });
    [server, assets, browser] = await Promise.all([
      startMinimeetServer(),
      startElementAssets(),
      launchCallBrowser([
        '--use-fake-ui-for-media-stream',
        '--auto-select-desktop-capture-source=Entire screen',
      ]),
    ]);
    key = await createHostKey(server);
  });

  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await browser?.close();
    await assets?.close();
    await server?.close();
  });

  async function person(
    room: string,
    name: string,
    viewport: { width: number; height: number },
    attributes: Record<string, string | true> = {},
    role: 'owner' | 'member' = 'member',
  ): Promise<Page> {
    const { context, page } = await newCallPage(browser, assets, { viewport });
    contexts.push(context);
    const token = await mintJoinToken(server, key, { name, room, role });
    await mountRoom(page, { server: server.url, room, token, ...attributes });
    return page;
  }

  const setAttr = (page: Page, name: string, value: string | null) =>
    page.evaluate(
      ([name, value]) => {
        const room = document.querySelector('minimeet-room')!;
        if (value === null) room.removeAttribute(name!);
        else room.setAttribute(name!, value);
      },
      [name, value],
    );

  const shot = async (page: Page, name: string) => {
    await page.waitForTimeout(700);
    const { width, height } = page.viewportSize()!;
    await page.screenshot({ path: `${OUT}/${name}-${width}x${height}.png` });
  };

  const inView = async (page: Page, view: string) => {
    try {
      await page
        .locator(`minimeet-room[view="${view}"]`)
        .waitFor({ timeout: TIMEOUT, state: 'attached' });
    } catch (error) {
      const state = await page.evaluate(() => {
        const room = document.querySelector('minimeet-room');
        return `${room?.getAttribute('view')} ${room?.getAttribute('error')}`;
      });
      throw new Error(`waiting for ${view}, the room is ${state}`, { cause: error });
    }
  };

  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ]) {
    it(`at ${viewport.width}×${viewport.height}`, async () => {
      try {
        await screenshotsAt(viewport);
      } finally {
        for (const context of contexts.splice(0)) await context.close();
      }
    }, 180_000);
    it(`of hosts in control at ${viewport.width}×${viewport.height}`, async () => {
      try {
        await moderationScreenshots(viewport);
      } finally {
        for (const context of contexts.splice(0)) await context.close();
      }
    }, 180_000);
  }

  async function screenshotsAt(viewport: { width: number; height: number }): Promise<void> {
    {
      const small = { width: 640, height: 400 };
      const room = `screens-${randomUUID()}`;
      const ada = await person(room, 'Ada Lovelace', viewport);
      await inView(ada, 'prejoin');
      await shot(ada, 'prejoin');
      await setAttr(ada, 'theme', 'dark');
      await shot(ada, 'prejoin-dark');
      await setAttr(ada, 'theme', null);
      await setAttr(ada, 'lang', 'ar');
      await shot(ada, 'prejoin-rtl');
      await setAttr(ada, 'lang', null);

      await ada.locator('minimeet-prejoin [part="join-button"]').click();
      await inView(ada, 'call');
      const bob = await person(room, 'Bob Kahn', small, { 'skip-prejoin': true });
      await inView(bob, 'call');
      await expect.poll(() => framesDecoded(ada), { timeout: TIMEOUT }).toBeGreaterThan(0);
      await shot(ada, 'call-2');
      await setAttr(ada, 'theme', 'dark');
      await shot(ada, 'call-2-dark');
      await setAttr(ada, 'lang', 'ar');
      await shot(ada, 'call-2-dark-rtl');
      await setAttr(ada, 'theme', null);
      await shot(ada, 'call-2-rtl');
      await setAttr(ada, 'lang', null);

      await ada.locator('minimeet-room [part="control-bar"] [data-control="settings"]').click();
      await shot(ada, 'call-2-settings');
      await ada.locator('minimeet-room [part="panel-close"]').click();

      for (const text of [
        'Morning! Shall we go through the release notes?',
        'Yes, I have the draft open.',
      ])
        await bob.evaluate(
          (text) => document.querySelector('minimeet-room')!.sdkRoom!.chat.send(text),
          text,
        );
      await ada.locator('minimeet-room [part="control-bar"] [data-control="chat"]').click();
      await ada.locator('minimeet-chat textarea.input').fill('Great, the release notes are next.');
      await ada.locator('minimeet-chat textarea.input').press('Enter');
      await ada
        .locator('minimeet-chat li[data-message-id]', { hasText: 'release notes are next' })
        .waitFor({ timeout: TIMEOUT });
      await shot(ada, 'call-2-chat');
      await ada.locator('minimeet-chat [part="search-toggle"]').click();
      await ada.locator('minimeet-chat [part="search-input"]').fill('release');
      await ada.locator('minimeet-chat [part="search-input"]').press('Enter');
      await ada.locator('minimeet-chat [part="search-hit"]').first().waitFor({ timeout: TIMEOUT });
      await shot(ada, 'call-2-chat-search');
      await ada.locator('minimeet-room [part="control-bar"] [data-control="participants"]').click();
      await ada
        .locator('minimeet-participant-list li.participant')
        .nth(1)
        .waitFor({ timeout: TIMEOUT });
      await shot(ada, 'call-2-participants');
      await ada.locator('minimeet-room [part="panel-close"]').click();

      await bob.evaluate(() => document.querySelector('minimeet-room')!.toggleScreenShare(true));
      await ada
        .locator('minimeet-room minimeet-participant-tile[source="screen_share"]')
        .waitFor({ timeout: TIMEOUT });
      await ada.waitForTimeout(1500);
      await shot(ada, 'screen-share');
      await bob.evaluate(() => document.querySelector('minimeet-room')!.toggleScreenShare(false));

      const carol = await person(room, 'Carol Shaw', small, { 'skip-prejoin': true });
      const dan = await person(room, 'Dan Bricklin', small, {
        'skip-prejoin': true,
        'video-muted': true,
      });
      await inView(carol, 'call');
      await inView(dan, 'call');
      await expect
        .poll(() => ada.locator('minimeet-participant-tile').count(), { timeout: TIMEOUT })
        .toBe(4);
      await ada.waitForTimeout(2500);
      await shot(ada, 'call-4');
      await setAttr(ada, 'theme', 'dark');
      await shot(ada, 'call-4-dark');
      await setAttr(ada, 'theme', null);

      await ada.locator('minimeet-room [part="control-bar"] [data-control="leave"]').click();
      await inView(ada, 'left');
      await shot(ada, 'left');
    }
    {
      // A signed-in user and a private room with a password: the name is editable, the password
      // asked up front; then a wrong password, and "not found" with the form.
      const owner = await registerUser(server, 'Owner');
      const roomId = await createRoom(server, owner.accessToken, {
        name: 'Board meeting',
        password: 'blue kettle',
        visibility: 'private',
      });
      const grace = await registerUser(server, 'Grace Hopper');
      const { context, page } = await newCallPage(browser, assets, { viewport });
      contexts.push(context);
      const base = { server: server.url, room: roomId, token: grace.accessToken } as const;
      await mountRoom(page, { ...base, 'ask-password': true });
      await inView(page, 'prejoin');
      await page.locator('minimeet-prejoin [part="password-input"]').fill('red kettle');
      await shot(page, 'prejoin-user-password');
      await page.locator('minimeet-prejoin [part="join-button"]').click();
      await page.locator('minimeet-room #password-error').waitFor({ timeout: TIMEOUT });
      await shot(page, 'error-password-wrong');
      await page.evaluate(() => document.querySelector('minimeet-room')!.remove());
      await mountRoom(page, { ...base, 'skip-prejoin': true });
      await page.locator('minimeet-room[error="not_found"]').waitFor({ timeout: TIMEOUT });
      await shot(page, 'error-not-found-password');
      await page.evaluate(() => document.querySelector('minimeet-room')!.remove());
      await mountRoom(page, {
        server: server.url,
        room: 'expired',
        token: expiredJoinToken(key, 'Grace', 'expired'),
      });
      await page.locator('minimeet-room[error="token_expired"]').waitFor({ timeout: TIMEOUT });
      await shot(page, 'error-token-expired');
      await page.evaluate(() => document.querySelector('minimeet-room')!.remove());
      await mountRoom(page, { server: 'http://127.0.0.1:9', room: 'x', token: grace.accessToken });
      await page.locator('minimeet-room[error="server_unreachable"]').waitFor({ timeout: 60_000 });
      await shot(page, 'error-unreachable');
    }
  }

  /** Hosts in control: a tile's host menu, raised hands, the lobby on both sides, a removal, a lock. */
  async function moderationScreenshots(viewport: { width: number; height: number }): Promise<void> {
    const small = { width: 640, height: 400 };
    const room = `screens-mod-${randomUUID()}`;
    const join = { 'skip-prejoin': true } as const;
    const host = await person(room, 'Grace Hopper', viewport, join, 'owner');
    await inView(host, 'call');
    const bob = await person(room, 'Bob Kahn', small, join);
    const carol = await person(room, 'Carol Shaw', viewport, { ...join, 'video-muted': true });
    await Promise.all([inView(bob, 'call'), inView(carol, 'call')]);
    await expect.poll(() => framesDecoded(host), { timeout: TIMEOUT }).toBeGreaterThan(0);
    const tile = (page: Page, name: string) =>
      page.locator('minimeet-participant-tile:not([source="screen_share"])', { hasText: name });

    await tile(host, 'Bob Kahn').hover();
    await tile(host, 'Bob Kahn').locator('[part="host-button"]').click();
    await tile(host, 'Bob Kahn').locator('[part="menu"]').waitFor({ timeout: TIMEOUT });
    await shot(host, 'host-menu');
    await setAttr(host, 'theme', 'dark');
    await shot(host, 'host-menu-dark');
    await setAttr(host, 'theme', null);
    await host.keyboard.press('Escape');

    await tile(host, 'Carol Shaw').locator('[part="host-button"]').click({ force: true });
    await tile(host, 'Carol Shaw').locator('[data-action="mute-microphone"]').click();
    await carol
      .locator('minimeet-room [part~="toast"]', { hasText: 'muted your microphone' })
      .waitFor({ timeout: TIMEOUT });
    await shot(carol, 'muted-by-host');

    await carol.locator('minimeet-control-bar [data-control="hand"]').click();
    await host.locator('minimeet-participant-tile [part="hand"][data-order="1"]').waitFor();
    await bob.locator('minimeet-control-bar [data-control="hand"]').click();
    await host.locator('minimeet-participant-tile [part="hand"][data-order="2"]').waitFor();
    await shot(host, 'raised-hands-tiles');
    await host.locator('minimeet-control-bar [data-control="participants"]').click();
    await host.locator('minimeet-participant-list [part="hand"]').nth(1).waitFor();
    await shot(host, 'raised-hands');
    await shot(carol, 'raised-hand-own');

    await host.locator('minimeet-participant-list [data-action="lobby"]').click();
    await host
      .locator('minimeet-participant-list [data-action="lobby"][aria-pressed="true"]')
      .waitFor({ timeout: TIMEOUT });
    const guest = await person(room, 'Ada Lovelace', viewport, { ...join, 'video-muted': true });
    await inView(guest, 'lobby');
    await shot(guest, 'lobby-waiting');
    await setAttr(guest, 'lang', 'ar');
    await shot(guest, 'lobby-waiting-rtl');
    await setAttr(guest, 'lang', null);
    await host.locator('minimeet-participant-list [part="lobby-entry"]').waitFor();
    await shot(host, 'lobby-queue');
    await setAttr(host, 'lang', 'de');
    await shot(host, 'lobby-queue-de');
    await setAttr(host, 'lang', null);
    await host.locator('minimeet-participant-list [part="admit-button"]').click();
    await inView(guest, 'call');

    await host
      .locator('minimeet-participant-list li[data-participant-id]', { hasText: 'Carol Shaw' })
      .locator('[part="host-button"]')
      .click();
    await host.locator('minimeet-participant-list [data-action="remove"]').click();
    const dialog = host.locator('minimeet-participant-list [part="confirm-dialog"]');
    await dialog.locator('select').selectOption('600');
    await shot(host, 'remove-confirm');
    await dialog.locator('[part="confirm-button"]').click();
    await carol.locator('minimeet-room[error="removed"]').waitFor({ timeout: TIMEOUT });
    await shot(carol, 'removed');

    // With the lobby on, a newcomer to a locked room would knock; without it, the lock refuses.
    await host.locator('minimeet-participant-list [data-action="lobby"]').click();
    await host
      .locator('minimeet-participant-list [data-action="lobby"][aria-pressed="false"]')
      .waitFor({ timeout: TIMEOUT });
    await host.locator('minimeet-participant-list [data-action="lock"]').click();
    await host
      .locator('minimeet-participant-list [data-action="lock"][aria-pressed="true"]')
      .waitFor({ timeout: TIMEOUT });
    const late = await person(room, 'Late Larry', viewport, join);
    await late.locator('minimeet-room[error="room_locked"]').waitFor({ timeout: TIMEOUT });
    await shot(late, 'room-locked');

    await host.locator('minimeet-participant-list [data-action="end-call"]').click();
    await host.locator('minimeet-participant-list [part="confirm-button"]').click();
    await guest.locator('minimeet-room[error="room_closed"]').waitFor({ timeout: TIMEOUT });
    await shot(guest, 'call-ended');
  }
});
