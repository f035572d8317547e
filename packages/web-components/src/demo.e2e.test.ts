import { randomUUID } from 'node:crypto';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, launchChromium } from './test/chromium.js';
import { startMinimeetServer, type RunningServer } from './test/minimeet-server.js';

// The demo page end to end: the real server serves it with its CSP, the built SDK and element
// bundles, and real Chromium fills in its forms. Needs `pnpm build` first (the root `npm test`
// builds).

const TIMEOUT = 10_000;
const SCREENSHOT = '/tmp/minimeet-demo.png';
const EXPECTED_ANSWER =
  /^Failed to load resource: the server responded with a status of (400|401|409) /;

const account = {
  displayName: 'Ada Lovelace',
  email: `ada-${randomUUID()}@example.test`,
  password: 'analytical engine 1843',
};

let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Problems the page reported: script errors, failed loads, CSP violations, dialogs. */
const problems: string[] = [];

beforeAll(async () => {
  server = await startMinimeetServer({ SERVE_DEMO: 'true' });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // Chromium logs every 4xx answer; the wrong password (401), the taken email (409) and the
    // invalid form (400) are answers these tests ask for.
    if (message.type() !== 'error' || EXPECTED_ANSWER.test(message.text())) return;
    problems.push(`console: ${message.text()}`);
  });
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A browser for calls: fake camera and microphone, and peers that may meet on 127.0.0.1. */
function launchCallBrowser(): Promise<Browser> {
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
      // Several pages render at once, though only one can be in front.
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
    ],
  });
}

/** Creates an account over REST, as a person who signed up earlier would have. */
async function registerOverRest(person: {
  displayName: string;
  email: string;
  password: string;
}): Promise<void> {
  const res = await fetch(`${server.url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(person),
  });
  expect(res.status).toBe(201);
}

const status = () => page.locator('#connection-status');
const loginForm = () => page.locator('#login-form');
const registerForm = () => page.locator('#register-form');

/** Waits until the status element reads exactly `text` (and is on screen, unless told). */
async function waitForStatus(
  text: string,
  state: 'visible' | 'attached' = 'visible',
): Promise<void> {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await status()
    .locator('[part="label"]')
    .filter({ hasText: new RegExp(`^\\s*${escaped}\\s*$`) })
    .waitFor({ state, timeout: TIMEOUT });
}

async function openRegisterForm(): Promise<void> {
  await page.getByRole('button', { name: 'Create an account' }).click();
  await registerForm().waitFor({ state: 'visible', timeout: TIMEOUT });
}

async function fillRegister(input: { displayName: string; email: string; password: string }) {
  await registerForm().getByLabel('Display name').fill(input.displayName);
  await registerForm().getByLabel('Email').fill(input.email);
  await registerForm().getByLabel('Password').fill(input.password);
  await registerForm().getByRole('button', { name: 'Create account' }).click();
}

async function fillLogin(input: { email: string; password: string }) {
  await loginForm().getByLabel('Email').fill(input.email);
  await loginForm().getByLabel('Password').fill(input.password);
  await loginForm().getByRole('button', { name: 'Sign in' }).click();
}

async function signOut(): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await loginForm().waitFor({ state: 'visible', timeout: TIMEOUT });
}

describe('the demo page', () => {
  it('registers a new account through the form and connects as that person', async () => {
    const response = await page.goto(server.url);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");

    await openRegisterForm();
    await fillRegister(account);

    await waitForStatus(`Connected as ${account.displayName}`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(
      `Hello, ${account.displayName}`,
    );
    expect(await page.locator('#session-email').innerText()).toBe(account.email);
    expect(await status().ariaSnapshot()).toBe(`- status: Connected as ${account.displayName}`);

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(problems).toEqual([]);
  });

  it('reconnects after a reload from the session kept in this tab', async () => {
    await page.reload();
    await waitForStatus(`Connected as ${account.displayName}`);
    expect(await loginForm().isVisible()).toBe(false);
  });

  it('signs out and forgets the session', async () => {
    await signOut();
    expect(await page.locator('[data-show-in="session"]').isVisible()).toBe(false);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    // The status element followed the client down, though it is now out of sight.
    await waitForStatus('Not connected', 'attached');
  });

  it('shows a wrong password as an error, in text', async () => {
    await fillLogin({ email: account.email, password: 'not the password' });
    const error = loginForm().getByRole('alert');
    await error.waitFor({ state: 'visible', timeout: TIMEOUT });
    expect(await error.innerText()).toBe('Email or password is incorrect.');
    expect(await loginForm().isVisible()).toBe(true);
  });

  it('signs in again with the same credentials', async () => {
    await fillLogin({ email: account.email, password: account.password });
    await waitForStatus(`Connected as ${account.displayName}`);
    expect(await loginForm().getByRole('alert').isVisible()).toBe(false);
    await signOut();
  });

  it('says when the email is already taken', async () => {
    await openRegisterForm();
    await fillRegister({ ...account, displayName: 'Someone Else' });
    const error = registerForm().getByRole('alert');
    await error.waitFor({ state: 'visible', timeout: TIMEOUT });
    expect(await error.innerText()).toBe('An account with this email already exists.');
  });

  it('shows what the server found invalid and marks the field', async () => {
    await fillRegister({
      displayName: 'Short',
      email: `short-${randomUUID()}@example.test`,
      password: 'short',
    });
    const error = registerForm().getByRole('alert');
    await error.filter({ hasText: 'at least 10 characters' }).waitFor({ timeout: TIMEOUT });
    expect(await error.innerText()).toBe('Password must be at least 10 characters.');
    expect(await registerForm().getByLabel('Password').getAttribute('aria-invalid')).toBe('true');
    expect(await registerForm().getByLabel('Email').getAttribute('aria-invalid')).toBeNull();
  });

  it('shows a display name that looks like markup as literal text', async () => {
    const name = '<img src=x onerror=alert(1)>';
    await fillRegister({
      displayName: name,
      email: `xss-${randomUUID()}@example.test`,
      password: account.password,
    });
    await waitForStatus(`Connected as ${name}`);
    expect(await page.locator('#session-name').innerText()).toBe(name);
    // No element was made from the name: not on the page, not in the status element's shadow root.
    expect(await page.locator('img').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('says when the server refuses the connection and offers to try again', async () => {
    // Spoil the stored access token (it still looks unexpired), as a revoked one would be.
    await page.evaluate(() => {
      const key = 'minimeet-demo:session';
      const session = JSON.parse(sessionStorage.getItem(key)!) as { accessToken: string };
      sessionStorage.setItem(key, JSON.stringify({ ...session, accessToken: 'spoiled' }));
    });
    await page.reload();
    await waitForStatus('Disconnected: the server did not accept the access token');
    const problem = page.locator('#connection-problem');
    await problem.getByRole('alert').waitFor({ state: 'visible', timeout: TIMEOUT });
    expect(await problem.getByRole('alert').innerText()).toMatch(/^Could not stay connected: ./);

    await problem.getByRole('button', { name: 'Try again' }).click();
    await waitForStatus('Disconnected: the server did not accept the access token');
    await problem.getByRole('alert').waitFor({ state: 'visible', timeout: TIMEOUT });
  });
});

// A call between two people, each on their own page (own context: own camera, own session).
describe('a call on the demo page', () => {
  const CALL_TIMEOUT = 30_000;
  let callBrowser: Browser;
  const pages: Page[] = [];
  const callProblems: string[] = [];
  const people = ['Grace Hopper', 'Alan Turing'].map((displayName) => ({
    displayName,
    email: `${displayName.split(' ')[0].toLowerCase()}-${randomUUID()}@example.test`,
    password: 'a call between two pages',
  }));
  const [grace, alan] = people;
  const roomName = 'Standup <b>daily</b>';
  let gracePage: Page;
  let alanPage: Page;

  beforeAll(async () => {
    callBrowser = await launchCallBrowser();
    for (const person of people) {
      await registerOverRest(person);
      const callContext = await callBrowser.newContext({ viewport: { width: 1100, height: 800 } });
      const callPage = await callContext.newPage();
      callPage.on('pageerror', (error) =>
        callProblems.push(`${person.displayName}: ${error.message}`),
      );
      callPage.on('console', (message) => {
        if (message.type() !== 'error' || EXPECTED_ANSWER.test(message.text())) return;
        callProblems.push(`${person.displayName} console: ${message.text()}`);
      });
      pages.push(callPage);
    }
    [gracePage, alanPage] = pages;
  });

  afterAll(async () => {
    await callBrowser?.close();
  });

  async function logIn(on: Page, person: { email: string; password: string }): Promise<void> {
    const form = on.locator('#login-form');
    await form.getByLabel('Email').fill(person.email);
    await form.getByLabel('Password').fill(person.password);
    await form.getByRole('button', { name: 'Sign in' }).click();
  }

  /** The tile of the other person's camera, as `on` shows it. */
  const remoteTile = (on: Page, name: string) =>
    on.locator('#video-grid .tile[data-kind="camera"]:not([data-local])', {
      has: on.locator('.tile-name', { hasText: new RegExp(`^${name}$`) }),
    });

  /** Waits until a tile's video has a picture and its frames keep coming. */
  async function waitForPlayingVideo(on: Page, name: string): Promise<void> {
    await waitForFrames(remoteTile(on, name).locator('video'), `${name}'s camera`);
  }

  async function waitForFrames(video: Locator, what: string): Promise<void> {
    await video.waitFor({ state: 'attached', timeout: CALL_TIMEOUT });
    await video.evaluate(
      (el: HTMLVideoElement, { timeout, what }) =>
        new Promise<void>((resolve, reject) => {
          const deadline = Date.now() + timeout;
          let first: number | undefined;
          const check = () => {
            const frames = el.getVideoPlaybackQuality().totalVideoFrames;
            if (el.videoWidth > 0 && first === undefined) first = frames;
            if (first !== undefined && frames > first + 2) return resolve();
            if (Date.now() > deadline)
              return reject(
                new Error(
                  `${what}: video of size ${el.videoWidth}, ${frames} frames, tracks ${JSON.stringify(
                    (el.srcObject as MediaStream | null)
                      ?.getTracks()
                      .map((t) => [t.kind, t.readyState, t.enabled, t.muted]),
                  )}, paused ${el.paused}`,
                ),
              );
            setTimeout(check, 50);
          };
          check();
        }),
      { timeout: CALL_TIMEOUT, what },
    );
  }

  it('starts a room, shares an invite link, and the invitee joins: each sees the other', async () => {
    await gracePage.goto(server.url);
    await logIn(gracePage, grace);
    const create = gracePage.locator('#create-room-form');
    await create.waitFor({ state: 'visible', timeout: TIMEOUT });
    await create.getByLabel('Room name').fill(roomName);
    await create.getByRole('button', { name: 'Create and join' }).click();

    const heading = gracePage.getByRole('heading', { level: 1 });
    await gracePage
      .locator('#call-heading')
      .filter({ hasText: roomName })
      .waitFor({ timeout: CALL_TIMEOUT });
    expect(await heading.innerText()).toBe(roomName);
    // The local tile shows the camera, labelled, with the controls on.
    const local = gracePage.locator('#video-grid .tile[data-local][data-kind="camera"]');
    expect(await local.locator('.tile-name').innerText()).toBe(`${grace.displayName} (you)`);
    await waitForFrames(local.locator('video'), 'the local camera');
    const microphone = gracePage.getByRole('button', { name: 'Microphone' });
    await gracePage.waitForFunction(
      () => document.querySelector('#toggle-camera')?.getAttribute('aria-pressed') === 'true',
      undefined,
      { timeout: CALL_TIMEOUT },
    );
    expect(await microphone.getAttribute('aria-pressed')).toBe('true');

    await gracePage.getByRole('button', { name: 'Copy invite link' }).click();
    const link = gracePage.getByLabel('Invite link');
    await link.waitFor({ state: 'visible', timeout: TIMEOUT });
    const invite = await link.inputValue();
    expect(invite).toMatch(new RegExp(`^${server.url}/\\?invite=[A-Za-z0-9_-]+$`));

    await alanPage.goto(invite);
    expect(await alanPage.locator('#invite-notice').isVisible()).toBe(true);
    await logIn(alanPage, alan);
    await alanPage
      .locator('#call-heading')
      .filter({ hasText: roomName })
      .waitFor({ timeout: CALL_TIMEOUT });
    // The code is spent for this tab: a reload does not try it again.
    expect(new URL(alanPage.url()).searchParams.has('invite')).toBe(false);

    await waitForPlayingVideo(alanPage, grace.displayName);
    await waitForPlayingVideo(gracePage, alan.displayName);
    await gracePage
      .locator('#announcer')
      .filter({ hasText: `${alan.displayName} joined the call.` })
      .waitFor({ state: 'attached', timeout: TIMEOUT });
    expect(await gracePage.locator('#video-grid').getAttribute('data-count')).toBe('2');
    // The room name looked like markup and stayed text.
    expect(await alanPage.locator('#call-heading b').count()).toBe(0);
    await alanPage.screenshot({ path: '/tmp/minimeet-demo-call.png' });
  }, 120_000);

  it('shows a muted microphone on the other page, and the unmute', async () => {
    const muted = remoteTile(alanPage, grace.displayName).locator('.badge-muted');
    expect(await muted.isVisible()).toBe(false);

    const microphone = gracePage.getByRole('button', { name: 'Microphone' });
    await microphone.click();
    await gracePage.waitForFunction(
      () => document.querySelector('#toggle-microphone')?.getAttribute('aria-pressed') === 'false',
      undefined,
      { timeout: TIMEOUT },
    );
    await muted.waitFor({ state: 'visible', timeout: CALL_TIMEOUT });
    expect(await muted.innerText()).toBe('Muted');

    await microphone.click();
    await muted.waitFor({ state: 'hidden', timeout: CALL_TIMEOUT });
    expect(await microphone.getAttribute('aria-pressed')).toBe('true');
  }, 60_000);

  it('shows a camera switched off on the other page, and back on', async () => {
    const cameraOff = remoteTile(alanPage, grace.displayName).locator('.badge-camera-off');
    const camera = gracePage.getByRole('button', { name: 'Camera' });
    await camera.click();
    await cameraOff.waitFor({ state: 'visible', timeout: CALL_TIMEOUT });
    expect(await camera.getAttribute('aria-pressed')).toBe('false');

    await camera.click();
    await cameraOff.waitFor({ state: 'hidden', timeout: CALL_TIMEOUT });
    expect(await camera.getAttribute('aria-pressed')).toBe('true');
    // The picture comes back on both sides.
    await waitForFrames(
      gracePage.locator('#video-grid .tile[data-local][data-kind="camera"] video'),
      'the local camera, back on',
    );
    await waitForPlayingVideo(alanPage, grace.displayName);
  }, 90_000);

  it('removes the tile of whoever leaves, and takes the leaver back to the lobby', async () => {
    await alanPage.getByRole('button', { name: 'Leave' }).click();
    await alanPage.locator('#lobby').waitFor({ state: 'visible', timeout: CALL_TIMEOUT });
    // The invite made Alan a member: the room is in his list now.
    await alanPage
      .locator('#room-list .room-name', { hasText: roomName })
      .waitFor({ timeout: CALL_TIMEOUT });

    await remoteTile(gracePage, alan.displayName).waitFor({
      state: 'detached',
      timeout: CALL_TIMEOUT,
    });
    await gracePage
      .locator('#announcer')
      .filter({ hasText: `${alan.displayName} left the call.` })
      .waitFor({ state: 'attached', timeout: TIMEOUT });
    expect(await gracePage.locator('#video-grid').getAttribute('data-count')).toBe('1');
    expect(callProblems).toEqual([]);
  }, 60_000);
});

// The chat beside the video, message search and presence, with three people on their own pages.
describe('chat, search and presence on the demo page', () => {
  const CHAT_TIMEOUT = 30_000;
  let chatBrowser: Browser;
  const problemsHere: string[] = [];
  const [katherine, dorothy, mary] = ['Katherine Johnson', 'Dorothy Vaughan', 'Mary Jackson'].map(
    (displayName) => ({
      displayName,
      email: `${displayName.split(' ')[0].toLowerCase()}-${randomUUID()}@example.test`,
      password: 'orbital mechanics 1962',
    }),
  );
  const roomName = 'Launch review';
  const markup = '<img src=x onerror=alert(1)>';
  let pageA: Page;
  let pageB: Page;
  let pageC: Page;

  beforeAll(async () => {
    chatBrowser = await launchCallBrowser();
    const opened: Page[] = [];
    for (const person of [katherine, dorothy, mary]) {
      await registerOverRest(person);
      const chatContext = await chatBrowser.newContext({ viewport: { width: 1280, height: 860 } });
      const chatPage = await chatContext.newPage();
      chatPage.on('pageerror', (error) =>
        problemsHere.push(`${person.displayName}: ${error.message}`),
      );
      chatPage.on('console', (message) => {
        if (message.type() !== 'error' || EXPECTED_ANSWER.test(message.text())) return;
        problemsHere.push(`${person.displayName} console: ${message.text()}`);
      });
      chatPage.on('dialog', (dialog) => {
        problemsHere.push(`${person.displayName} dialog: ${dialog.message()}`);
        void dialog.dismiss();
      });
      opened.push(chatPage);
    }
    [pageA, pageB, pageC] = opened;
  });

  afterAll(async () => {
    await chatBrowser?.close();
  });

  async function logIn(on: Page, person: { email: string; password: string }): Promise<void> {
    const form = on.locator('#login-form');
    await form.getByLabel('Email').fill(person.email);
    await form.getByLabel('Password').fill(person.password);
    await form.getByRole('button', { name: 'Sign in' }).click();
  }

  async function waitForCall(on: Page): Promise<void> {
    await on
      .locator('#call-heading')
      .filter({ hasText: roomName })
      .waitFor({ timeout: CHAT_TIMEOUT });
  }

  /** A new invite link to the room, made on the owner's page. */
  async function inviteLink(): Promise<string> {
    const link = pageA.getByLabel('Invite link');
    const before = (await link.isVisible()) ? await link.inputValue() : '';
    await pageA.getByRole('button', { name: 'Copy invite link' }).click();
    await expect.poll(() => link.inputValue(), { timeout: CHAT_TIMEOUT }).not.toBe(before);
    return link.inputValue();
  }

  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  /** The message in the chat list of `on` whose text is exactly `text`. */
  const message = (on: Page, text: string) =>
    on.locator('#chat-messages .chat-message', {
      has: on.locator('.chat-text', { hasText: new RegExp(`^${escape(text)}$`) }),
    });

  async function send(on: Page, text: string): Promise<void> {
    const input = on.getByRole('textbox', { name: 'Message', exact: true });
    await input.fill(text);
    await input.press('Enter');
  }

  /** Hovers a message to bring out its actions, then presses one. */
  async function act(on: Page, text: string, action: string): Promise<void> {
    const target = message(on, text);
    await target.hover();
    await target.getByRole('button', { name: action, exact: true }).click();
  }

  const cameraDot = (on: Page, name: string) =>
    on
      .locator('#video-grid .tile[data-kind="camera"]', {
        has: on.locator('.tile-name', { hasText: new RegExp(`^${escape(name)}$`) }),
      })
      .locator('.tile-presence');

  const personRow = (on: Page, name: string) =>
    on.locator('#people-list .person', {
      has: on.locator('.person-name', { hasText: new RegExp(`^${escape(name)}$`) }),
    });

  it('two people chat beside the video: names, reactions, edits, deletions, typing, limits, and markup as text', async () => {
    await pageA.goto(server.url);
    await logIn(pageA, katherine);
    const create = pageA.locator('#create-room-form');
    await create.waitFor({ state: 'visible', timeout: TIMEOUT });
    await create.getByLabel('Room name').fill(roomName);
    await create.getByRole('button', { name: 'Create and join' }).click();
    await waitForCall(pageA);
    await pageA.locator('#chat-empty').waitFor({ state: 'visible', timeout: CHAT_TIMEOUT });

    await pageB.goto(await inviteLink());
    await logIn(pageB, dorothy);
    await waitForCall(pageB);
    // The chat is a labelled landmark beside the video, with a search landmark of its own.
    const panel = pageB.getByRole('complementary', { name: 'Chat' });
    await panel.getByRole('list', { name: 'Messages' }).waitFor({ state: 'attached' });
    await panel.getByRole('search').getByRole('searchbox', { name: 'Search messages' }).waitFor();
    await panel.getByRole('textbox', { name: 'Message', exact: true }).waitFor();

    // Katherine writes; Dorothy sees it, with Katherine's name, and it is read out politely.
    const first = 'Liftoff at noon; bring the pelican charts.';
    await send(pageA, first);
    await message(pageB, first).waitFor({ timeout: CHAT_TIMEOUT });
    expect(await message(pageB, first).locator('.chat-sender').innerText()).toBe(
      katherine.displayName,
    );
    expect(await message(pageA, first).locator('.chat-sender').innerText()).toBe(
      `${katherine.displayName} (you)`,
    );
    expect(await pageB.locator('#chat-live').getAttribute('aria-live')).toBe('polite');
    await pageB
      .locator('#chat-live')
      .filter({ hasText: `${katherine.displayName}: ${first}` })
      .waitFor({ state: 'attached', timeout: CHAT_TIMEOUT });
    // Sent and acknowledged: nothing is left pending, the box is empty for the next one.
    await pageA.locator('#chat-messages .is-pending').waitFor({ state: 'detached' });
    expect(await pageA.getByRole('textbox', { name: 'Message', exact: true }).inputValue()).toBe(
      '',
    );

    // Dorothy reacts; Katherine sees the reaction, Dorothy sees it as hers.
    await act(pageB, first, 'React with 👍');
    const chipOnA = message(pageA, first).locator('.chat-reaction', { hasText: '👍 1' });
    await chipOnA.waitFor({ timeout: CHAT_TIMEOUT });
    expect(await chipOnA.getAttribute('aria-pressed')).toBe('false');
    const chipOnB = message(pageB, first).locator('.chat-reaction', { hasText: '👍 1' });
    await chipOnB.waitFor({ timeout: CHAT_TIMEOUT });
    expect(await chipOnB.getAttribute('aria-pressed')).toBe('true');

    // Katherine edits a message of hers; Dorothy sees the new text, marked edited.
    const draft = 'Countdown holds at T minus 10';
    const edited = 'Countdown resumes at T minus 10';
    await send(pageA, draft);
    await message(pageB, draft).waitFor({ timeout: CHAT_TIMEOUT });
    expect(await message(pageB, draft).locator('.chat-edited').isVisible()).toBe(false);
    await act(pageA, draft, 'Edit message');
    const editor = pageA.getByRole('textbox', { name: 'Edit message' });
    await editor.fill(edited);
    await editor.press('Enter');
    await message(pageB, edited).waitFor({ timeout: CHAT_TIMEOUT });
    expect(await message(pageB, edited).locator('.chat-edited').innerText()).toBe('edited');
    expect(await message(pageB, draft).count()).toBe(0);

    // Dorothy sees who is typing while Katherine writes.
    await pageA.getByRole('textbox', { name: 'Message', exact: true }).pressSequentially('Wait');
    await pageB
      .locator('#chat-typing')
      .filter({ hasText: `${katherine.displayName} is typing…` })
      .waitFor({ timeout: CHAT_TIMEOUT });

    // A message that looks like markup arrives as text, and makes no element.
    await send(pageA, markup);
    await message(pageB, markup).waitFor({ timeout: CHAT_TIMEOUT });
    expect(await message(pageB, markup).locator('.chat-text').innerText()).toBe(markup);
    expect(await pageB.locator('img').count()).toBe(0);
    expect(await pageA.locator('img').count()).toBe(0);
    await pageB
      .locator('#chat-typing')
      .filter({ hasText: /^$/ })
      .waitFor({ state: 'attached', timeout: CHAT_TIMEOUT });

    // Katherine deletes a slip; it keeps its place for Dorothy as "Message deleted".
    const slip = 'Wrong room, sorry';
    await send(pageA, slip);
    await message(pageB, slip).waitFor({ timeout: CHAT_TIMEOUT });
    await act(pageA, slip, 'Delete message');
    await message(pageB, 'Message deleted').waitFor({ timeout: CHAT_TIMEOUT });
    expect(await message(pageB, slip).count()).toBe(0);
    // Dorothy, a plain member, may delete only her own messages; Katherine owns the room and
    // may delete anyone's.
    await message(pageB, markup).hover();
    expect(
      await message(pageB, markup)
        .getByRole('button', { name: /^Delete/ })
        .count(),
    ).toBe(0);
    const reply = 'Roger, on my way';
    await send(pageB, reply);
    await message(pageA, reply).waitFor({ timeout: CHAT_TIMEOUT });
    await act(pageA, reply, 'Delete message (moderator)');
    await message(pageB, reply).waitFor({ state: 'detached', timeout: CHAT_TIMEOUT });
    expect(await message(pageB, 'Message deleted').count()).toBe(2);

    // Over the server's limit: refused with a clear sentence, and the text is given back.
    const tooLong = 'x'.repeat(4001);
    await send(pageA, tooLong);
    const error = pageA.locator('#chat-error');
    await error.waitFor({ state: 'visible', timeout: CHAT_TIMEOUT });
    expect(await error.innerText()).toBe('Message text must be at most 4000 characters.');
    expect(await pageA.getByRole('textbox', { name: 'Message', exact: true }).inputValue()).toBe(
      tooLong,
    );
    await pageA.getByRole('textbox', { name: 'Message', exact: true }).fill('');

    await pageB.screenshot({ path: '/tmp/minimeet-demo-chat.png' });
    expect(problemsHere).toEqual([]);
  }, 120_000);

  it('shows a late joiner the earlier messages, in order', async () => {
    await pageC.goto(await inviteLink());
    await logIn(pageC, mary);
    await waitForCall(pageC);
    const texts = pageC.locator('#chat-messages .chat-message .chat-text');
    await message(pageC, markup).waitFor({ timeout: CHAT_TIMEOUT });
    expect(await texts.allInnerTexts()).toEqual([
      'Liftoff at noon; bring the pelican charts.',
      'Countdown resumes at T minus 10',
      markup,
      'Message deleted',
      'Message deleted',
    ]);
    expect(
      await message(pageC, 'Countdown resumes at T minus 10').locator('.chat-edited').isVisible(),
    ).toBe(true);
    expect(
      await message(pageC, 'Liftoff at noon; bring the pelican charts.')
        .locator('.chat-reaction')
        .innerText(),
    ).toBe('👍 1');
  }, 90_000);

  it('finds a message by a word and marks the match', async () => {
    const box = pageB.getByRole('searchbox', { name: 'Search messages' });
    await box.fill('PELICAN');
    const hit = pageB.locator('#search-list .search-hit');
    // The index may follow the messages a moment later: search again until the hit is there.
    await expect
      .poll(
        async () => {
          await box.press('Enter');
          await pageB
            .locator('#search-status')
            .filter({ hasNotText: 'Searching…' })
            .waitFor({ timeout: TIMEOUT });
          return hit.count();
        },
        { timeout: CHAT_TIMEOUT },
      )
      .toBe(1);
    expect(await hit.locator('.search-hit-room').innerText()).toBe(roomName);
    expect(await hit.locator('.search-hit-sender').innerText()).toBe(katherine.displayName);
    expect(await hit.locator('mark').allInnerTexts()).toEqual(['pelican']);
    expect(await hit.locator('.search-hit-snippet').innerText()).toContain('bring the pelican');
    // While the results show, they stand in for the conversation.
    expect(await pageB.locator('#chat-conversation').isVisible()).toBe(false);

    // By relevance, the same message; then back to it in the chat.
    await pageB.getByLabel('Best match').check();
    await pageB
      .locator('#search-status')
      .filter({ hasText: 'best matches first' })
      .waitFor({ timeout: CHAT_TIMEOUT });
    expect(await hit.locator('mark').allInnerTexts()).toEqual(['pelican']);
    await hit.getByRole('button', { name: /^Show .* in the chat$/ }).click();
    await pageB.locator('#chat-conversation').waitFor({ state: 'visible', timeout: TIMEOUT });
    const found = message(pageB, 'Liftoff at noon; bring the pelican charts.');
    await expect.poll(() => found.evaluate((el) => el === document.activeElement)).toBe(true);

    // A word nobody wrote finds nothing, and says so.
    await box.fill('"unbalanced (query*');
    await box.press('Enter');
    await pageB
      .locator('#search-status')
      .filter({ hasText: 'No messages match.' })
      .waitFor({ timeout: CHAT_TIMEOUT });
    await pageB.getByRole('button', { name: 'Back to chat' }).click();
    expect(problemsHere).toEqual([]);
  }, 60_000);

  it('shows presence dots on the tiles and in the People list, and a status set to busy', async () => {
    // Mary goes back to the lobby, where the People list shows the others in the call.
    await pageC.getByRole('button', { name: 'Leave' }).click();
    await pageC.locator('#lobby').waitFor({ state: 'visible', timeout: CHAT_TIMEOUT });
    const katherineForMary = personRow(pageC, katherine.displayName);
    await katherineForMary
      .and(pageC.locator('[data-state="in_call"]'))
      .waitFor({ timeout: CHAT_TIMEOUT });
    expect(await katherineForMary.locator('.person-state').innerText()).toBe('In a call');
    expect(await katherineForMary.locator('.person-rooms').innerText()).toBe(`Shares ${roomName}`);

    // Dorothy, in the call, sees Katherine's dot on her tile: in a call, in blue.
    const dot = cameraDot(pageB, katherine.displayName);
    await dot.and(pageB.locator('[data-state="in_call"]')).waitFor({ timeout: CHAT_TIMEOUT });
    expect(await dot.getAttribute('aria-label')).toBe('In a call');
    expect(await dot.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
      'rgb(37, 99, 235)',
    );
    // And Mary, back in the lobby, is online for the others.
    await personRow(pageB, mary.displayName)
      .and(pageB.locator('[data-state="online"]'))
      .waitFor({ state: 'attached', timeout: CHAT_TIMEOUT });

    // Katherine sets herself busy, with a status text: everyone sees it.
    await pageA.getByLabel('Status message').fill('Go/no-go poll');
    await pageA.getByLabel('Availability').selectOption('busy');
    await dot.and(pageB.locator('[data-state="busy"]')).waitFor({ timeout: CHAT_TIMEOUT });
    expect(await dot.getAttribute('aria-label')).toBe('Busy');
    await katherineForMary
      .and(pageC.locator('[data-state="busy"]'))
      .waitFor({ timeout: CHAT_TIMEOUT });
    await katherineForMary
      .locator('.person-status', { hasText: 'Go/no-go poll' })
      .waitFor({ timeout: CHAT_TIMEOUT });
    await pageA
      .locator('#own-presence[data-state="busy"]')
      .waitFor({ state: 'visible', timeout: CHAT_TIMEOUT });

    // Available again: back to "in a call".
    await pageA.getByLabel('Availability').selectOption('available');
    await dot.and(pageB.locator('[data-state="in_call"]')).waitFor({ timeout: CHAT_TIMEOUT });
    expect(problemsHere).toEqual([]);
  }, 90_000);
});
