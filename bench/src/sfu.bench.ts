/**
 * Issue 15, the SDK's side of the SFU, in headless Chromium against the real server (its own
 * process, its mediasoup worker), guests with join tokens, the fake camera (640x480) shown in
 * 64x48 thumbnails (so the SFU forwards the lowest simulcast layer, as a grid of them would get):
 *
 * 1. Join to first frame: as in `join-to-frame.bench.ts`, the others are in the call and sending;
 *    the newcomer takes `performance.now()` before `joinRoom()` and awaits the first presented
 *    frame (`requestVideoFrameCallback`) of each remote camera. SFU rooms of 2 and 6, beside the
 *    mesh room of 2 (the baseline) in the same run.
 * 2. The mesh→SFU switch of an `auto` room: four pages in a mesh call, the longest gap between
 *    presented frames of each remote camera on each of them while a fifth joins and the call moves
 *    to the SFU (until every page is on the SFU with its mesh closed and a few seconds of frames
 *    after); and the SFU→mesh return when the fifth leaves. Beside the baseline: the longest gap
 *    on the same pages over as long a window without a switch. p50 and p99 over every (page,
 *    remote) pair of every repetition.
 *
 * The browser bundle loads its SFU module from beside itself; until the server serves it at
 * `/sdk/minimeet-sdk-sfu.browser.js`, the bench hands the built file to the pages itself.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, joinOthers, openPages, step } from './browser-call.js';
import { hostAccount, type HostAccount } from './guests.js';
import { startMinimeet } from './processes.js';
import { percentile, printTable, round } from './stats.js';

const REPETITIONS = Number(process.env.BENCH_SFU_REPETITIONS ?? 5);
const SWITCH_REPETITIONS = Number(process.env.BENCH_SWITCH_REPETITIONS ?? 3);
// After the move, frames keep being counted this long (the old topology closes meanwhile).
const SETTLE_MS = 4_000;

const SFU_MODULE = fileURLToPath(
  new URL('../../packages/sdk/dist/minimeet-sdk-sfu.browser.js', import.meta.url),
);

// Page-side helpers beside `window.bench` (browser-call.ts): the longest gap between presented
// frames of each remote camera, and the room's topology. Plain JavaScript text.
const GAP_SCRIPT = `
window.benchGaps = {
  run: 0,
  start() {
    const run = ++this.run;
    this.stats = [];
    for (const video of document.querySelectorAll('video')) {
      const stat = { video, frames: 0, maxGapMs: 0, last: performance.now(), gapEnd: 0 };
      this.stats.push(stat);
      const onFrame = (now) => {
        if (run !== this.run) return;
        if (now - stat.last > stat.maxGapMs) {
          stat.maxGapMs = now - stat.last;
          stat.gapEnd = Date.now() - (performance.now() - now);
        }
        stat.last = now;
        stat.frames += 1;
        video.requestVideoFrameCallback(onFrame);
      };
      video.requestVideoFrameCallback(onFrame);
    }
  },
  // Videos detached meanwhile (their participant left) are not gaps anyone sees.
  read() {
    const now = performance.now();
    return this.stats
      .filter((s) => s.video.srcObject !== null)
      .map((s) => ({
        frames: s.frames,
        maxGapMs: Math.max(s.maxGapMs, now - s.last),
        gapEnd: s.maxGapMs >= now - s.last ? s.gapEnd : Date.now(),
        swaps: window.__swaps?.get(s.video) ?? [],
      }));
  },
};
// When each video's source was swapped (the call moved), for BENCH_SWITCH_TRACE.
window.__swaps = new Map();
const srcObject = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject');
Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
  configurable: true,
  get() { return srcObject.get.call(this); },
  set(value) {
    window.__swaps.set(this, [...(window.__swaps.get(this) ?? []), Date.now()]);
    srcObject.set.call(this, value);
  },
});
`;

// Thumbnails, as a grid of many shows them, all on the bench's small viewport: a video off screen
// is paused by the SDK (adaptive layers) and would never show a frame.
const THUMBNAILS = `
const style = document.createElement('style');
style.textContent = 'video { width: 64px; height: 48px; }';
document.head.append(style);
`;

const evaluate = <T>(page: Page, what: string, script: string): Promise<T> =>
  step(what, page.evaluate<T>(script));

async function serveSfuModule(pages: Page[]): Promise<void> {
  const body = await readFile(SFU_MODULE);
  for (const page of pages) {
    await page
      .context()
      .route('**/sdk/minimeet-sdk-sfu.browser.js', (route) =>
        route.fulfill({ status: 200, contentType: 'text/javascript', body }),
      );
  }
}

async function createRoom(
  host: HostAccount,
  origin: string,
  topology: string,
  capacity: number,
): Promise<string> {
  const res = await fetch(`${origin}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${host.accessToken}` },
    body: JSON.stringify({ name: `bench ${topology}`, topology, capacity }),
  });
  if (!res.ok)
    throw new Error(`creating a ${topology} room failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

interface JoinResult {
  perRemote: number[];
  failures: number;
}

async function joinToFrame(
  browser: Browser,
  origin: string,
  host: HostAccount,
  topology: 'sfu' | 'auto',
  size: number,
): Promise<JoinResult> {
  const pages = await openPages(browser, origin, size, [THUMBNAILS]);
  await serveSfuModule(pages);
  const result: JoinResult = { perRemote: [], failures: 0 };
  try {
    for (let rep = 0; rep < REPETITIONS + 1; rep++) {
      process.stderr.write(`${topology} room of ${size}, repetition ${rep}\n`);
      const roomId = await createRoom(host, origin, topology, Math.max(size, 2));
      const [newcomer, ...others] = pages;
      try {
        await joinOthers(others, origin, host.sign, roomId, `${topology}-${rep}`);
        const token = await host.sign(`new-${rep}`, roomId);
        const times = await evaluate<number[]>(
          newcomer,
          'the newcomer joining',
          `window.bench.join(${JSON.stringify(origin)}, ${JSON.stringify(token)}, ${JSON.stringify(roomId)}, ${size - 1}, true)`,
        );
        if (rep > 0) result.perRemote.push(...times);
      } catch (error) {
        result.failures++;
        process.stderr.write(
          `  failed: ${error instanceof Error ? error.message : String(error)}\n`,
        );
      }
      await step('leaving', Promise.all(pages.map((p) => p.evaluate('window.bench.leave()'))));
    }
  } finally {
    await Promise.all(pages.map((p) => p.context().close()));
  }
  return result;
}

interface SwitchResult {
  toSfu: number[];
  toMesh: number[];
  steady: number[];
  failures: number;
}

interface Gap {
  frames: number;
  maxGapMs: number;
  gapEnd: number;
  swaps: number[];
}

// With BENCH_SWITCH_TRACE=1, each page's gaps are printed against the move's start: when the
// longest gap ended, when the video's source was swapped, when the page's connections opened
// and closed (ms after t0).
const TRACE = process.env.BENCH_SWITCH_TRACE === '1';

const gaps = async (pages: Page[], trace?: { label: string; t0: number }): Promise<number[]> => {
  const perPage = await Promise.all(
    pages.map((p) => evaluate<Gap[]>(p, 'reading gaps', 'window.benchGaps.read()')),
  );
  if (TRACE && trace) {
    for (const [i, page] of pages.entries()) {
      const pcs = await page.evaluate<number[][]>(
        'window.__pcs.map((pc) => [pc.__openedAt, pc.__closedAt ?? NaN])',
      );
      const at = (t: number) => Math.round(t - trace.t0);
      process.stderr.write(
        `  ${trace.label} page ${i}: connections ${pcs.map(([o, c]) => `${at(o)}–${at(c)}`).join(' ')}\n` +
          perPage[i]
            .map(
              (g) =>
                `    gap ${Math.round(g.maxGapMs)} ms ending at ${at(g.gapEnd)}, swaps at ${g.swaps.map(at).join(' ')}\n`,
            )
            .join(''),
      );
    }
  }
  return perPage.flat().map((g) => g.maxGapMs);
};

const startGaps = (pages: Page[]): Promise<unknown> =>
  Promise.all(pages.map((p) => p.evaluate('window.benchGaps.start()')));

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForPeerConnections(page: Page, count: number): Promise<void> {
  await step(
    `${count} open peer connections`,
    page.waitForFunction(
      `window.__pcs.filter((pc) => pc.connectionState !== 'closed').length === ${count}`,
      undefined,
      { timeout: 40_000, polling: 200 },
    ),
  );
}

async function switchGaps(
  browser: Browser,
  origin: string,
  host: HostAccount,
): Promise<SwitchResult> {
  // The bench counts the page's peer connections: open = mesh (3) or SFU (2).
  const counter = `window.__pcs = []; const Native = window.RTCPeerConnection; window.RTCPeerConnection = class extends Native { constructor(...a) { super(...a); this.__openedAt = Date.now(); window.__pcs.push(this); } close() { this.__closedAt ??= Date.now(); super.close(); } };`;
  const result: SwitchResult = { toSfu: [], toMesh: [], steady: [], failures: 0 };
  for (let rep = 0; rep < SWITCH_REPETITIONS; rep++) {
    process.stderr.write(`switch, repetition ${rep}\n`);
    const pages = await openPages(browser, origin, 5, [THUMBNAILS, GAP_SCRIPT]);
    await serveSfuModule(pages);
    for (const page of pages) await page.evaluate(counter);
    try {
      const roomId = await createRoom(host, origin, 'auto', 6);
      const four = pages.slice(0, 4);
      const fifth = pages[4];
      await joinOthers(four, origin, host.sign, roomId, `switch-${rep}`);
      for (const page of four) await waitForPeerConnections(page, 3);
      // Baseline: as long a window on the mesh, nothing moving.
      await startGaps(four);
      const started = Date.now();
      const token = await host.sign(`fifth-${rep}`, roomId);
      await pause(8_000);
      result.steady.push(...(await gaps(four)));
      const windowMs = Date.now() - started;

      await startGaps(four);
      const t0 = Date.now();
      await evaluate(
        fifth,
        'the fifth joining',
        `window.bench.join(${JSON.stringify(origin)}, ${JSON.stringify(token)}, ${JSON.stringify(roomId)}, 4, false)`,
      );
      for (const page of four) await waitForPeerConnections(page, 2);
      await pause(Math.max(SETTLE_MS, windowMs - (Date.now() - t0)));
      result.toSfu.push(...(await gaps(four, { label: 'to SFU', t0 })));

      await startGaps(four);
      const t1 = Date.now();
      await evaluate(fifth, 'the fifth leaving', 'window.bench.leave()');
      for (const page of four) await waitForPeerConnections(page, 3);
      await pause(Math.max(SETTLE_MS, windowMs - (Date.now() - t1)));
      result.toMesh.push(...(await gaps(four, { label: 'to mesh', t0: t1 })));
    } catch (error) {
      result.failures++;
      process.stderr.write(`  failed: ${error instanceof Error ? error.message : String(error)}\n`);
    } finally {
      await Promise.all(pages.map((p) => p.context().close()));
    }
  }
  return result;
}

function row(label: string, values: number[], base?: number[]): Record<string, string | number> {
  return {
    case: label,
    samples: values.length,
    'p50 ms': round(percentile(values, 50)),
    'p99 ms': round(percentile(values, 99)),
    'ratio p50': base ? round(percentile(values, 50) / percentile(base, 50), 2) : '',
  };
}

export async function sfuBench(): Promise<Array<Record<string, string | number>>> {
  const server = await startMinimeet({
    SERVE_DEMO: 'true',
    RATE_LIMIT_SOCKET_REQUESTS: '1000000/1',
    AUTO_SFU_THRESHOLD: '4',
    AUTO_MESH_RETURN_SECONDS: '2',
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const host = await hostAccount(server.url);
    const mesh2 = await joinToFrame(browser, server.url, host, 'auto', 2);
    const sfu2 = await joinToFrame(browser, server.url, host, 'sfu', 2);
    const sfu6 = await joinToFrame(browser, server.url, host, 'sfu', 6);
    const joinRows = [
      row('mesh room of 2: joinRoom → first frame (baseline)', mesh2.perRemote),
      row('SFU room of 2: joinRoom → first frame', sfu2.perRemote, mesh2.perRemote),
      row("SFU room of 6: joinRoom → each remote's first frame", sfu6.perRemote, mesh2.perRemote),
      {
        case: 'repetitions without video (mesh 2 / SFU 2 / SFU 6)',
        samples: `${mesh2.failures} / ${sfu2.failures} / ${sfu6.failures}`,
        'p50 ms': '',
        'p99 ms': '',
        'ratio p50': '',
      },
    ];
    printTable(
      `Join to first remote frame, SFU beside mesh, ${REPETITIONS} repetitions after a warm-up, headless Chromium`,
      joinRows,
    );
    const moves = await switchGaps(browser, server.url, host);
    const switchRows = [
      row('mesh of 4, no switch: longest frame gap (baseline)', moves.steady),
      row('4 → 5, mesh → SFU: longest frame gap', moves.toSfu, moves.steady),
      row('5 → 4, SFU → mesh: longest frame gap', moves.toMesh, moves.steady),
      {
        case: 'repetitions that failed',
        samples: moves.failures,
        'p50 ms': '',
        'p99 ms': '',
        'ratio p50': '',
      },
    ];
    printTable(
      `Longest gap between presented frames of each remote camera on each of 4 pages, ${SWITCH_REPETITIONS} repetitions`,
      switchRows,
    );
    return [...joinRows, ...switchRows];
  } finally {
    await browser.close();
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await sfuBench();
}
