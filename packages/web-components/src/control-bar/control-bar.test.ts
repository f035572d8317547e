import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousAxeViolations } from '../test/axe.js';
import { startMinimeetServer, type RunningServer } from '../test/minimeet-server.js';
import {
  createHostKey,
  joinWithSdk,
  launchCallBrowser,
  mintJoinToken,
  newCallPage,
  startElementAssets,
  type SdkWindow,
} from '../test/room-fixture.js';
import type { StaticServer } from '../test/static-server.js';

let server: RunningServer;
let assets: StaticServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  [server, assets, browser] = await Promise.all([
    startMinimeetServer(),
    startElementAssets(),
    launchCallBrowser(),
  ]);
  const key = await createHostKey(server);
  ({ context, page } = await newCallPage(browser, assets, {
    viewport: { width: 390, height: 844 },
  }));
  const room = `bar-${randomUUID()}`;
  await joinWithSdk(
    page,
    server.url,
    await mintJoinToken(server, key, { name: 'Ada', room }),
    room,
  );
  // Standalone, with the room set as a property: an app's own layout.
  await page.evaluate(() => {
    const bar = document.createElement('minimeet-control-bar');
    bar.room = (window as unknown as SdkWindow).room;
    document.body.append(bar);
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await assets?.close();
  await server?.close();
});

const button = (control: string) =>
  page.locator(`minimeet-control-bar [data-control="${control}"]`);
const published = (source: string) =>
  page.evaluate((source) => {
    const p = (window as unknown as SdkWindow).room.localParticipant.getTrackPublication(
      source as 'camera',
    );
    return p ? !p.isMuted : false;
  }, source);

describe('<minimeet-control-bar>', () => {
  it('turns the microphone and camera off and on through the SDK', async () => {
    expect(await button('microphone').getAttribute('aria-describedby')).toBe('tip-microphone');
    await button('microphone').click();
    await expect.poll(() => published('microphone')).toBe(false);
    await expect.poll(() => button('microphone').innerText()).toContain('Unmute');
    await button('camera').click();
    await expect.poll(() => published('camera')).toBe(false);
    await button('camera').click();
    await expect.poll(() => published('camera')).toBe(true);
  });

  it('has a name for every button when the labels are hidden on a narrow bar', async () => {
    const names = await page
      .locator('minimeet-control-bar button')
      .evaluateAll((buttons) => buttons.map((b) => (b as HTMLElement).innerText.trim()));
    expect(names.every((name) => name.length > 0)).toBe(true);
    expect(await seriousAxeViolations(page, 'minimeet-control-bar')).toEqual([]);
  });

  it('moves between buttons with the arrow keys', async () => {
    await button('microphone').focus();
    await page.keyboard.press('ArrowRight');
    expect(
      await page.evaluate(
        () =>
          (document.querySelector('minimeet-control-bar')!.shadowRoot!.activeElement as HTMLElement)
            .dataset.control,
      ),
    ).toBe('camera');
  });

  it('leaves the call', async () => {
    await button('leave').click();
    await expect
      .poll(() => page.evaluate(() => (window as unknown as SdkWindow).room.state))
      .toBe('disconnected');
  });
});
