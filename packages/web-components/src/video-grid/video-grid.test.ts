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
} from '../test/room-fixture.js';
import type { StaticServer } from '../test/static-server.js';

let server: RunningServer;
let assets: StaticServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
let ada: Page;

beforeAll(async () => {
  [server, assets, browser] = await Promise.all([
    startMinimeetServer(),
    startElementAssets(),
    launchCallBrowser(),
  ]);
  const key = await createHostKey(server);
  const room = `grid-${randomUUID()}`;
  const pages: Page[] = [];
  for (const name of ['Ada', 'Bob']) {
    const { context, page } = await newCallPage(browser, assets);
    contexts.push(context);
    pages.push(page);
    await joinWithSdk(page, server.url, await mintJoinToken(server, key, { name, room }), room);
  }
  ada = pages[0]!;
  // The grid in an app's own layout, given the call through the context.
  await ada.addScriptTag({
    type: 'module',
    content: `
      import { provideRoomContext } from '/elements/minimeet-elements.js';
      const stage = document.createElement('div');
      stage.style.cssText = 'width: 960px; height: 540px';
      provideRoomContext(stage, { client: window.client, room: window.room });
      stage.append(document.createElement('minimeet-video-grid'));
      document.body.append(stage);
    `,
  });
}, 60_000);

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await assets?.close();
  await server?.close();
});

const tiles = () => ada.locator('minimeet-video-grid minimeet-participant-tile');

describe('<minimeet-video-grid>', () => {
  it('shows everyone, sized to the space, and plays the others’ sound', async () => {
    await expect.poll(() => tiles().count(), { timeout: 15_000 }).toBe(2);
    const [first, second] = [
      await tiles().nth(0).boundingBox(),
      await tiles().nth(1).boundingBox(),
    ];
    expect(first!.width).toBeGreaterThan(400);
    expect(second!.y).toBe(first!.y);
    await expect
      .poll(() => ada.locator('minimeet-video-grid audio[data-key]').count(), { timeout: 15_000 })
      .toBe(1);
    expect(await seriousAxeViolations(ada, 'minimeet-video-grid')).toEqual([]);
  });

  it('moves between tiles with the arrow keys', async () => {
    await tiles().nth(0).focus();
    await ada.keyboard.press('ArrowRight');
    expect(
      await tiles()
        .nth(1)
        .evaluate((tile) => tile.matches(':focus')),
    ).toBe(true);
    expect(await tiles().nth(1).getAttribute('tabindex')).toBe('0');
    expect(await tiles().nth(0).getAttribute('tabindex')).toBe('-1');
  });

  it('pages beyond max-tiles and keeps paging reachable', async () => {
    await ada.evaluate(() =>
      document.querySelector('minimeet-video-grid')!.setAttribute('max-tiles', '1'),
    );
    await ada.locator('minimeet-video-grid [part="pager"]').waitFor();
    expect(await ada.locator('minimeet-video-grid [part="pager"] .page').innerText()).toBe(
      'Page 1 of 2',
    );
    await ada.locator('minimeet-video-grid [part="pager"] button').last().click();
    expect(await ada.locator('minimeet-video-grid [part="pager"] .page').innerText()).toBe(
      'Page 2 of 2',
    );
    expect(await tiles().count()).toBe(1);
    expect(await seriousAxeViolations(ada, 'minimeet-video-grid')).toEqual([]);
  });
});
