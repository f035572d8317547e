import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrejoinSubmitDetail } from '../events/room-events.js';
import { seriousAxeViolations } from '../test/axe.js';
import { launchCallBrowser, newCallPage, startElementAssets } from '../test/room-fixture.js';
import type { StaticServer } from '../test/static-server.js';

let assets: StaticServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [assets, browser] = await Promise.all([startElementAssets(), launchCallBrowser()]);
}, 60_000);

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await assets?.close();
});

async function prejoinPage(grant: boolean, attributes: Record<string, string>): Promise<Page> {
  const { context, page } = await newCallPage(browser, assets, { grant });
  contexts.push(context);
  await page.evaluate((attributes) => {
    const prejoin = document.createElement('minimeet-prejoin');
    for (const [name, value] of Object.entries(attributes)) prejoin.setAttribute(name, value);
    document.body.append(prejoin);
  }, attributes);
  return page;
}

const pressed = (page: Page, part: string) =>
  page.locator(`minimeet-prejoin [part="${part}"]`).getAttribute('aria-pressed');

describe('<minimeet-prejoin>', () => {
  it('previews the camera, starts muted when asked, reports and remembers the choices', async () => {
    const page = await prejoinPage(true, { 'display-name': 'Ada', 'audio-muted': '' });
    expect(await pressed(page, 'microphone-toggle')).toBe('false');
    expect(await pressed(page, 'camera-toggle')).toBe('true');
    await expect
      .poll(() =>
        page.evaluate(
          () =>
            (document.querySelector('minimeet-prejoin')!.shadowRoot!.querySelector('video')!
              .videoWidth ?? 0) > 0,
        ),
      )
      .toBe(true);
    expect(await page.locator('minimeet-prejoin [part="name-input"]').inputValue()).toBe('Ada');
    expect(await seriousAxeViolations(page, 'minimeet-prejoin')).toEqual([]);

    await page.locator('minimeet-prejoin [part="camera-toggle"]').click();
    const submitted = page.evaluate(
      () =>
        new Promise<PrejoinSubmitDetail>((resolve) =>
          document.addEventListener('minimeet-prejoin-submit', (e) => resolve(e.detail), {
            once: true,
          }),
        ),
    );
    await page.locator('minimeet-prejoin [part="join-button"]').click();
    expect(await submitted).toMatchObject({ displayName: 'Ada', audio: false, video: false });
    // The preview stops so that the call can take the devices.
    expect(
      await page.evaluate(
        () =>
          document.querySelector('minimeet-prejoin')!.shadowRoot!.querySelector('video')!.srcObject,
      ),
    ).toBeNull();
    expect(
      await page.evaluate(
        () =>
          JSON.parse(localStorage.getItem('minimeet:prejoin') ?? '{}') as Record<string, unknown>,
      ),
    ).toMatchObject({ audio: false, video: false });

    // The next visit starts from the remembered choices, whatever the attributes say.
    await page.evaluate(() => {
      document.querySelector('minimeet-prejoin')!.remove();
      document.body.append(document.createElement('minimeet-prejoin'));
    });
    expect(await pressed(page, 'camera-toggle')).toBe('false');
    expect(await pressed(page, 'microphone-toggle')).toBe('false');
  });

  it('explains what to do when the browser blocks the devices', async () => {
    const page = await prejoinPage(false, { 'storage-key': '' });
    await page.locator('minimeet-prejoin [part="permission-help"]').waitFor();
    expect(
      await page.locator('minimeet-prejoin [part="permission-help"]').getAttribute('role'),
    ).toBe('alert');
    expect(await seriousAxeViolations(page, 'minimeet-prejoin')).toEqual([]);
  });

  it('plays a test sound', async () => {
    const page = await prejoinPage(true, { 'storage-key': '' });
    const button = page.locator('minimeet-prejoin [part="test-sound-button"]');
    await button.click();
    await expect.poll(() => button.innerText()).toContain('Playing');
    await expect.poll(() => button.innerText(), { timeout: 5000 }).toContain('Play test sound');
  });
});
