/**
 * Shared by the benchmarks that hold calls in headless Chromium (join-to-frame, element-join):
 * the browser's flags, the script each page runs (the SDK alone, `window.bench`), opening pages
 * and bounding each step in time.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { GuestTokens } from './guests.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const STEP_TIMEOUT_MS = 45_000;

/** The flags a call in headless Chromium needs on this machine (see PRODUCT.md). */
export const CHROMIUM_ARGS = [
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
export const PAGE_SCRIPT = `
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
export async function step<T>(what: string, work: Promise<T>): Promise<T> {
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
export async function openPages(
  browser: Browser,
  origin: string,
  count: number,
  extraScripts: string[] = [],
): Promise<Page[]> {
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
    for (const content of extraScripts) await page.addScriptTag({ content, type: 'module' });
    pages.push(page);
  }
  return pages;
}

/**
 * Joins every page of `others` to `roomId` (SDK alone, not measured) and waits until they see
 * each other's video, so the call is up and sending before the newcomer joins.
 */
export async function joinOthers(
  others: Page[],
  origin: string,
  sign: GuestTokens,
  roomId: string,
  tag: string,
): Promise<void> {
  for (const [i, page] of others.entries())
    await step(
      `page ${i + 1} joining`,
      page.evaluate(
        `window.bench.join(${JSON.stringify(origin)}, ${JSON.stringify(await sign(`p${i}-${tag}`, roomId))}, ${JSON.stringify(roomId)}, 0, false)`,
      ),
    );
  await step(
    'the others seeing each other',
    Promise.all(
      others.map((page) => page.evaluate(`window.bench.waitForRemotes(${others.length - 1})`)),
    ),
  );
}
