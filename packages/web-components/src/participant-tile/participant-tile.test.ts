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
  ({ context, page } = await newCallPage(browser, assets));
  const room = `tile-${randomUUID()}`;
  await joinWithSdk(
    page,
    server.url,
    await mintJoinToken(server, key, { name: 'Ada Lovelace', room }),
    room,
  );
  await page.evaluate(() => {
    const w = window as unknown as SdkWindow;
    const tile = document.createElement('minimeet-participant-tile');
    tile.participant = w.room.localParticipant;
    tile.style.cssText = 'width: 480px; height: 270px';
    document.body.append(tile);
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await assets?.close();
  await server?.close();
});

const label = () => page.locator('minimeet-participant-tile').getAttribute('aria-label');

describe('<minimeet-participant-tile>', () => {
  it('plays the participant’s camera, mirrored for oneself, and names them', async () => {
    await expect
      .poll(() =>
        page.evaluate(() => {
          const video = document
            .querySelector('minimeet-participant-tile')!
            .shadowRoot!.querySelector('video')!;
          return video.readyState >= 2 && video.videoWidth > 0;
        }),
      )
      .toBe(true);
    expect(await page.locator('minimeet-participant-tile').getAttribute('local')).toBe('');
    expect(await page.locator('minimeet-participant-tile [part="name"]').innerText()).toBe(
      'Ada Lovelace (you)',
    );
    expect(
      await page.locator('minimeet-participant-tile [part="video"]').getAttribute('class'),
    ).toContain('mirrored');
    // The fake microphone beeps, so "Speaking" may follow.
    expect(await label()).toMatch(/^Ada Lovelace \(you\)(, Speaking)?$/);
    expect(await seriousAxeViolations(page, 'minimeet-participant-tile')).toEqual([]);
  });

  it('shows the microphone off and the initials when the camera is off', async () => {
    await page.evaluate(async () => {
      const local = (window as unknown as SdkWindow).room.localParticipant;
      await local.setMicrophoneMuted(true);
      await local.setCameraEnabled(false);
    });
    await page.locator('minimeet-participant-tile [part="muted-badge"]').waitFor();
    expect(await page.locator('minimeet-participant-tile [part="avatar"]').innerText()).toBe('AL');
    await expect.poll(label).toBe('Ada Lovelace (you), Microphone off, Camera off');
    expect(await seriousAxeViolations(page, 'minimeet-participant-tile')).toEqual([]);
  });

  it('speaks the language it is given', async () => {
    await page.evaluate(() =>
      document.querySelector('minimeet-participant-tile')!.setAttribute('lang', 'de'),
    );
    await expect.poll(label).toBe('Ada Lovelace (du), Mikrofon aus, Kamera aus');
  });
});
