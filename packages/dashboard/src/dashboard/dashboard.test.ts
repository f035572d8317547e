import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join as joinPath } from 'node:path';
import type { AxeResults, RunOptions } from 'axe-core';
import { chromium, type Browser, type Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJoinToken } from '@minimeet/host';
import { PROTOCOL_VERSION, type QualitySample } from '@minimeet/protocol';
import { startTestServer, type RunningServer } from '@minimeet/server/testing';

const require = createRequire(import.meta.url);
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Set to a folder to keep screenshots of the dashboard (light and dark, desktop and phone).
const SCREENSHOTS = process.env.DASHBOARD_SCREENSHOTS;

interface ApiKey {
  id: string;
  secret: string;
}

async function post<T>(server: RunningServer, path: string, json: unknown, token?: string) {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(json),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const sockets: Socket[] = [];

/** A guest of the key's account, connected over socket.io as an app's page would be. */
async function guest(server: RunningServer, key: ApiKey, room: string, identity: string) {
  const token = await createJoinToken(key, { identity, name: identity, grants: { room } });
  const socket = io(server.url, {
    auth: { token, protocolVersion: PROTOCOL_VERSION },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  sockets.push(socket);
  await new Promise((resolve, reject) => {
    socket.once('session', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

type Ack = { ok: boolean; error?: { code: string } };
const request = (socket: Socket, event: string, payload: unknown) =>
  socket.timeout(5000).emitWithAck(event, payload) as Promise<Ack>;

const join = (socket: Socket, roomId: string) =>
  request(socket, 'join_room', {
    roomId,
    client: { sdk: 'minimeet-sdk/0.1.0', browser: 'chrome', browserVersion: 156, os: 'linux' },
  });

function sample(at: number, mos: number, level: QualitySample['level']): QualitySample {
  return {
    at,
    intervalMs: 5000,
    level,
    mos,
    legs: [
      {
        direction: 'inbound',
        kind: 'audio',
        source: 'microphone',
        bitrate: 32_000,
        packets: 250,
        packetsLost: level === 'poor' ? 25 : 0,
        jitterMs: 4,
        rttMs: 40,
        mos,
      },
    ],
  };
}

async function seriousAxeViolations(page: Page): Promise<string[]> {
  // Evaluated over the DevTools protocol: the page's CSP (no inline scripts) stays in force.
  await page.evaluate(await readFile(require.resolve('axe-core/axe.min.js'), 'utf8'));
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(context: unknown, options: RunOptions): Promise<AxeResults> };
      }
    ).axe;
    const results = await axe.run(document, {
      resultTypes: ['violations'],
      runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
    });
    return results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  });
}

describe('the dashboard at /dashboard', () => {
  let server: RunningServer;
  let browser: Browser;
  let owner: { email: string; password: string };
  const room = 'weekly-standup';

  beforeAll(async () => {
    server = await startTestServer({
      SERVE_DEMO: 'true',
      RECONNECT_GRACE_SECONDS: '1',
      MESH_MAX_PARTICIPANTS: '2',
      // Mesh only, so that a third guest is turned away rather than moved to the SFU.
      SFU_ENABLED: 'false',
    });
    owner = { email: `owner-${Date.now()}@example.test`, password: 'correct horse battery' };
    const session = await post<{ accessToken: string }>(server, '/api/auth/register', {
      ...owner,
      displayName: 'Owner',
    });
    const key = await post<ApiKey>(server, '/api/api-keys', { name: 'app' }, session.accessToken);

    // A real call: two guests join, report quality, and leave; a third is turned away (full).
    const a = await guest(server, key, room, 'ada');
    const b = await guest(server, key, room, 'bob');
    expect((await join(a, room)).ok).toBe(true);
    expect((await join(b, room)).ok).toBe(true);
    const late = await guest(server, key, room, 'cyd');
    expect(await join(late, room)).toMatchObject({ ok: false, error: { code: 'room_full' } });
    const now = Date.now();
    const levels: Array<[number, QualitySample['level']]> = [
      [4.3, 'excellent'],
      [4.2, 'excellent'],
      [3.6, 'good'],
      [4.1, 'excellent'],
    ];
    await request(a, 'quality_report', {
      roomId: room,
      samples: levels.map(([mos, level], i) => sample(now + i * 5000, mos, level)),
    });
    await request(b, 'quality_report', {
      roomId: room,
      samples: levels.map(([mos], i) => sample(now + i * 5000, mos - 1.4, 'poor')),
    });
    expect((await request(a, 'leave_room', { roomId: room })).ok).toBe(true);
    expect((await request(b, 'leave_room', { roomId: room })).ok).toBe(true);
    // A second room with a call still going on, for the live view.
    const c = await guest(server, key, 'design-review', 'cyd');
    expect((await join(c, 'design-review')).ok).toBe(true);

    await waitFor('the call to be recorded as ended', async () => {
      const res = await fetch(`${server.url}/api/analytics/calls?status=ended`, {
        headers: { authorization: `Bearer ${session.accessToken}` },
      });
      const body = (await res.json()) as { items: unknown[] };
      return body.items.length === 1;
    });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await browser?.close();
    await server?.close();
  });

  async function signedIn(page: Page) {
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${server.url}/dashboard/`);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-stat="calls"]').filter({ hasText: /^2$/ }).waitFor();
    return problems;
  }

  it('signs in, shows the calls, the live room and a call’s timeline, with no CSP errors or serious axe violations', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const res = await page.request.get(`${server.url}/dashboard/`);
    expect(res.headers()['content-security-policy']).toContain("script-src 'self'");
    const problems = await signedIn(page);

    const calls = page.locator('#calls-table tbody tr');
    await expect.poll(() => calls.count()).toBe(2);
    await expect.poll(() => page.locator('#calls-table').innerText()).toContain(room);
    await expect.poll(() => page.locator('#live-table').innerText()).toContain('design-review');
    await expect
      .poll(() => page.getByRole('region', { name: 'Failed joins' }).innerText())
      .toContain('room_full');
    // Two charts of the days, drawn (uPlot paints a canvas) with their tables beside them.
    await expect.poll(() => page.locator('.chart canvas').count()).toBe(2);

    await page.locator('#calls-table').getByRole('button', { name: room }).click();
    const legs = page.locator('#legs li');
    await expect.poll(() => legs.count()).toBe(2);
    await expect.poll(() => legs.first().innerText()).toContain('left');
    await expect.poll(() => page.locator('#quality-chart canvas').count()).toBe(1);
    await page.getByText('Quality over time as a table').click();
    await expect
      .poll(() =>
        page
          .getByRole('region', { name: /Call in/ })
          .locator('tbody tr')
          .count(),
      )
      .toBe(8);

    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it.skipIf(!SCREENSHOTS)('takes screenshots, light and dark, desktop and phone', async () => {
    mkdirSync(SCREENSHOTS!, { recursive: true });
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const [name, viewport] of [
        ['desktop', { width: 1280, height: 800 }],
        ['phone', { width: 390, height: 844 }],
      ] as const) {
        const context = await browser.newContext({ viewport, colorScheme });
        const page = await context.newPage();
        await signedIn(page);
        await page.locator('.chart canvas').first().waitFor();
        await page.screenshot({ path: joinPath(SCREENSHOTS!, `${name}-${colorScheme}.png`) });
        await page.locator('#calls-table').getByRole('button', { name: room }).click();
        await page.locator('#quality-chart canvas').waitFor();
        await page.locator('#timeline-heading').scrollIntoViewIfNeeded();
        await page.screenshot({
          path: joinPath(SCREENSHOTS!, `${name}-${colorScheme}-timeline.png`),
        });
        if (name === 'desktop') {
          await page.screenshot({
            path: joinPath(SCREENSHOTS!, `${name}-${colorScheme}-full.png`),
            fullPage: true,
          });
        }
        await context.close();
      }
    }
  });
});
