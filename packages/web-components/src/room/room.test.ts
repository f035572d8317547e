import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startCoturn } from '@minimeet/server/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seriousAxeViolations } from '../test/axe.js';
import { startMinimeetServer, type RunningServer } from '../test/minimeet-server.js';
import {
  createHostKey,
  createRoom,
  deleteRoom,
  eventTypes,
  expiredJoinToken,
  framesDecoded,
  launchCallBrowser,
  mintJoinToken,
  mountRoom,
  newCallPage,
  registerUser,
  startElementAssets,
  type CallPageOptions,
  type HostKey,
} from '../test/room-fixture.js';
import type { StaticServer } from '../test/static-server.js';

// Real Chromium pages with nothing but <minimeet-room> call each other through the real server
// (rooms of up to four run mesh). One browser for the whole file; each test closes its pages.

const TIMEOUT = 20_000;
const LONG = 120_000;

let server: RunningServer;
let assets: StaticServer;
let browser: Browser;
let key: HostKey;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [server, assets, browser] = await Promise.all([
    startMinimeetServer(),
    startElementAssets(),
    launchCallBrowser(),
  ]);
  key = await createHostKey(server);
});

afterAll(async () => {
  await browser?.close();
  await assets?.close();
  await server?.close();
});

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

async function open(options: CallPageOptions = {}): Promise<Page> {
  const { context, page } = await newCallPage(browser, assets, options);
  contexts.push(context);
  return page;
}

async function roomPage(
  room: string,
  name: string,
  attributes: Record<string, string | true> = {},
  options: CallPageOptions = {},
): Promise<Page> {
  const page = await open(options);
  const token = await mintJoinToken(server, key, { name, room });
  await mountRoom(page, { server: server.url, room, token, ...attributes });
  return page;
}

const view = (page: Page, value: string) =>
  page.locator(`minimeet-room[view="${value}"]`).waitFor({ timeout: TIMEOUT });

/** The title of the error state, once the state is `code`. */
async function errorShown(page: Page, code: string): Promise<string> {
  await page.locator(`minimeet-room[error="${code}"]`).waitFor({ timeout: TIMEOUT });
  return (await page.locator('minimeet-room [part="state-title"]').innerText()).trim();
}

async function join(page: Page): Promise<void> {
  await view(page, 'prejoin');
  await page.locator('minimeet-prejoin [part="join-button"]').click();
  await view(page, 'call');
}

async function waitForFrames(page: Page): Promise<void> {
  await expect
    .poll(() => framesDecoded(page), { timeout: TIMEOUT, interval: 250 })
    .toBeGreaterThan(0);
}

/** Whether the page's own camera plays in its tile. */
function selfViewPlays(page: Page): Promise<boolean> {
  return page
    .locator('minimeet-room minimeet-participant-tile[local] [part="video"]')
    .evaluate((video: HTMLVideoElement) => video.readyState >= 2 && video.videoWidth > 0);
}

/** The accessible label of the tile of the participant named `name`. */
function tileLabel(page: Page, name: string): Promise<string | null> {
  return page
    .locator('minimeet-participant-tile:not([source="screen_share"])', { hasText: name })
    .first()
    .getAttribute('aria-label');
}

/** How many `type` events the page's room has dispatched so far. */
async function countEvents(page: Page, type: string): Promise<number> {
  return (await eventTypes(page)).filter((t) => t === type).length;
}

async function expectAccessible(page: Page): Promise<void> {
  expect(await seriousAxeViolations(page, 'minimeet-room')).toEqual([]);
}

/** Whether the control bar lies wholly inside the viewport. */
async function controlBarInView(page: Page): Promise<boolean> {
  const box = await page.locator('minimeet-room [part="control-bar"]').boundingBox();
  const size = page.viewportSize()!;
  return (
    box !== null &&
    box.y >= 0 &&
    box.x >= 0 &&
    box.y + box.height <= size.height + 0.5 &&
    box.x + box.width <= size.width + 0.5
  );
}

describe('<minimeet-room>', () => {
  it(
    'lets two pages call each other through the pre-join screen and see each other',
    async () => {
      const room = `call-${randomUUID()}`;
      const ada = await roomPage(room, 'Ada');
      const bob = await roomPage(room, 'Bob');
      await view(ada, 'prejoin');
      expect(await ada.locator('minimeet-prejoin [part="title"]').innerText()).toBe(
        'Ready to join?',
      );
      expect(await ada.locator('minimeet-prejoin [part="name-input"]').inputValue()).toBe('Ada');
      expect(
        await ada.locator('minimeet-prejoin [part="name-input"]').getAttribute('readonly'),
      ).not.toBeNull();
      await expectAccessible(ada);
      await join(ada);
      await join(bob);
      await waitForFrames(ada);
      await waitForFrames(bob);
      // Bob's own camera waits for Ada's video at his join, then plays.
      await expect.poll(() => selfViewPlays(bob), { timeout: TIMEOUT }).toBe(true);
      await expect
        .poll(() => ada.locator('minimeet-participant-tile').count(), { timeout: TIMEOUT })
        .toBe(2);
      expect(await tileLabel(ada, 'Bob')).toContain('Bob');
      expect(await eventTypes(ada)).toEqual(
        expect.arrayContaining([
          'minimeet-ready',
          'minimeet-joined',
          'minimeet-participant-joined',
          'minimeet-connection-state',
        ]),
      );
      await expectAccessible(ada);

      // The methods: mute, pin, open the chat panel, leave.
      await ada.evaluate(() => document.querySelector('minimeet-room')!.toggleMicrophone(false));
      await expect
        .poll(() => tileLabel(bob, 'Ada'), { timeout: TIMEOUT })
        .toContain('Microphone off');
      const bobId = await ada.evaluate(
        () => [...document.querySelector('minimeet-room')!.sdkRoom!.remoteParticipants.keys()][0],
      );
      await ada.evaluate((id) => document.querySelector('minimeet-room')!.pin(id), bobId);
      await ada
        .locator(
          'minimeet-room minimeet-video-grid [part="stage"] minimeet-participant-tile[pinned]',
        )
        .waitFor();
      await ada.locator('minimeet-room [part="control-bar"] [data-control="chat"]').click();
      await ada.locator('minimeet-room [part="panel"]:not([hidden])').waitFor();
      expect(await controlBarInView(ada)).toBe(true);
      await expectAccessible(ada);
      await ada.keyboard.press('Escape');
      await ada.locator('minimeet-room [part="panel"][hidden]').waitFor({ state: 'attached' });

      await ada.locator('minimeet-room [part="control-bar"] [data-control="leave"]').click();
      await view(ada, 'left');
      await expect
        .poll(() => bob.locator('minimeet-participant-tile').count(), { timeout: TIMEOUT })
        .toBe(1);
      expect(await eventTypes(ada)).toContain('minimeet-left');
      await expectAccessible(ada);
    },
    LONG,
  );

  it(
    'joins with the pre-join choices: muted stays muted for the others, and the choices are remembered',
    async () => {
      const room = `muted-${randomUUID()}`;
      const ada = await roomPage(room, 'Ada');
      await view(ada, 'prejoin');
      await ada.locator('minimeet-prejoin [part="microphone-toggle"]').click();
      await ada.locator('minimeet-prejoin [part="camera-toggle"]').click();
      expect(
        await ada
          .locator('minimeet-prejoin [part="microphone-toggle"]')
          .getAttribute('aria-pressed'),
      ).toBe('false');
      await ada.locator('minimeet-prejoin [part="join-button"]').click();
      await view(ada, 'call');
      const bob = await roomPage(room, 'Bob', { 'skip-prejoin': true });
      await view(bob, 'call');
      await expect
        .poll(() => tileLabel(bob, 'Ada'), { timeout: TIMEOUT })
        .toMatch(/Microphone off, Camera off/);
      // Still muted a while later: nothing turned the devices on behind the user's back.
      await bob.waitForTimeout(1500);
      expect(await tileLabel(bob, 'Ada')).toMatch(/Microphone off, Camera off/);
      expect(
        await ada
          .locator('minimeet-room [part="control-bar"] [data-control="microphone"]')
          .innerText(),
      ).toContain('Unmute');
      const published = await ada.evaluate(() => {
        const local = document.querySelector('minimeet-room')!.sdkRoom!.localParticipant;
        return [...local.trackPublications.values()].filter((p) => !p.isMuted).length;
      });
      expect(published).toBe(0);

      // The choices are remembered for the next visit.
      await ada.reload();
      await mountRoom(ada, {
        server: server.url,
        room,
        token: await mintJoinToken(server, key, { name: 'Ada', room }),
      });
      await view(ada, 'prejoin');
      expect(
        await ada
          .locator('minimeet-prejoin [part="microphone-toggle"]')
          .getAttribute('aria-pressed'),
      ).toBe('false');
      expect(
        await ada.locator('minimeet-prejoin [part="camera-toggle"]').getAttribute('aria-pressed'),
      ).toBe('false');
    },
    LONG,
  );

  it(
    'shows "room full" to a fifth participant of a room its host app capped at four',
    async () => {
      const room = await createRoom(server, key.accessToken, { name: 'Four seats', capacity: 4 });
      const quiet = { 'skip-prejoin': true, 'audio-muted': true, 'video-muted': true } as const;
      for (const name of ['A', 'B', 'C', 'D']) {
        const page = await roomPage(room, name, quiet, { viewport: { width: 640, height: 400 } });
        await view(page, 'call');
      }
      const fifth = await roomPage(room, 'E', quiet);
      expect(await errorShown(fifth, 'room_full')).toBe('This room is full');
      expect(await eventTypes(fifth)).toContain('minimeet-error');
      await expectAccessible(fifth);
    },
    LONG,
  );

  it(
    'asks for the password of a room that has one, and says when it is wrong',
    async () => {
      const owner = await registerUser(server, 'Owner');
      const roomId = await createRoom(server, owner.accessToken, {
        name: 'Locked',
        password: 'open sesame',
        visibility: 'public',
      });
      const visitor = await registerUser(server, 'Visitor');
      const page = await open();
      await mountRoom(page, {
        server: server.url,
        room: roomId,
        token: visitor.accessToken,
        'skip-prejoin': true,
        'video-muted': true,
      });
      expect(await errorShown(page, 'password_required')).toBe('This room needs a password');
      await expectAccessible(page);
      const input = page.locator('minimeet-room [part="password-form"] input');
      await input.fill('wrong one');
      await input.press('Enter');
      await page.locator('minimeet-room #password-error').waitFor({ timeout: TIMEOUT });
      expect(await input.getAttribute('aria-invalid')).toBe('true');
      await input.fill('open sesame');
      await input.press('Enter');
      await view(page, 'call');
    },
    LONG,
  );

  it(
    'asks for a private room\'s password up front or once told "not found", and says when it is wrong',
    async () => {
      const owner = await registerUser(server, 'Owner');
      const roomId = await createRoom(server, owner.accessToken, {
        name: 'Private',
        password: 'blue kettle',
        visibility: 'private',
      });
      const visitor = await registerUser(server, 'Visitor');

      // Up front: the pre-join screen has a password field.
      const asked = await open();
      await mountRoom(asked, {
        server: server.url,
        room: roomId,
        token: visitor.accessToken,
        'ask-password': true,
        'video-muted': true,
        'audio-muted': true,
      });
      await view(asked, 'prejoin');
      const field = asked.locator('minimeet-prejoin [part="password-input"]');
      expect(await field.getAttribute('type')).toBe('password');
      await expectAccessible(asked);
      await field.fill('red kettle');
      await asked.locator('minimeet-prejoin [part="join-button"]').click();
      expect(await errorShown(asked, 'password_required')).toBe('This room needs a password');
      expect(await asked.locator('minimeet-room #password-error').innerText()).toBe(
        'That password is not right. Try again.',
      );
      const retry = asked.locator('minimeet-room [part="password-form"] input');
      expect(await retry.getAttribute('aria-invalid')).toBe('true');
      await expectAccessible(asked);
      await retry.fill('blue kettle');
      await retry.press('Enter');
      await view(asked, 'call');

      // Without ask-password: the private room answers "not found"; a signed-in user is offered
      // the password form there.
      const told = await open();
      await mountRoom(told, {
        server: server.url,
        room: roomId,
        token: (await registerUser(server, 'Second visitor')).accessToken,
        'skip-prejoin': true,
        'video-muted': true,
        'audio-muted': true,
      });
      expect(await errorShown(told, 'not_found')).toBe('Room not found');
      expect(await told.locator('minimeet-room [part="state"] .state-body').innerText()).toBe(
        'Check the link. If the room is private, enter its password to join.',
      );
      await expectAccessible(told);
      const input = told.locator('minimeet-room [part="password-form"] input');
      await input.fill('blue kettle');
      await input.press('Enter');
      await view(told, 'call');
    },
    LONG,
  );

  it(
    'lets a signed-in user choose the name the others see, and remembers it for that user',
    async () => {
      const owner = await registerUser(server, 'Owner Account');
      const roomId = await createRoom(server, owner.accessToken, {
        name: 'Names',
        visibility: 'public',
      });
      const ada = await registerUser(server, 'Ada Account');
      const quiet = { 'video-muted': true, 'audio-muted': true } as const;
      const page = await open();
      await mountRoom(page, { server: server.url, room: roomId, token: ada.accessToken, ...quiet });
      await view(page, 'prejoin');
      const name = page.locator('minimeet-prejoin [part="name-input"]');
      expect(await name.inputValue()).toBe('Ada Account');
      expect(await name.getAttribute('readonly')).toBeNull();
      // An empty name is refused at the field, and nobody joins.
      await name.fill('  ');
      await page.locator('minimeet-prejoin [part="join-button"]').click();
      expect(await name.evaluate((input: HTMLInputElement) => input.validity.valid)).toBe(false);
      expect(await page.locator('minimeet-room').getAttribute('view')).toBe('prejoin');
      await name.fill('Ada at home');
      await page.locator('minimeet-prejoin [part="join-button"]').click();
      await view(page, 'call');
      expect(await tileLabel(page, 'Ada at home')).toMatch(/^Ada at home \(you\)/);

      // The others see the name chosen.
      const other = await open();
      await mountRoom(other, {
        server: server.url,
        room: roomId,
        token: owner.accessToken,
        'skip-prejoin': true,
        ...quiet,
      });
      await view(other, 'call');
      await expect
        .poll(() => tileLabel(other, 'Ada at home'), { timeout: TIMEOUT })
        .toMatch(/^Ada at home/);

      // The next visit suggests it again.
      await page.evaluate(() => document.querySelector('minimeet-room')!.remove());
      await mountRoom(page, { server: server.url, room: roomId, token: ada.accessToken, ...quiet });
      await view(page, 'prejoin');
      expect(await name.inputValue()).toBe('Ada at home');
    },
    LONG,
  );

  it(
    'shows an expired token, an invalid one and an unreachable server',
    async () => {
      const room = `errors-${randomUUID()}`;
      const expired = await open();
      await mountRoom(expired, {
        server: server.url,
        room,
        token: expiredJoinToken(key, 'Ada', room),
      });
      expect(await errorShown(expired, 'token_expired')).toBe('Your invitation has expired');
      await expectAccessible(expired);

      const invalid = await open();
      await mountRoom(invalid, { server: server.url, room, token: 'not-a-token' });
      expect(await errorShown(invalid, 'token_invalid')).toBe('This invitation is not valid');

      const unreachable = await open();
      await mountRoom(unreachable, {
        server: 'http://127.0.0.1:9',
        room,
        token: await mintJoinToken(server, key, { name: 'Ada', room }),
      });
      expect(await errorShown(unreachable, 'server_unreachable')).toBe(
        'The server cannot be reached',
      );
      await expectAccessible(unreachable);
      expect(
        await unreachable.locator('minimeet-room [part="state-actions"] button').innerText(),
      ).toContain('Try again');
    },
    LONG,
  );

  it(
    'shows "the room was closed" when the owner deletes the room during the call',
    async () => {
      const room = `closed-${randomUUID()}`;
      const ada = await roomPage(room, 'Ada', { 'skip-prejoin': true, 'video-muted': true });
      await view(ada, 'call');
      await deleteRoom(server, key.accessToken, room);
      expect(await errorShown(ada, 'room_closed')).toBe('The room was closed');
      expect(await eventTypes(ada)).toEqual(
        expect.arrayContaining(['minimeet-left', 'minimeet-error']),
      );
      await expectAccessible(ada);
    },
    LONG,
  );

  it(
    'shows one toast for a chat message from someone else, renewed rather than repeated by the next',
    async () => {
      const room = `toast-${randomUUID()}`;
      const quiet = { 'skip-prejoin': true, 'video-muted': true, 'audio-muted': true } as const;
      const ada = await roomPage(room, 'Ada', quiet);
      await view(ada, 'call');
      const bob = await roomPage(room, 'Bob', quiet);
      await view(bob, 'call');
      await ada
        .locator('minimeet-room [part~="toast"]', { hasText: 'Bob joined' })
        .waitFor({ timeout: TIMEOUT });
      // Ada has looked at the chat once: the panel's <minimeet-chat> has opened the conversation.
      await ada.evaluate(() => document.querySelector('minimeet-room')!.openPanel('chat'));
      await ada.locator('minimeet-room minimeet-chat').waitFor({ timeout: TIMEOUT });
      await ada.waitForTimeout(500);
      await ada.evaluate(() => document.querySelector('minimeet-room')!.openPanel(null));
      await bob.evaluate(() => document.querySelector('minimeet-room')!.sdkRoom!.chat.send('hi'));
      const toasts = ada.locator('minimeet-room [part~="toast"]', {
        hasText: 'New message from Bob',
      });
      await toasts.first().waitFor({ timeout: TIMEOUT });
      // A second toast would come with the same render or the next; give it the time of a few.
      await ada.waitForTimeout(1000);
      expect(await toasts.count()).toBe(1);
      expect(await countEvents(ada, 'minimeet-chat-message')).toBe(1);
      // A second message while the first one's toast is up renews it: still one toast.
      await bob.evaluate(() =>
        document.querySelector('minimeet-room')!.sdkRoom!.chat.send('are you there?'),
      );
      await expect
        .poll(() => countEvents(ada, 'minimeet-chat-message'), { timeout: TIMEOUT })
        .toBe(2);
      await ada.waitForTimeout(500);
      expect(await toasts.count()).toBe(1);
      // The sender sees no toast of their own message.
      expect(
        await bob.locator('minimeet-room [part~="toast"]', { hasText: 'New message' }).count(),
      ).toBe(0);
    },
    LONG,
  );

  it(
    'reports the microphone and camera when they change, not for the state at join',
    async () => {
      const room = `toggles-${randomUUID()}`;
      const page = await roomPage(room, 'Ada', {
        'skip-prejoin': true,
        'audio-muted': true,
        'video-muted': true,
      });
      await view(page, 'call');
      // The state at join is in minimeet-joined (detail.room.localParticipant), not an event.
      expect(await countEvents(page, 'minimeet-microphone-toggled')).toBe(0);
      expect(await countEvents(page, 'minimeet-camera-toggled')).toBe(0);
      await page.evaluate(() => document.querySelector('minimeet-room')!.toggleMicrophone(true));
      await page.evaluate(() => document.querySelector('minimeet-room')!.toggleCamera(true));
      await expect
        .poll(() => countEvents(page, 'minimeet-camera-toggled'), { timeout: TIMEOUT })
        .toBe(1);
      await page.evaluate(() => document.querySelector('minimeet-room')!.toggleMicrophone(false));
      await expect
        .poll(() => countEvents(page, 'minimeet-microphone-toggled'), { timeout: TIMEOUT })
        .toBe(2);
      const details = await page.evaluate(() =>
        (window as unknown as { events: { type: string; detail: { enabled: boolean } }[] }).events
          .filter((e) => e.type.endsWith('-toggled'))
          .map((e) => `${e.type.replace('minimeet-', '')} ${e.detail.enabled}`),
      );
      expect(details).toEqual([
        'microphone-toggled true',
        'camera-toggled true',
        'microphone-toggled false',
      ]);
    },
    LONG,
  );

  it(
    'shows the removed state when the owner ends the membership during the call',
    async () => {
      const owner = await registerUser(server, 'Owner');
      const roomId = await createRoom(server, owner.accessToken, {
        name: 'Members only',
        visibility: 'public',
      });
      const member = await registerUser(server, 'Mallory');
      const joined = await fetch(`${server.url}/api/rooms/${roomId}/join`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${member.accessToken}`,
        },
        body: '{}',
      });
      expect(joined.ok).toBe(true);
      const page = await open();
      await mountRoom(page, {
        server: server.url,
        room: roomId,
        token: member.accessToken,
        'skip-prejoin': true,
        'video-muted': true,
      });
      await view(page, 'call');
      const removed = await fetch(`${server.url}/api/rooms/${roomId}/members/${member.userId}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${owner.accessToken}` },
      });
      expect(removed.status).toBe(204);
      expect(await errorShown(page, 'removed')).toBe('You were removed from the room');
      expect(await eventTypes(page)).toEqual(
        expect.arrayContaining(['minimeet-left', 'minimeet-error']),
      );
      await expectAccessible(page);
    },
    LONG,
  );

  it(
    'shows the reconnecting banner while the network is cut, and takes it away once back',
    async () => {
      const room = `reconnect-${randomUUID()}`;
      const page = await open();
      // Keep the page's WebSockets within reach, before the room opens its own.
      await page.evaluate(() => {
        const sockets: WebSocket[] = [];
        (window as unknown as { sockets: WebSocket[] }).sockets = sockets;
        window.WebSocket = class extends WebSocket {
          constructor(url: string | URL, protocols?: string | string[]) {
            super(url, protocols);
            sockets.push(this);
          }
        };
      });
      const token = await mintJoinToken(server, key, { name: 'Ada', room });
      await mountRoom(page, {
        server: server.url,
        room,
        token,
        'skip-prejoin': true,
        'video-muted': true,
      });
      await view(page, 'call');
      const banner = page.locator('minimeet-room [part="banner"]');
      expect(await banner.count()).toBe(0);
      // DevTools' offline emulation: new connections fail; the open WebSocket is closed by the page
      // (kept above), as a network cut closes it.
      await page.context().setOffline(true);
      await page.evaluate(() => {
        for (const socket of (window as unknown as { sockets: WebSocket[] }).sockets)
          socket.close();
      });
      await banner.waitFor({ timeout: TIMEOUT });
      expect(await banner.innerText()).toMatch(/reconnect/i);
      await expectAccessible(page);
      await page.context().setOffline(false);
      await banner.waitFor({ state: 'detached', timeout: 30_000 });
      await view(page, 'call');
      await page.getByText('Reconnected').first().waitFor({ timeout: TIMEOUT });
    },
    LONG,
  );

  it(
    'checks STUN and TURN on the pre-join screen with the server’s ICE servers, and gets a relay',
    async () => {
      const coturn = await startCoturn();
      const withTurn = await startMinimeetServer({
        ICE_STUN_URLS: `stun:127.0.0.1:${coturn.port}`,
        TURN_URLS: `turn:127.0.0.1:${coturn.port}?transport=udp`,
        TURN_SECRET: coturn.secret,
      });
      try {
        const turnKey = await createHostKey(withTurn);
        const room = `check-${randomUUID()}`;
        const page = await open();
        const token = await mintJoinToken(withTurn, turnKey, { name: 'Ada', room });
        const asked: string[] = [];
        page.on('response', (r) => {
          if (r.url().endsWith('/api/ice-servers')) asked.push(String(r.status()));
        });
        await mountRoom(page, { server: withTurn.url, room, token });
        await view(page, 'prejoin');
        const media = page.locator('minimeet-prejoin [part="check"] li[data-check="media"]');
        await media.and(page.locator('[data-status="ok"]')).waitFor({ timeout: TIMEOUT });
        expect(asked).toEqual(['200']);
        expect(await media.getAttribute('data-relay')).toBe('true');
        expect(await media.innerText()).toContain('Reachable');
      } finally {
        await withTurn.close();
        await coturn.stop();
      }
    },
    LONG,
  );

  it(
    'helps when the browser blocks camera and microphone',
    async () => {
      const room = `denied-${randomUUID()}`;
      const prejoin = await roomPage(room, 'Ada', {}, { grant: false });
      await view(prejoin, 'prejoin');
      await prejoin
        .locator('minimeet-prejoin [part="permission-help"]')
        .waitFor({ timeout: TIMEOUT });
      expect(await eventTypes(prejoin)).toContain('minimeet-device-permission-denied');
      await expectAccessible(prejoin);

      const direct = await roomPage(room, 'Bob', { 'skip-prejoin': true }, { grant: false });
      expect(await errorShown(direct, 'permission_denied')).toBe(
        'Camera and microphone are blocked',
      );
      await expectAccessible(direct);
      // Joining without devices still works.
      await direct
        .locator('minimeet-room [part="state-actions"] button', {
          hasText: 'Join without camera and microphone',
        })
        .click();
      await view(direct, 'call');
    },
    LONG,
  );

  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ]) {
    it(
      `keeps the control bar on screen at ${viewport.width}×${viewport.height}, in dark and right to left`,
      async () => {
        const room = `viewport-${randomUUID()}`;
        const page = await roomPage(
          room,
          'Ada',
          { 'skip-prejoin': true, theme: 'dark', lang: 'ar' },
          { viewport },
        );
        await view(page, 'call');
        expect(await controlBarInView(page)).toBe(true);
        expect(await page.locator('minimeet-room [part="base"]').first().getAttribute('dir')).toBe(
          'rtl',
        );
        expect(
          await page
            .locator('minimeet-room [part="control-bar"] [data-control="leave"]')
            .getAttribute('part'),
        ).toContain('leave-button');
        await page
          .locator('minimeet-room [part="control-bar"] [data-control="participants"]')
          .click();
        expect(await controlBarInView(page)).toBe(true);
        await expectAccessible(page);
        // The grid by keyboard: focus a tile, pin it with Enter.
        await page
          .locator('minimeet-room [part="control-bar"] [data-control="participants"]')
          .click();
        await page.locator('minimeet-room minimeet-participant-tile').first().focus();
        await page.keyboard.press('Enter');
        await page
          .locator('minimeet-room minimeet-participant-tile[pinned]')
          .waitFor({ timeout: TIMEOUT });
      },
      LONG,
    );
  }
});
