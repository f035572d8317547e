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
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { guestTokens, type GuestTokens } from './guests.js';
import { startMinimeet } from './processes.js';
import { percentile, printTable, round } from './stats.js';

const REPETITIONS = Number(process.env.BENCH_JOIN_REPETITIONS ?? 8);
const ROOM_SIZES = (process.env.BENCH_JOIN_SIZES ?? '2,4').split(',').filter(Boolean).map(Number);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const STEP_TIMEOUT_MS = 45_000;

/** The flags a call in headless Chromium needs on this machine (see PRODUCT.md). */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--autoplay-policy=no-user-gesture-required',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // Pages in other tabs must keep rendering frames, or their video callbacks never fire.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

// Runs in each page (a module script; the page is on the server's origin). Kept as plain
// JavaScript text: functions handed to `page.evaluate` would be rewritten by the TS loader.
const PAGE_SCRIPT = `
const sdk = await import('/sdk/minimeet-sdk.js');

/** Resolves with performance.now() when the first frame of a video element is presented. */
function firstFrame(video) {
  return new Promise((resolve) => {
    if ('requestVideoFrameCallback' in video) {
      video.requestVideoFrameCallback((now) => resolve(now));
    } else {
      const poll = () => (video.videoWidth > 0 ? resolve(performance.now()) : setTimeout(poll, 5));
      poll();
    }
  });
}

function videoFor(stream) {
  const video = document.createElement('video');
  video.muted = true;
  video.autoplay = true;
  video.playsInline = true;
  video.width = 160;
  video.height = 120;
  document.body.append(video);
  if (stream) video.srcObject = stream;
  return video;
}

let client;
let room;

window.bench = {
  ready: true,

  /** Connects and joins; with measure, resolves with the times to each remote's first frame. */
  async join(origin, token, roomId, expectedRemotes, measure) {
    client = sdk.createClient({ transports: ['websocket'], reconnect: { enabled: false } });
    await client.connect(origin, token);
    const frames = new Map();
    const seen = new Set();
    const watch = (track, participant) => {
      if (track.kind !== 'video' || seen.has(participant.id)) return;
      seen.add(participant.id);
      const video = track.attach(videoFor());
      video.muted = true;
      frames.set(participant.id, firstFrame(video));
    };
    const t0 = performance.now();
    room = await client.joinRoom(roomId, { video: true, audio: false });
    room.on(sdk.RoomEvent.TrackSubscribed, (track, _publication, participant) => watch(track, participant));
    for (const participant of room.remoteParticipants.values()) {
      const track = participant.getTrackPublication('camera')?.track;
      if (track) watch(track, participant);
    }
    if (!measure) return [];
    const deadline = Date.now() + ${STEP_TIMEOUT_MS - 10_000};
    while (frames.size < expectedRemotes) {
      if (Date.now() > deadline) {
        const remotes = [...room.remoteParticipants.values()].map((p) => ({
          id: p.id,
          tracks: [...p.trackPublications.values()].map((t) => [t.source, t.isSubscribed, Boolean(t.track)]),
        }));
        throw new Error('only ' + frames.size + ' remote cameras arrived: ' + JSON.stringify(remotes));
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    return (await Promise.all(frames.values())).map((t) => t - t0);
  },

  /** Waits until this page shows video from expectedRemotes others. */
  async waitForRemotes(expectedRemotes) {
    const deadline = Date.now() + ${STEP_TIMEOUT_MS};
    for (;;) {
      const playing = [...document.querySelectorAll('video')].filter((v) => v.videoWidth > 0);
      if (playing.length >= expectedRemotes) return;
      if (Date.now() > deadline) throw new Error('only ' + playing.length + ' remote videos play');
      await new Promise((r) => setTimeout(r, 20));
    }
  },

  async leave() {
    await room?.leave().catch(() => undefined);
    await client?.disconnect().catch(() => undefined);
    room = undefined;
    client = undefined;
    for (const video of document.querySelectorAll('video')) video.remove();
  },

  /** The baseline: two peer connections in this page, offer to first presented frame. */
  async direct() {
    const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
    const a = new RTCPeerConnection();
    const b = new RTCPeerConnection();
    // Trickle straight across, holding candidates until the other side has a remote description.
    const held = new Map([[a, []], [b, []]]);
    const deliver = (pc, candidate) =>
      pc.remoteDescription ? pc.addIceCandidate(candidate) : held.get(pc).push(candidate);
    const release = async (pc) => {
      for (const candidate of held.get(pc).splice(0)) await pc.addIceCandidate(candidate);
    };
    a.onicecandidate = (e) => e.candidate && deliver(b, e.candidate);
    b.onicecandidate = (e) => e.candidate && deliver(a, e.candidate);
    const arrived = new Promise((resolve) => {
      b.ontrack = (e) => resolve(firstFrame(videoFor(e.streams[0])));
    });
    for (const track of stream.getTracks()) a.addTrack(track, stream);
    const t0 = performance.now();
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription);
    await release(b);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription);
    await release(a);
    const t1 = await arrived;
    a.close();
    b.close();
    for (const track of stream.getTracks()) track.stop();
    for (const video of document.querySelectorAll('video')) video.remove();
    return t1 - t0;
  },
};
`;

/** Awaits `work`, or fails naming `what` once {@link STEP_TIMEOUT_MS} has passed. */
async function step<T>(what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: no answer in ${STEP_TIMEOUT_MS} ms`)),
      STEP_TIMEOUT_MS,
    );
  });
  // Once timed out, a late failure of `work` is of no interest.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** One page per participant, each in its own context (its own camera and storage). */
async function openPages(browser: Browser, origin: string, count: number): Promise<Page[]> {
  const pages: Page[] = [];
  for (let i = 0; i < count; i++) {
    const context: BrowserContext = await browser.newContext({
      bypassCSP: true,
      viewport: { width: 400, height: 300 },
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => console.warn(`page ${i}: ${error.message}`));
    // A JSON answer of the server: its origin, without the demo page's own script.
    await page.goto(`${origin}/api/health`);
    await page.addScriptTag({ content: PAGE_SCRIPT, type: 'module' });
    await page.waitForFunction('window.bench?.ready === true', undefined, {
      timeout: STEP_TIMEOUT_MS,
    });
    pages.push(page);
  }
  return pages;
}

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
        for (const [i, page] of others.entries())
          await step(
            `page ${i + 1} joining`,
            page.evaluate(
              `window.bench.join(${JSON.stringify(origin)}, ${JSON.stringify(await sign(`p${i}-${rep}`, roomId))}, ${JSON.stringify(roomId)}, 0, false)`,
            ),
          );
        await step(
          'the others seeing each other',
          Promise.all(
            others.map((page) => page.evaluate(`window.bench.waitForRemotes(${size - 2})`)),
          ),
        );
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
