/**
 * Time from a dropped network coming back to remote video frames being decoded again, for
 * outages of 3, 8 and 13 s in a call of two, with the SDK's reconnection policy beside the
 * previous one (300 ms doubling to 10 s, no word from the browser taken), in the same run.
 *
 * One participant's Chromium runs in a network namespace of the bench's own, joined to the host
 * by a veth pair; the server (its own process) listens on the host side's address, the other
 * participant's Chromium runs on the host. An outage takes the namespace's link down and resets
 * the server's end of that participant's connections, so the server notices at once and the
 * 15 s grace period runs from the cut (the strict case: a 13 s outage leaves 2 s). The clock
 * starts just before the link goes up again and stops, in each page, at the first poll of
 * `getStats()` that shows `framesDecoded` above what it was before; a repetition counts when
 * both pages decode the other again. Needs root and iproute2.
 */
import { createNetworkNamespace, type NetworkNamespace } from '@minimeet/server/testing';
import { chromium, type Browser, type Page } from 'playwright-core';
import { guestTokens, type GuestTokens } from './guests.js';
import { startMinimeet } from './processes.js';
import { percentile, printTable, round } from './stats.js';

const OUTAGES_S = (process.env.BENCH_RECONNECT_OUTAGES ?? '3,8,13')
  .split(',')
  .filter(Boolean)
  .map(Number);
const REPETITIONS = Number(process.env.BENCH_RECONNECT_REPETITIONS ?? 4);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const GRACE_SECONDS = 15;
const STEP_TIMEOUT_MS = 45_000;

/** The SDK's defaults, and its reconnection before issue 12 (what a client of then would do). */
const POLICIES = {
  minimeet: {},
  baseline: { inCallMaxDelayMs: 10_000, retryOnNetworkChange: false },
} as const;
type Policy = keyof typeof POLICIES;

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
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

// Runs in each page (a module script on the server's origin). Plain JavaScript text: functions
// handed to `page.evaluate` would be rewritten by the TS loader.
const PAGE_SCRIPT = `
const pcs = [];
const NativePC = window.RTCPeerConnection;
window.RTCPeerConnection = class extends NativePC {
  constructor(...args) { super(...args); pcs.push(this); }
};
const sdk = await import('/sdk/minimeet-sdk.js');

async function framesOf(pc) {
  let frames = 0;
  for (const s of (await pc.getStats()).values()) {
    if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded || 0;
  }
  return frames;
}
const open = () => pcs.filter((pc) => pc.connectionState !== 'closed');
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

let client;
let room;
let floor = new Map();
let reconnectedAt;

window.bench = {
  ready: true,

  async join(origin, token, roomId, reconnect) {
    client = sdk.createClient({ transports: ['websocket'], reconnect });
    await client.connect(origin, token);
    room = await client.joinRoom(roomId, { audio: false, video: { width: 320, height: 240, frameRate: 30 } });
    const show = (track) => {
      const video = track.attach();
      video.muted = true;
      document.body.append(video);
    };
    room.on(sdk.RoomEvent.TrackSubscribed, show);
    room.on(sdk.RoomEvent.Reconnected, () => (reconnectedAt = Date.now()));
    for (const p of room.remoteParticipants.values()) {
      const track = p.getTrackPublication('camera')?.track;
      if (track) show(track);
    }
    return room.localParticipant.id;
  },

  /** Resolves once the remote video is being decoded. */
  async decoding() {
    const deadline = Date.now() + ${STEP_TIMEOUT_MS};
    for (;;) {
      for (const pc of open()) if ((await framesOf(pc)) > 0) return;
      if (Date.now() > deadline) throw new Error('no remote video');
      await pause(50);
    }
  },

  /** Notes how many frames each connection has decoded so far. */
  async arm() {
    reconnectedAt = undefined;
    floor = new Map();
    for (const pc of pcs) floor.set(pc, await framesOf(pc));
  },

  /** Resolves with Date.now() at the first poll that shows a frame decoded since arm(). */
  async framesAgain() {
    const deadline = Date.now() + ${STEP_TIMEOUT_MS - 5_000};
    for (;;) {
      for (const pc of open()) {
        if ((await framesOf(pc)) > (floor.get(pc) ?? 0)) return Date.now();
      }
      if (Date.now() > deadline) throw new Error('the remote video did not come back');
      await pause(10);
    }
  },

  /** Resolves with Date.now() when the room was back in the call (resumed or joined anew). */
  async reconnected() {
    const deadline = Date.now() + ${STEP_TIMEOUT_MS - 5_000};
    while (reconnectedAt === undefined) {
      if (Date.now() > deadline) throw new Error('the room did not reconnect');
      await pause(10);
    }
    return reconnectedAt;
  },

  identity() {
    return room?.localParticipant.id;
  },

  async leave() {
    await room?.leave().catch(() => undefined);
    await client?.disconnect().catch(() => undefined);
    room = undefined;
    client = undefined;
    pcs.length = 0;
    for (const video of document.querySelectorAll('video')) video.remove();
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
  work.catch(() => undefined);
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function openPage(browser: Browser, origin: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 400, height: 300 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.warn(`page: ${error.message}`));
  // A JSON answer of the server: its origin, without the demo page's own script.
  await page.goto(`${origin}/api/health`);
  await page.addScriptTag({ content: PAGE_SCRIPT, type: 'module' });
  await page.waitForFunction('window.bench?.ready === true', undefined, {
    timeout: STEP_TIMEOUT_MS,
  });
  return page;
}

/** One repetition's outcome: ms from the link coming up to frames again, on each side. */
interface Sample {
  /** The participant in the namespace is back in the call (its room's `Reconnected`). */
  back: number;
  /** The participant on the host decodes the one in the namespace again. */
  host: number;
  /** The participant in the namespace decodes the one on the host again. */
  away: number;
  /** Whether the participant in the namespace kept its id (resumed) or came back as new. */
  resumed: boolean;
}

interface Rig {
  ns: NetworkNamespace;
  origin: string;
  sign: GuestTokens;
  hostPage: Page;
  awayPage: Page;
}

let rooms = 0;

async function outage(rig: Rig, seconds: number, policy: Policy): Promise<Sample> {
  const { ns, origin, sign, hostPage, awayPage } = rig;
  const roomId = `reconnect-${seconds}-${policy}-${rooms++}`;
  const join = async (page: Page, who: string) =>
    step(
      `${who} joining`,
      page.evaluate<string>(
        `window.bench.join(${JSON.stringify(origin)}, ${JSON.stringify(await sign(`${who}-${rooms}`, roomId))}, ${JSON.stringify(roomId)}, ${JSON.stringify(POLICIES[policy])})`,
      ),
    );
  try {
    await join(hostPage, 'host');
    const awayId = await join(awayPage, 'away');
    await step(
      'the call coming up',
      Promise.all([hostPage, awayPage].map((p) => p.evaluate('window.bench.decoding()'))),
    );
    await ns.cut();
    const cutAt = Date.now();
    await ns.resetHostConnections();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000 - (Date.now() - cutAt)));
    await Promise.all([hostPage, awayPage].map((p) => p.evaluate('window.bench.arm()')));
    const watching = [hostPage, awayPage].map((p) =>
      p.evaluate<number>('window.bench.framesAgain()'),
    );
    const upAt = Date.now();
    await ns.restore();
    const [host, away] = await step('the video coming back', Promise.all(watching));
    const back = await step(
      'the room reconnecting',
      awayPage.evaluate<number>('window.bench.reconnected()'),
    );
    const resumed = (await awayPage.evaluate<string>('window.bench.identity()')) === awayId;
    return { back: back - upAt, host: host - upAt, away: away - upAt, resumed };
  } finally {
    // A repetition that failed half-way must not leave the next one without a network.
    await ns.restore().catch(() => undefined);
    await step(
      'leaving',
      Promise.all([hostPage, awayPage].map((p) => p.evaluate('window.bench.leave()'))),
    );
  }
}

interface Result {
  /** Per repetition, video both ways again: the later of the two sides. */
  both: number[];
  /** Per repetition, the room back in the call. */
  back: number[];
  rejoinedAsNew: number;
  failures: number;
}

/** One line of the table: minimeet beside the baseline, p50 and p99, and their ratios. */
function row(label: string, ours: number[], base: number[]): Record<string, string | number> {
  const [o50, o99, b50, b99] = [
    percentile(ours, 50),
    percentile(ours, 99),
    percentile(base, 50),
    percentile(base, 99),
  ];
  return {
    case: label,
    'minimeet p50 / p99 ms': `${round(o50, 0)} / ${round(o99, 0)}`,
    'baseline p50 / p99 ms': `${round(b50, 0)} / ${round(b99, 0)}`,
    'ratio p50 / p99': `${round(o50 / b50, 2)} / ${round(o99 / b99, 2)}`,
  };
}

/**
 * Runs the outages of `BENCH_RECONNECT_OUTAGES` for both policies, prints the table and returns
 * its rows; makes and removes a network namespace of its own (needs root and iproute2).
 */
export async function reconnectBench(): Promise<Array<Record<string, string | number>>> {
  const ns = await createNetworkNamespace({ browser: CHROMIUM });
  let server: Awaited<ReturnType<typeof startMinimeet>> | undefined;
  const browsers: Browser[] = [];
  try {
    server = await startMinimeet(
      {
        SERVE_DEMO: 'true',
        RECONNECT_GRACE_SECONDS: String(GRACE_SECONDS),
        RATE_LIMIT_SOCKET_REQUESTS: '1000000/1',
      },
      ns.hostAddress,
    );
    const origin = server.url;
    // Cameras need a secure context, which an http origin other than loopback is not by default.
    const args = [...CHROMIUM_ARGS, `--unsafely-treat-insecure-origin-as-secure=${origin}`];
    const onHost = await chromium.launch({ executablePath: CHROMIUM, args });
    browsers.push(onHost);
    const away = await chromium.launch({ executablePath: ns.chromium, args });
    browsers.push(away);
    const rig: Rig = {
      ns,
      origin,
      sign: await guestTokens(origin),
      hostPage: await openPage(onHost, origin),
      awayPage: await openPage(away, origin),
    };

    const results = new Map<string, Result>();
    for (const seconds of OUTAGES_S) {
      for (const policy of Object.keys(POLICIES) as Policy[]) {
        results.set(`${seconds}:${policy}`, { both: [], back: [], rejoinedAsNew: 0, failures: 0 });
      }
      // Alternating, so that whatever else the machine does falls on both alike.
      for (let rep = 0; rep < REPETITIONS; rep++) {
        for (const policy of Object.keys(POLICIES) as Policy[]) {
          const result = results.get(`${seconds}:${policy}`)!;
          process.stderr.write(`outage ${seconds} s, ${policy}, repetition ${rep + 1}: `);
          try {
            const sample = await outage(rig, seconds, policy);
            result.both.push(Math.max(sample.host, sample.away));
            result.back.push(sample.back);
            if (!sample.resumed) result.rejoinedAsNew++;
            process.stderr.write(
              `back in ${sample.back} ms${sample.resumed ? '' : ' (rejoined as new)'}, ` +
                `video ${sample.host} ms on the host, ${sample.away} ms away\n`,
            );
          } catch (error) {
            // Video that never comes back is a finding (counted), not a reason to stop.
            result.failures++;
            process.stderr.write(
              `failed: ${error instanceof Error ? error.message : String(error)}\n`,
            );
          }
        }
      }
    }

    const rows: Array<Record<string, string | number>> = [];
    for (const seconds of OUTAGES_S) {
      const ours = results.get(`${seconds}:minimeet`)!;
      const base = results.get(`${seconds}:baseline`)!;
      rows.push(
        row(`${seconds} s outage: video both ways again`, ours.both, base.both),
        row(`${seconds} s outage: back in the call (Reconnected)`, ours.back, base.back),
        {
          case: `${seconds} s outage: rejoined as new / failed, of ${REPETITIONS}`,
          'minimeet p50 / p99 ms': `${ours.rejoinedAsNew} / ${ours.failures}`,
          'baseline p50 / p99 ms': `${base.rejoinedAsNew} / ${base.failures}`,
          'ratio p50 / p99': '',
        },
      );
    }
    printTable(
      `Network back → remote video decoded again (getStats framesDecoded, both pages) and the room ` +
        `back in the call; ${REPETITIONS} repetitions per case, grace ${GRACE_SECONDS} s from the cut; ` +
        `baseline: the same SDK with the previous policy (300 ms doubling to 10 s, no online trigger)`,
      rows,
    );
    return rows;
  } finally {
    for (const browser of browsers) await browser.close().catch(() => undefined);
    await server?.stop();
    await ns.destroy();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await reconnectBench();
}
