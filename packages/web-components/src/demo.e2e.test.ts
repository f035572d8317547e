import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './test/chromium.js';
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
