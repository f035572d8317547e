import { randomUUID } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMinimeetServer, type RunningServer } from './test/minimeet-server.js';
import { seriousAxeViolations } from './test/axe.js';
import { launchCallBrowser } from './test/room-fixture.js';

// The demo at `/` end to end, as two people use it: the real server serves the built demo with
// its CSP, and two pages of real Chromium (fake camera and microphone) sign up, start a room,
// invite, call, chat, reload, go back and search. Needs the build first (`npm test` builds).
// With MINIMEET_SCREENSHOTS=<dir>, it also saves screenshots of the lobby and the room there.

const TIMEOUT = 20_000;
const SHOTS = process.env.MINIMEET_SCREENSHOTS;
// Chromium logs every 4xx answer; the wrong password (401) and the too-short one (400) are answers
// these tests ask for.
const EXPECTED_ANSWER =
  /^Failed to load resource: the server responded with a status of (400|401) /;

interface Person {
  displayName: string;
  email: string;
  password: string;
  context: BrowserContext;
  page: Page;
  problems: string[];
}

let server: RunningServer;
let browser: Browser;
let ada: Person;
let grace: Person;
let roomId = '';
let inviteUrl = '';
const ROOM_NAME = 'Standup <b>daily</b>';

async function person(displayName: string): Promise<Person> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    colorScheme: 'light',
    permissions: ['camera', 'microphone'],
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error' || EXPECTED_ANSWER.test(message.text())) return;
    problems.push(`console: ${message.text()}`);
  });
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  const first = displayName.split(' ')[0].toLowerCase();
  return {
    displayName,
    email: `${first}-${randomUUID()}@example.test`,
    password: 'analytical engine 1843',
    context,
    page,
    problems,
  };
}

/**
 * The serious and critical axe violations in the demo. The page's CSP (rightly) refuses an
 * injected script tag, so axe is evaluated through the DevTools protocol first.
 */
async function axeProblems(page: Page): Promise<unknown[]> {
  if (!(await page.evaluate(() => 'axe' in window))) {
    const file = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
    await page.evaluate(await readFile(file, 'utf8'));
  }
  return seriousAxeViolations(page, 'demo-app');
}

async function shot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

async function register(who: Person): Promise<void> {
  const { page } = who;
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Display name').fill(who.displayName);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Create account' }).click();
}

/** The room element's `view` attribute reaches `value`. */
function roomView(page: Page, value: string): Promise<void> {
  return page.locator(`minimeet-room[view="${value}"]`).waitFor({ timeout: TIMEOUT });
}

/** Presses Join on the pre-join screen and waits until in the call. */
async function joinFromPrejoin(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Join now' }).click({ timeout: TIMEOUT });
  await roomView(page, 'call');
}

/** How many other people the page's call holds (the room sits in the demo's shadow root). */
async function remoteCount(page: Page): Promise<number> {
  const room = page.locator('minimeet-room');
  if ((await room.count()) === 0) return -1;
  return room.evaluate(
    (element: HTMLElementTagNameMap['minimeet-room']) =>
      element.sdkRoom?.remoteParticipants.size ?? -1,
  );
}

/** The most video frames the page decoded from anyone else. */
function framesDecoded(page: Page): Promise<number> {
  return page
    .locator('minimeet-room')
    .evaluate(async (element: HTMLElementTagNameMap['minimeet-room']) => {
      let best = 0;
      for (const participant of element.sdkRoom?.remoteParticipants.values() ?? []) {
        const track = participant.getTrackPublication('camera')?.track;
        if (!track || !('getStats' in track)) continue;
        const stats = await (track as { getStats(): Promise<RTCStatsReport> }).getStats();
        stats.forEach((s: { type: string; kind?: string; framesDecoded?: number }) => {
          if (s.type === 'inbound-rtp' && s.kind === 'video') {
            best = Math.max(best, s.framesDecoded ?? 0);
          }
        });
      }
      return best;
    });
}

beforeAll(async () => {
  if (SHOTS) await mkdir(SHOTS, { recursive: true });
  [server, browser] = await Promise.all([startMinimeetServer(), launchCallBrowser()]);
  [ada, grace] = await Promise.all([person('Ada Lovelace'), person('Grace <em>Hopper</em>')]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the demo', () => {
  it('serves the page at / and at a room address, with a CSP that allows no inline script', async () => {
    for (const path of ['/', '/r/some-room', '/r/some-room/']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      const page = await res.text();
      expect(page).toContain('<script type="module" src="/demo.js"></script>');
      expect(page).not.toMatch(/<script>(?!<\/script>)/);
    }
    expect((await fetch(`${server.url}/demo.js`)).status).toBe(200);
    expect((await fetch(`${server.url}/r/a/b`)).status).toBe(404);
  });

  it('shows a wrong password as an error, in text', async () => {
    const { page } = grace;
    await page.goto(server.url);
    await page.getByLabel('Email').fill(grace.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.getByRole('alert').innerText(), { timeout: TIMEOUT })
      .toMatch(/\S/);
    await shot(page, 'signin-1280');
    expect(await axeProblems(page)).toEqual([]);
  });

  it('says what the server found invalid when signing up', async () => {
    const { page } = grace;
    await register({ ...grace, password: 'short' });
    await expect
      .poll(() => page.getByRole('alert').innerText(), { timeout: TIMEOUT })
      .toMatch(/10 characters|password/i);
    await page.getByRole('button', { name: 'Sign in' }).last().click();
  });

  it('registers through the form and lands in the lobby, signed in', async () => {
    const { page } = ada;
    await page.goto(server.url);
    await register(ada);
    await page.getByRole('heading', { name: 'Start a room' }).waitFor({ timeout: TIMEOUT });
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.getByText('Ada Lovelace', { exact: true }).waitFor();
    expect(await axeProblems(page)).toEqual([]);
  });

  it('starts a room at /r/<id> and joins it through the pre-join screen', async () => {
    const { page } = ada;
    await page.getByLabel('Room name').fill(ROOM_NAME);
    await page.getByRole('button', { name: 'Create and join' }).click();
    await page.waitForURL(/\/r\/[^/]+$/, { timeout: TIMEOUT });
    roomId = decodeURIComponent(new URL(page.url()).pathname.split('/')[2]);
    // The name is text, never markup.
    await page.getByRole('heading', { name: ROOM_NAME }).waitFor({ timeout: TIMEOUT });
    await roomView(page, 'prejoin');
    await shot(page, 'room-prejoin-1280');
    await joinFromPrejoin(page);
  });

  it('invites a second person, who signs up through the link and joins: each sees the other', async () => {
    await ada.page.getByRole('button', { name: 'Invite someone' }).click();
    const link = ada.page.getByLabel('Invite link');
    await link.waitFor({ timeout: TIMEOUT });
    inviteUrl = await link.inputValue();
    expect(inviteUrl).toContain('invite=');

    const { page } = grace;
    await page.goto(inviteUrl);
    await page.getByText('Sign in or create an account to join the room you were sent.').waitFor();
    await register(grace);
    await page.waitForURL(`${server.url}/r/${encodeURIComponent(roomId)}`, { timeout: TIMEOUT });
    await joinFromPrejoin(page);

    for (const who of [ada, grace]) {
      await expect.poll(() => remoteCount(who.page), { timeout: TIMEOUT }).toBe(1);
      await expect.poll(() => framesDecoded(who.page), { timeout: TIMEOUT }).toBeGreaterThan(0);
    }
    await shot(ada.page, 'room-call-1280');
  });

  it('chats in the room: a message reaches the other person as text', async () => {
    const text = `hello <i>there</i> ${randomUUID().slice(0, 8)}`;
    for (const who of [ada, grace]) {
      await who.page.locator('minimeet-room [part="control-bar"] [data-control="chat"]').click();
      await who.page.getByLabel('Message', { exact: true }).waitFor({ timeout: TIMEOUT });
    }
    await ada.page.getByLabel('Message', { exact: true }).fill(text);
    await ada.page.getByLabel('Message', { exact: true }).press('Enter');
    await grace.page.getByText(text, { exact: true }).waitFor({ timeout: TIMEOUT });
    await shot(grace.page, 'room-chat-1280');
  });

  it('a reload keeps the room in the address bar and rejoins through the pre-join', async () => {
    const { page } = grace;
    const before = page.url();
    await page.reload();
    expect(page.url()).toBe(before);
    await roomView(page, 'prejoin');
    await page.getByRole('heading', { name: ROOM_NAME }).waitFor({ timeout: TIMEOUT });
    await joinFromPrejoin(page);
    await expect.poll(() => remoteCount(page), { timeout: TIMEOUT }).toBe(1);
    await expect.poll(() => remoteCount(ada.page), { timeout: TIMEOUT }).toBe(1);
  });

  it('the back button leaves the call and returns to the lobby', async () => {
    const { page } = ada;
    await page.goBack();
    await page.waitForURL(`${server.url}/`, { timeout: TIMEOUT });
    await page.getByRole('heading', { name: 'Rooms' }).waitFor({ timeout: TIMEOUT });
    await expect.poll(() => remoteCount(grace.page), { timeout: TIMEOUT }).toBe(0);
    expect(await page.locator('minimeet-room').count()).toBe(0);
  });

  it('lists the other person in People, with their presence', async () => {
    const { page } = ada;
    // The name that looks like markup is shown as text.
    const row = page.locator('demo-people-list li', { hasText: grace.displayName });
    await row.waitFor({ timeout: TIMEOUT });
    await expect
      .poll(() => row.locator('minimeet-presence-badge').getAttribute('state'), {
        timeout: TIMEOUT,
      })
      .toBe('in_call');
    await expect(row.innerText()).resolves.toContain(`Shares ${ROOM_NAME}`);
  });

  it('searches messages across rooms, marks the match, and opens the room from a result', async () => {
    const { page } = ada;
    await page.getByRole('searchbox', { name: 'Search messages' }).fill('there');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const hit = page.getByRole('list', { name: 'Search results' }).locator('li').first();
    await hit.waitFor({ timeout: TIMEOUT });
    expect(await hit.locator('mark').first().innerText()).toBe('there');
    expect(await hit.innerText()).toContain('<i>');
    await shot(page, 'lobby-1280');
    expect(await axeProblems(page)).toEqual([]);
    await hit.getByRole('button', { name: `Open room ${ROOM_NAME}` }).click();
    await page.waitForURL(`${server.url}/r/${encodeURIComponent(roomId)}`, { timeout: TIMEOUT });
    await roomView(page, 'prejoin');
  });

  it('an invite link opened by someone already a member takes them to the room', async () => {
    const { page } = ada;
    await page.goto(inviteUrl);
    await page.waitForURL(`${server.url}/r/${encodeURIComponent(roomId)}`, { timeout: TIMEOUT });
    await roomView(page, 'prejoin');
  });

  it('the Leave button ends the call and returns to the lobby', async () => {
    const { page } = grace;
    await page.locator('minimeet-room [part="control-bar"] [data-control="leave"]').click();
    await page.waitForURL(`${server.url}/`, { timeout: TIMEOUT });
    await page.getByRole('heading', { name: 'Rooms' }).waitFor({ timeout: TIMEOUT });
  });

  it('looks finished on a phone', async () => {
    if (!SHOTS) return;
    await grace.page.emulateMedia({ colorScheme: 'dark' });
    await shot(grace.page, 'lobby-dark-1280');
    for (const who of [ada, grace]) await who.page.setViewportSize({ width: 390, height: 844 });
    await shot(grace.page, 'lobby-dark-390');
    await shot(ada.page, 'room-prejoin-390');
    await joinFromPrejoin(ada.page);
    await shot(ada.page, 'room-call-390');
  });

  it('signs out and shows the sign-in form again', async () => {
    const { page } = grace;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: TIMEOUT });
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: TIMEOUT });
  });

  it('reported no script errors, failed loads or CSP violations on either page', () => {
    expect([...ada.problems, ...grace.problems]).toEqual([]);
  });
});
