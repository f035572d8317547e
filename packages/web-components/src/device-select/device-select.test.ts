import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousAxeViolations } from '../test/axe.js';
import { launchCallBrowser, newCallPage, startElementAssets } from '../test/room-fixture.js';
import type { StaticServer } from '../test/static-server.js';

let assets: StaticServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  [assets, browser] = await Promise.all([startElementAssets(), launchCallBrowser()]);
  ({ context, page } = await newCallPage(browser, assets));
  await page.evaluate(async () => {
    // Device labels appear once the page has captured once.
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    for (const track of stream.getTracks()) track.stop();
    for (const kind of ['videoinput', 'audioinput']) {
      const select = document.createElement('minimeet-device-select');
      select.setAttribute('kind', kind);
      document.body.append(select);
    }
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await assets?.close();
});

describe('<minimeet-device-select>', () => {
  it('lists the devices of its kind under a label', async () => {
    const cameras = page.locator('minimeet-device-select[kind="videoinput"] option');
    await expect.poll(() => cameras.count()).toBeGreaterThan(0);
    expect(await cameras.first().innerText()).not.toBe('');
    expect(
      await page.locator('minimeet-device-select[kind="audioinput"] [part="label"]').innerText(),
    ).toBe('Microphone');
    expect(await seriousAxeViolations(page, 'minimeet-device-select')).toEqual([]);
  });

  it('reports the device picked', async () => {
    const deviceId = await page
      .locator('minimeet-device-select[kind="videoinput"] option')
      .first()
      .getAttribute('value');
    const detail = page.evaluate(
      () =>
        new Promise<{ kind: string; deviceId: string }>((resolve) =>
          document.addEventListener('minimeet-device-changed', (e) => resolve(e.detail), {
            once: true,
          }),
        ),
    );
    await page.locator('minimeet-device-select[kind="videoinput"] select').selectOption(deviceId);
    expect(await detail).toEqual({ kind: 'videoinput', deviceId });
  });

  it('translates its label with lang', async () => {
    await page.evaluate(() => document.documentElement.setAttribute('lang', 'ar'));
    await expect
      .poll(() =>
        page.locator('minimeet-device-select[kind="videoinput"] [part="label"]').innerText(),
      )
      .toBe('الكاميرا');
  });
});
