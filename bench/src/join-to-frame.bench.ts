/**
 * Time from `room.joinRoom()` to the first remote video frame on screen, in rooms of 2 and 4, in
 * headless Chromium against the real server in its own process; beside two bare
 * `RTCPeerConnection`s in one page connected directly (no server), from `createOffer()` to the
 * first frame, in the same run.
 *
 * The measured page is the newcomer: the others are already in the call and sending, it calls
 * `joinRoom(id, { video: true })` and waits for each remote camera. A frame counts when
 * `requestVideoFrameCallback` on the `<video>` the track is attached to first fires, i.e. when a
 * decoded frame is presented.
 */
import { chromium, type Browser } from 'playwright-core';
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  joinOthers,
  openPages,
  STEP_TIMEOUT_MS,
  step,
} from './browser-call.js';
import { guestTokens, type GuestTokens } from './guests.js';
import { startMinimeet } from './processes.js';
import { percentile, printTable, round } from './stats.js';

const REPETITIONS = Number(process.env.BENCH_JOIN_REPETITIONS ?? 8);
const ROOM_SIZES = (process.env.BENCH_JOIN_SIZES ?? '2,4').split(',').filter(Boolean).map(Number);

interface SizeResult {
  /** Per remote participant: joinRoom() to its first frame. */
  perRemote: number[];
  /** Per repetition: joinRoom() to the last remote's first frame. */
  allRemotes: number[];
  /** Repetitions in which some remote video never arrived. */
  failures: number;
}

async function measureRoomSize(
  browser: Browser,
  origin: string,
  sign: GuestTokens,
  size: number,
): Promise<SizeResult> {
  const pages = await openPages(browser, origin, size);
  const result: SizeResult = { perRemote: [], allRemotes: [], failures: 0 };
  try {
    for (let rep = 0; rep < REPETITIONS + 1; rep++) {
      const roomId = `jtf-${size}-${rep}`;
      const [newcomer, ...others] = pages;
      // The others join first and wait until they see each other, so the call is up and sending.
      process.stderr.write(`room of ${size}, repetition ${rep}\n`);
      try {
        await joinOthers(others, origin, sign, roomId, String(rep));
        const token = await sign(`new-${rep}`, roomId);
        const times = await step(
          'the newcomer joining',
          newcomer.evaluate<number[]>(
            `window.bench.join(${JSON.stringify(origin)}, ${JSON.stringify(token)}, ${JSON.stringify(roomId)}, ${size - 1}, true)`,
          ),
        );
        // The first repetition warms up the browser, the codecs and the server.
        if (rep > 0) {
          result.perRemote.push(...times);
          result.allRemotes.push(Math.max(...times));
        }
      } catch (error) {
        // A call that never shows video is a finding (counted), not a reason to stop measuring.
        result.failures++;
        process.stderr.write(
          `  failed: ${error instanceof Error ? error.message : String(error)}\n`,
        );
      }
      await step(
        'leaving',
        Promise.all(pages.map((page) => page.evaluate('window.bench.leave()'))),
      );
    }
  } finally {
    await Promise.all(pages.map((page) => page.context().close()));
  }
  return result;
}

async function measureDirect(browser: Browser, origin: string): Promise<number[]> {
  const [page] = await openPages(browser, origin, 1);
  try {
    const times: number[] = [];
    for (let rep = 0; rep < REPETITIONS + 1; rep++) {
      const ms = await step('the direct call', page.evaluate<number>('window.bench.direct()'));
      if (rep > 0) times.push(ms);
    }
    return times;
  } finally {
    await page.context().close();
  }
}

function row(label: string, values: number[]): Record<string, string | number> {
  return {
    case: label,
    samples: values.length,
    'p50 ms': round(percentile(values, 50)),
    'p99 ms': round(percentile(values, 99)),
  };
}

export async function joinToFrameBench(): Promise<Array<Record<string, string | number>>> {
  const server = await startMinimeet({
    SERVE_DEMO: 'true',
    RATE_LIMIT_SOCKET_REQUESTS: '1000000/1',
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const sign = await guestTokens(server.url);
    const direct = await measureDirect(browser, server.url);
    const sizes = new Map<number, SizeResult>();
    for (const size of ROOM_SIZES)
      sizes.set(size, await measureRoomSize(browser, server.url, sign, size));
    const baseP50 = percentile(direct, 50);
    const rows = [row('two bare RTCPeerConnections, createOffer → frame (baseline)', direct)];
    for (const [size, r] of sizes) {
      rows.push(
        row(`room of ${size}: joinRoom → each remote's first frame`, r.perRemote),
        row(`room of ${size}: joinRoom → every remote's first frame`, r.allRemotes),
        {
          case: `room of ${size}: repetitions without video within ${STEP_TIMEOUT_MS / 1000 - 10} s`,
          samples: r.failures,
          'p50 ms': '',
          'p99 ms': '',
        },
        {
          case: `room of ${size}: ratio to the baseline (p50, each remote)`,
          samples: '',
          'p50 ms': round(percentile(r.perRemote, 50) / baseP50, 2),
          'p99 ms': round(percentile(r.perRemote, 99) / percentile(direct, 99), 2),
        },
      );
    }
    printTable(
      `Join to first remote frame (requestVideoFrameCallback), ${REPETITIONS} repetitions after a warm-up, headless Chromium`,
      rows,
    );
    return rows;
  } finally {
    await browser.close();
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await joinToFrameBench();
}
