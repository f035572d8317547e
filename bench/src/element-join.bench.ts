/**
 * Issue 13: time from joining to the first remote video frame through `<minimeet-room>`, beside
 * the SDK alone, alternating in one run (goal: the element within 10 % of the SDK).
 *
 * Headless Chromium, the real server in its own process, guests with join tokens; the others in
 * the call are SDK pages as in `join-to-frame.bench.ts` and are up and sending before the
 * newcomer, the measured page, joins:
 *
 * - SDK alone: the newcomer's client is connected, `performance.now()` is taken before
 *   `client.joinRoom(id, { video: true, audio: false })`, and the first presented frame
 *   (`requestVideoFrameCallback`) of each remote camera is awaited on a `<video>` it attached.
 * - Element: the newcomer's client (from `/elements/minimeet-sdk.js`, the same build as the
 *   element) is connected the same way and handed to a `<minimeet-room skip-prejoin audio-muted>`
 *   through its `client` property; the clock starts just before the element is inserted, which
 *   is when it calls `joinRoom()` (with `skip-prejoin` that is its equivalent of `join()`). The
 *   page hooks the `srcObject` setter, so it starts awaiting the first presented frame of each
 *   remote tile's `<video>` (not the local preview) the moment the tile attaches its stream, as
 *   the SDK-alone page does when it attaches the track. (Polling the shadow roots instead found
 *   some videos only after their first frame on a busy machine, which counted against the element.)
 *
 * Both clocks exclude connecting; both include opening the camera inside `joinRoom()`.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
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
const GOAL = 1.1;

// The newcomer's element side, beside `window.bench` (the SDK alone). Plain JavaScript text, as
// in browser-call.ts.
const ELEMENT_SCRIPT = `
const sdk = await import('/elements/minimeet-sdk.js');
await import('/elements/minimeet-room.js');

/** Every element under root, inside shadow roots too. */
function* deepElements(root) {
  for (const el of root.querySelectorAll('*')) {
    yield el;
    if (el.shadowRoot) yield* deepElements(el.shadowRoot);
  }
}

// Every stream a <video> is given passes here, so that the first frame of a remote camera is
// awaited from the moment its tile attaches it, as the SDK-alone page does on TrackSubscribed
// (a page that polls the shadow roots for <video> elements can find one after its first frame).
const srcObject = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject');
let onAttach = null;
Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
  configurable: true,
  get() {
    return srcObject.get.call(this);
  },
  set(value) {
    srcObject.set.call(this, value);
    if (value && onAttach) onAttach(this);
  },
});

let client;
let element;

window.benchElement = {
  ready: true,

  /** Resolves with the times from insertion to each remote camera's first presented frame. */
  async join(origin, token, roomId, expectedRemotes) {
    client = sdk.createClient({ transports: ['websocket'], reconnect: { enabled: false } });
    await client.connect(origin, token);
    element = document.createElement('minimeet-room');
    element.setAttribute('server', origin);
    element.setAttribute('room', roomId);
    element.setAttribute('skip-prejoin', '');
    element.setAttribute('audio-muted', '');
    element.style.cssText = 'display:block;width:400px;height:300px';
    element.client = client;
    let failure;
    element.addEventListener('minimeet-error', (e) => (failure = e.detail.code + ': ' + e.detail.message));
    // Per remote participant, its first presented frame; late: the stream was attached after its
    // first frame had been presented (then the time is that of a later frame).
    const frames = new Map();
    let late = 0;
    onAttach = (video) => {
      const tile = video.getRootNode()?.host;
      if (!tile || tile.localName !== 'minimeet-participant-tile' || tile.hasAttribute('local')) return;
      const source = tile.getAttribute('source');
      if (source === 'screen' || source === 'screen_share') return;
      const id = tile.participant?.id;
      if (!id || frames.has(id)) return;
      const entry = { done: false };
      entry.promise = new Promise((resolve) => {
        video.requestVideoFrameCallback((now, meta) => {
          entry.done = true;
          if (meta.presentedFrames > 1) late++;
          resolve(now);
        });
      });
      frames.set(id, entry);
    };
    const describe = () =>
      JSON.stringify(
        [...deepElements(element.shadowRoot ?? element)]
          .filter((el) => el.localName === 'minimeet-participant-tile')
          .map((tile) => {
            const video = tile.shadowRoot?.querySelector('video');
            const box = video?.getBoundingClientRect();
            return [tile.participant?.id, tile.hasAttribute('local'), tile.getAttribute('source'), Boolean(video),
              video?.srcObject ? video.srcObject.getTracks().length : null, video?.videoWidth, video?.paused, box && [box.width, box.height, box.x, box.y]];
          }),
      );
    const t0 = performance.now();
    document.body.append(element);
    const deadline = Date.now() + ${STEP_TIMEOUT_MS - 10_000};
    for (;;) {
      if (failure) throw new Error('the element failed: ' + failure);
      const entries = [...frames.values()];
      if (entries.length >= expectedRemotes && entries.every((e) => e.done)) break;
      if (Date.now() > deadline)
        throw new Error('only ' + entries.filter((e) => e.done).length + ' remote cameras showed (view ' + element.view + '): ' + describe());
      await new Promise((r) => setTimeout(r, 4));
    }
    onAttach = null;
    const times = await Promise.all([...frames.values()].map((e) => e.promise));
    return { times: times.map((t) => t - t0), late };
  },

  async leave() {
    await element?.leave().catch(() => undefined);
    element?.remove();
    await client?.disconnect().catch(() => undefined);
    element = undefined;
    client = undefined;
  },
};
`;

type Mode = 'sdk' | 'element';

interface ModeResult {
  /** Per remote participant: join to its first frame. */
  perRemote: number[];
  /** Per repetition: join to the last remote's first frame. */
  allRemotes: number[];
  /** Repetitions in which some remote video never arrived. */
  failures: number;
  /** Remote videos found only after their first frame (element only). */
  late: number;
}

async function joinNewcomer(
  newcomer: Page,
  mode: Mode,
  origin: string,
  token: string,
  roomId: string,
  remotes: number,
): Promise<{ times: number[]; late: number }> {
  const args = `${JSON.stringify(origin)}, ${JSON.stringify(token)}, ${JSON.stringify(roomId)}, ${remotes}`;
  if (mode === 'sdk') {
    const times = await newcomer.evaluate<number[]>(`window.bench.join(${args}, true)`);
    return { times, late: 0 };
  }
  return newcomer.evaluate<{ times: number[]; late: number }>(`window.benchElement.join(${args})`);
}

async function measureRoomSize(
  browser: Browser,
  origin: string,
  sign: GuestTokens,
  size: number,
): Promise<Record<Mode, ModeResult>> {
  const pages = await openPages(browser, origin, size, [ELEMENT_SCRIPT]);
  const [newcomer, ...others] = pages;
  await newcomer.waitForFunction('window.benchElement?.ready === true', undefined, {
    timeout: STEP_TIMEOUT_MS,
  });
  const empty = (): ModeResult => ({ perRemote: [], allRemotes: [], failures: 0, late: 0 });
  const result: Record<Mode, ModeResult> = { sdk: empty(), element: empty() };
  try {
    for (let rep = 0; rep < REPETITIONS + 1; rep++) {
      // Alternate which goes first, so neither always runs on a warmer machine.
      const order: Mode[] = rep % 2 === 0 ? ['sdk', 'element'] : ['element', 'sdk'];
      for (const mode of order) {
        const roomId = `ej-${size}-${mode}-${rep}`;
        process.stderr.write(`room of ${size}, repetition ${rep}, ${mode}\n`);
        const r = result[mode];
        try {
          await joinOthers(others, origin, sign, roomId, `${mode}-${rep}`);
          const token = await sign(`new-${mode}-${rep}`, roomId);
          const { times, late } = await step(
            `the newcomer joining (${mode})`,
            joinNewcomer(newcomer, mode, origin, token, roomId, size - 1),
          );
          // The first repetition warms up the browser, the codecs and the server.
          if (rep > 0) {
            r.perRemote.push(...times);
            r.allRemotes.push(Math.max(...times));
            r.late += late;
          }
        } catch (error) {
          r.failures++;
          process.stderr.write(
            `  failed: ${error instanceof Error ? error.message : String(error)}\n`,
          );
        }
        await step(
          'leaving',
          Promise.all([
            newcomer.evaluate('window.benchElement.leave()'),
            ...pages.map((page) => page.evaluate('window.bench.leave()')),
          ]),
        );
      }
    }
  } finally {
    await Promise.all(pages.map((page) => page.context().close()));
  }
  return result;
}

const ratio = (a: number[], b: number[], p: number): number =>
  round(percentile(a, p) / percentile(b, p), 2);

export async function elementJoinBench(): Promise<Array<Record<string, string | number>>> {
  const server = await startMinimeet({
    SERVE_DEMO: 'true',
    RATE_LIMIT_SOCKET_REQUESTS: '1000000/1',
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const sign = await guestTokens(server.url);
    const rows: Array<Record<string, string | number>> = [];
    for (const size of ROOM_SIZES) {
      const { sdk, element } = await measureRoomSize(browser, server.url, sign, size);
      const line = (label: string, values: number[], extra: Record<string, string | number>) => ({
        case: `room of ${size}: ${label}`,
        samples: values.length,
        'p50 ms': round(percentile(values, 50)),
        'p90 ms': round(percentile(values, 90)),
        'p95 ms': round(percentile(values, 95)),
        ...extra,
      });
      const failed = (r: ModeResult) => ({ 'no video': r.failures, late: r.late });
      rows.push(
        line('SDK joinRoom → each remote frame', sdk.perRemote, failed(sdk)),
        line('element → each remote frame', element.perRemote, failed(element)),
      );
      if (size > 2)
        rows.push(
          line('SDK joinRoom → every remote frame', sdk.allRemotes, {}),
          line('element → every remote frame', element.allRemotes, {}),
        );
      const p50 = ratio(element.perRemote, sdk.perRemote, 50);
      rows.push({
        case: `room of ${size}: element / SDK (goal ≤ ${GOAL}) ${p50 <= GOAL ? 'met' : 'MISSED'} at p50`,
        samples: '',
        'p50 ms': p50,
        'p90 ms': ratio(element.perRemote, sdk.perRemote, 90),
        'p95 ms': ratio(element.perRemote, sdk.perRemote, 95),
      });
    }
    printTable(
      `Join to first remote frame, <minimeet-room> beside the SDK alone, ${REPETITIONS} alternating repetitions after a warm-up, headless Chromium`,
      rows,
    );
    return rows;
  } finally {
    await browser.close();
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await elementJoinBench();
}
