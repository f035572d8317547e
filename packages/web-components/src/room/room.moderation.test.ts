import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seriousAxeViolations } from '../test/axe.js';
import { startMinimeetServer, type RunningServer } from '../test/minimeet-server.js';
import {
  createHostKey,
  eventTypes,
  launchCallBrowser,
  mintJoinToken,
  mountRoom,
  newCallPage,
  startElementAssets,
  type HostKey,
} from '../test/room-fixture.js';
import type { StaticServer } from '../test/static-server.js';

// Hosts in control, through nothing but <minimeet-room> in real Chromium pages and the real
// server: what a host clicks, and what the person on the other end sees. Cameras stay off (the
// fake camera costs CPU and nothing here needs it); microphones are on where a mute is tested.

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
    launchCallBrowser(['--use-fake-ui-for-media-stream']),
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

/** A page whose `<minimeet-room>` joins `room` at once as `name`, a host when `role` says so. */
async function person(
  room: string,
  name: string,
  role: 'owner' | 'moderator' | 'member' = 'member',
  attributes: Record<string, string | true> = {},
): Promise<Page> {
  const { context, page } = await newCallPage(browser, assets, {
    viewport: { width: 1024, height: 700 },
  });
  contexts.push(context);
  const token = await mintJoinToken(server, key, { name, room, role });
  await mountRoom(page, {
    server: server.url,
    room,
    token,
    'skip-prejoin': true,
    'video-muted': true,
    ...attributes,
  });
  return page;
}

const inView = (page: Page, view: string) =>
  page.locator(`minimeet-room[view="${view}"]`).waitFor({ timeout: TIMEOUT });

/** The camera tile of the participant named `name`. */
const tile = (page: Page, name: string): Locator =>
  page.locator('minimeet-participant-tile:not([source="screen_share"])', { hasText: name });

/** The participant list's row of the participant named `name`. */
const row = (page: Page, name: string): Locator =>
  page.locator('minimeet-participant-list li[data-participant-id]', { hasText: name });

const toast = (page: Page, text: string): Locator =>
  page.locator('minimeet-room [part~="toast"]', { hasText: text });

async function openParticipants(page: Page): Promise<void> {
  await page.locator('minimeet-control-bar [data-control="participants"]').click();
  await page.locator('minimeet-participant-list [part="list"]').waitFor({ timeout: TIMEOUT });
}

async function expectAccessible(page: Page): Promise<void> {
  expect(await seriousAxeViolations(page, 'minimeet-room')).toEqual([]);
}

describe('<minimeet-room> moderation', () => {
  it(
    'a host mutes a participant from their tile and removes another from the list, who sees why',
    async () => {
      const room = `mod-${randomUUID()}`;
      const host = await person(room, 'Grace Host', 'owner');
      await inView(host, 'call');
      const bob = await person(room, 'Bob Kahn');
      const carol = await person(room, 'Carol Shaw');
      await Promise.all([inView(bob, 'call'), inView(carol, 'call')]);

      // A member is offered no host controls.
      await tile(bob, 'Grace Host').waitFor({ timeout: TIMEOUT });
      expect(await bob.locator('minimeet-room [part="host-button"]').count()).toBe(0);
      expect(await bob.locator('minimeet-participant-list [part="host-controls"]').count()).toBe(0);

      // Bob's microphone is on as the host sees it; the host mutes it from Bob's tile.
      await expect
        .poll(() => tile(host, 'Bob Kahn').getAttribute('aria-label'), { timeout: TIMEOUT })
        .not.toContain('Microphone off');
      await tile(host, 'Bob Kahn').hover();
      await tile(host, 'Bob Kahn').locator('[part="host-button"]').click();
      const menu = tile(host, 'Bob Kahn').locator('[part="menu"]');
      await menu.waitFor({ timeout: TIMEOUT });
      expect(await menu.locator('[role^="menuitem"]').allInnerTexts()).toEqual([
        'Mute microphone',
        'Use the microphone',
        'Use the camera',
        'Share the screen',
        'Chat',
        'Remove from call…',
      ]);
      await expectAccessible(host);
      await menu.locator('[data-action="mute-microphone"]').click();

      // Bob is told who did it, and his microphone is off on both sides.
      await toast(bob, 'Grace Host muted your microphone').waitFor({ timeout: TIMEOUT });
      await expect
        .poll(
          () =>
            bob
              .locator('minimeet-control-bar [data-control="microphone"]')
              .getAttribute('data-variant'),
          { timeout: TIMEOUT },
        )
        .toBe('off');
      await expect
        .poll(() => tile(host, 'Bob Kahn').getAttribute('aria-label'), { timeout: TIMEOUT })
        .toContain('Microphone off');
      expect(await eventTypes(bob)).toContain('minimeet-moderated');

      // The host takes the microphone away: Bob's button stays, disabled, and says why.
      await tile(host, 'Bob Kahn').hover();
      await tile(host, 'Bob Kahn').locator('[part="host-button"]').click();
      const grant = menu.locator('[data-action="grant-microphone"]');
      expect(await grant.getAttribute('aria-checked')).toBe('true');
      await grant.click();
      await toast(bob, 'Grace Host turned off your microphone for this call').waitFor({
        timeout: TIMEOUT,
      });
      const mic = bob.locator('minimeet-control-bar [data-control="microphone"]');
      await expect.poll(() => mic.getAttribute('aria-disabled'), { timeout: TIMEOUT }).toBe('true');
      expect(await bob.locator('minimeet-control-bar #tip-microphone').textContent()).toContain(
        'A host has not allowed you to use your microphone',
      );
      await expectAccessible(bob);

      // The host removes Carol from the participant list, asked first, and bars her for 10 minutes.
      await openParticipants(host);
      const carolMenuButton = row(host, 'Carol Shaw').locator('[part="host-button"]');
      // Escape closes the menu, not the side panel around it.
      await carolMenuButton.click();
      const listMenu = host.locator('minimeet-participant-list [part="menu"]');
      await listMenu.waitFor({ timeout: TIMEOUT });
      await host.keyboard.press('ArrowDown');
      await host.keyboard.press('Escape');
      await listMenu.waitFor({ state: 'hidden', timeout: TIMEOUT });
      // The button says so once its host re-renders, a moment after the menu hides.
      await expect
        .poll(() => carolMenuButton.getAttribute('aria-expanded'), { timeout: TIMEOUT })
        .toBe('false');
      expect(await host.locator('minimeet-room [part="panel"]').isVisible()).toBe(true);
      await carolMenuButton.click();
      await host.locator('minimeet-participant-list [part="menu"] [data-action="remove"]').click();
      const dialog = host.locator('minimeet-participant-list [part="confirm-dialog"]');
      await dialog.waitFor({ timeout: TIMEOUT });
      expect(await dialog.innerText()).toContain('Remove Carol Shaw from the call?');
      await expectAccessible(host);
      await dialog.locator('select').selectOption('600');
      await dialog.locator('[part="confirm-button"]').click();

      await carol.locator('minimeet-room[error="removed"]').waitFor({ timeout: TIMEOUT });
      const state = carol.locator('minimeet-room [part="state"]');
      expect(await state.locator('[part="state-title"]').innerText()).toBe(
        'You were removed from the room',
      );
      const body = await state.innerText();
      expect(body).toContain('Grace Host removed you from the call.');
      expect(body).toContain('You can join again after');
      await expectAccessible(carol);
      await expect.poll(() => row(host, 'Carol Shaw').count(), { timeout: TIMEOUT }).toBe(0);
    },
    LONG,
  );

  it(
    'a guest waits in the lobby and is admitted, unmutes from a host’s request, and a host lowers their hand',
    async () => {
      const room = `lobby-${randomUUID()}`;
      const host = await person(room, 'Grace Host', 'owner');
      await inView(host, 'call');
      await openParticipants(host);
      const lobbySwitch = host.locator('minimeet-participant-list [data-action="lobby"]');
      await lobbySwitch.click();
      await expect
        .poll(() => lobbySwitch.getAttribute('aria-pressed'), { timeout: TIMEOUT })
        .toBe('true');

      const guest = await person(room, 'Ada Guest');
      await inView(guest, 'lobby');
      expect(
        await guest.locator('minimeet-room [part~="lobby"] [part="state-title"]').innerText(),
      ).toBe('Waiting for a host to let you in');
      expect(await eventTypes(guest)).toContain('minimeet-lobby-waiting');
      await expectAccessible(guest);

      // The host hears the knock, sees the queue and the count on the participants button.
      await toast(host, 'Ada Guest is waiting in the lobby').waitFor({ timeout: TIMEOUT });
      const entry = host.locator('minimeet-participant-list [part="lobby-entry"]', {
        hasText: 'Ada Guest',
      });
      await entry.waitFor({ timeout: TIMEOUT });
      expect(
        await host.locator('minimeet-control-bar [part="badge"]').innerText({ timeout: TIMEOUT }),
      ).toBe('1');
      await expectAccessible(host);
      await entry.locator('[part="admit-button"]').click();

      await inView(guest, 'call');
      await toast(guest, 'A host let you in').waitFor({ timeout: TIMEOUT });
      await tile(host, 'Ada Guest').waitFor({ timeout: TIMEOUT });
      // The knock is over: its toast goes with it.
      await expect
        .poll(() => toast(host, 'Ada Guest is waiting in the lobby').count(), { timeout: TIMEOUT })
        .toBe(0);
      await expect
        .poll(() => host.locator('minimeet-participant-list [part="lobby"]').count(), {
          timeout: TIMEOUT,
        })
        .toBe(0);

      // The guest turns the microphone off; the host asks to unmute, and the guest's toast does it.
      const guestMic = guest.locator('minimeet-control-bar [data-control="microphone"]');
      await guestMic.click();
      await expect
        .poll(() => tile(host, 'Ada Guest').getAttribute('aria-label'), { timeout: TIMEOUT })
        .toContain('Microphone off');
      await tile(host, 'Ada Guest').hover();
      await tile(host, 'Ada Guest').locator('[part="host-button"]').click();
      await tile(host, 'Ada Guest').locator('[data-action="ask-unmute"]').click();
      const ask = toast(guest, 'Grace Host asks you to unmute your microphone');
      await ask.locator('[part="toast-action"]').click({ timeout: TIMEOUT });
      await expect
        .poll(() => guestMic.getAttribute('data-variant'), { timeout: TIMEOUT })
        .toBe('default');

      // The guest raises a hand; the host sees it on the tile and in the list, and lowers it.
      const hand = guest.locator('minimeet-control-bar [data-control="hand"]');
      await hand.click();
      await expect.poll(() => hand.getAttribute('aria-pressed'), { timeout: TIMEOUT }).toBe('true');
      await tile(host, 'Ada Guest')
        .locator('[part="hand"][data-order="1"]')
        .waitFor({ timeout: TIMEOUT });
      await row(host, 'Ada Guest').locator('[part="hand"]').waitFor({ timeout: TIMEOUT });
      await row(host, 'Ada Guest').locator('[part="host-button"]').click();
      await host
        .locator('minimeet-participant-list [part="menu"] [data-action="lower-hand"]')
        .click();
      await expect
        .poll(() => hand.getAttribute('aria-pressed'), { timeout: TIMEOUT })
        .toBe('false');
      expect(await tile(host, 'Ada Guest').locator('[part="hand"]').count()).toBe(0);
    },
    LONG,
  );

  it(
    'a host mutes everyone but the hosts, then ends the call for all, and everyone is told by whom',
    async () => {
      const room = `all-${randomUUID()}`;
      const host = await person(room, 'Grace Host', 'owner');
      await inView(host, 'call');
      const bob = await person(room, 'Bob Kahn');
      const carol = await person(room, 'Carol Shaw');
      await Promise.all([inView(bob, 'call'), inView(carol, 'call')]);
      const micOf = (page: Page) =>
        page.locator('minimeet-control-bar [data-control="microphone"]');
      for (const page of [host, bob, carol]) {
        await expect
          .poll(() => micOf(page).getAttribute('data-variant'), { timeout: TIMEOUT })
          .toBe('default');
      }

      await openParticipants(host);
      await host.locator('minimeet-participant-list [data-action="mute-all"]').click();
      await toast(host, 'Everyone else was muted').waitFor({ timeout: TIMEOUT });
      for (const page of [bob, carol]) {
        await toast(page, 'Grace Host muted your microphone').waitFor({ timeout: TIMEOUT });
        await expect
          .poll(() => micOf(page).getAttribute('data-variant'), { timeout: TIMEOUT })
          .toBe('off');
      }
      for (const name of ['Bob Kahn', 'Carol Shaw']) {
        await expect
          .poll(() => tile(host, name).getAttribute('aria-label'), { timeout: TIMEOUT })
          .toContain('Microphone off');
      }
      // The host's own microphone is left alone.
      expect(await micOf(host).getAttribute('data-variant')).toBe('default');

      // Ending for all asks first; confirmed, everyone sees the end screen naming the host.
      await host.locator('minimeet-participant-list [data-action="end-call"]').click();
      const dialog = host.locator('minimeet-participant-list [part="confirm-dialog"]');
      await dialog.waitFor({ timeout: TIMEOUT });
      await expectAccessible(host);
      await dialog.locator('[part="confirm-button"]').click();
      for (const page of [bob, carol]) {
        await page.locator('minimeet-room[error="room_closed"]').waitFor({ timeout: TIMEOUT });
        const state = page.locator('minimeet-room [part="state"]');
        expect(await state.locator('[part="state-title"]').innerText()).toBe(
          'The call was ended for everyone',
        );
        expect(await state.innerText()).toContain('Grace Host ended the call for everyone.');
        expect(await eventTypes(page)).toContain('minimeet-moderated');
      }
      await expectAccessible(bob);
      await expect
        .poll(() => host.locator('minimeet-room').getAttribute('view'), { timeout: TIMEOUT })
        .not.toBe('call');
    },
    LONG,
  );

  it(
    'a locked room refuses a newcomer with a clear message',
    async () => {
      const room = `locked-${randomUUID()}`;
      const host = await person(room, 'Grace Host', 'owner');
      await inView(host, 'call');
      await openParticipants(host);
      const lock = host.locator('minimeet-participant-list [data-action="lock"]');
      await lock.click();
      await toast(host, 'Room locked').waitFor({ timeout: TIMEOUT });
      expect(await lock.getAttribute('aria-pressed')).toBe('true');

      const late = await person(room, 'Late Larry');
      await late.locator('minimeet-room[error="room_locked"]').waitFor({ timeout: TIMEOUT });
      expect(await late.locator('minimeet-room [part="state-title"]').innerText()).toBe(
        'This room is locked',
      );
      await expectAccessible(late);
      expect(await row(host, 'Late Larry').count()).toBe(0);
    },
    LONG,
  );

  it(
    'a guest turned away from the lobby is told so and may ask again',
    async () => {
      const room = `deny-${randomUUID()}`;
      const host = await person(room, 'Grace Host', 'owner');
      await inView(host, 'call');
      await openParticipants(host);
      await host.locator('minimeet-participant-list [data-action="lobby"]').click();
      await toast(host, 'Lobby on').waitFor({ timeout: TIMEOUT });

      const guest = await person(room, 'Mallory Guest');
      await inView(guest, 'lobby');
      await host
        .locator('minimeet-participant-list [part="lobby-entry"]', { hasText: 'Mallory Guest' })
        .locator('[part="deny-button"]')
        .click({ timeout: TIMEOUT });
      await guest.locator('minimeet-room[error="lobby_denied"]').waitFor({ timeout: TIMEOUT });
      expect(await guest.locator('minimeet-room [part="state-title"]').innerText()).toBe(
        'You were not let in',
      );
      await expectAccessible(guest);

      // Asking again knocks again.
      await guest.locator('minimeet-room [part="state-actions"] button').click();
      await inView(guest, 'lobby');
      await host
        .locator('minimeet-participant-list [part="lobby-entry"]', { hasText: 'Mallory Guest' })
        .waitFor({ timeout: TIMEOUT });
    },
    LONG,
  );
});
