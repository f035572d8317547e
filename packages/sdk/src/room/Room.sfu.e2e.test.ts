import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeParticipants as close,
  inbound,
  joinCall,
  remoteIds,
  restCall,
  SDK_FROM_HOST_APP_SCRIPT,
  SMALL_MEDIA,
  SMALL_TILES_SCRIPT,
  startCallRig,
  stopCallRig,
  waitForMedia,
  waitUntil,
  type CallRig,
  type Joined,
  type PageHarness,
} from '../test/rooms.js';

// Calls on the SFU between real Chromium pages, through the real server and its real mediasoup
// worker: each participant is a browser context with a fake camera and microphone, joined as a
// join-token guest. Needs the SDK's browser modules (`pnpm --filter @minimeet/sdk build`), which
// the host app serves (the bundle loads the SFU's module from beside itself), and a worker.
// The machine has two cores: pages capture small video and show it in small tiles.

type Harness = { mmt: PageHarness };

const run = promisify(execFile);

// Six browsers on two cores take their time; the waits inside are bounded by conditions.
const LONG = 240_000;

let rig: CallRig;

beforeAll(async () => {
  rig = await startCallRig({
    serverEnv: { SFU_WORKERS: '1', AUTO_SFU_THRESHOLD: '4', AUTO_MESH_RETURN_SECONDS: '2' },
    initScripts: [SDK_FROM_HOST_APP_SCRIPT, SMALL_TILES_SCRIPT],
  });
}, 120_000);

afterAll(async () => stopCallRig(rig));

/** Creates a room of the rig's owner with `topology` and room for `capacity`; returns its id. */
async function createRoom(topology: 'sfu' | 'auto', capacity: number): Promise<string> {
  const room = await restCall<{ id: string }>(
    rig.server.url,
    'POST',
    '/rooms',
    rig.owner!.accessToken,
    { name: `${topology} e2e`, topology, capacity },
  );
  return room.id;
}

const join = async (
  name: string,
  roomId: string,
  options: Record<string, unknown> = SMALL_MEDIA,
  grants: Record<string, unknown> = {},
): Promise<Joined> => joinCall(rig, name, roomId, await rig.mint(name, roomId, grants), options);

type Mmt = PageHarness;

// Runs `run` in the page of `p` with its harness; `run` must not use anything from the test's scope.
const evaluate = <T, A = undefined>(
  p: Joined,
  run: (mmt: Mmt, arg: A) => T | Promise<T>,
  arg?: A,
): Promise<T> =>
  p.page.evaluate(
    ({ source, a }) =>
      // The function travels as text, as Playwright sends any page function.
      (globalThis as unknown as { eval(s: string): (m: unknown, x: unknown) => unknown }).eval(
        `(${source})`,
      )((window as unknown as Harness).mmt, a),
    { source: run.toString(), a: arg },
  ) as Promise<T>;

const topologyOf = (p: Joined) => evaluate(p, (mmt) => mmt.room.topology);

describe('an sfu room of six in real Chromium', () => {
  const pages: Joined[] = [];

  afterAll(async () => close(...pages));

  it(
    'every page decodes the video and receives the audio of every other, over the SFU',
    async () => {
      const roomId = await createRoom('sfu', 8);
      for (const name of ['ann', 'ben', 'cat', 'dan', 'eve', 'fay']) {
        pages.push(await join(name, roomId));
      }
      for (const p of pages) {
        await waitForMedia(
          p,
          pages.filter((o) => o !== p),
          {},
          60_000,
        );
      }
      for (const p of pages) {
        expect(await topologyOf(p)).toBe('sfu');
        // One send and one receive transport, whatever the number of others.
        expect(
          await p.page
            .evaluate(() =>
              (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter(
                (pc) => pc.connectionState !== 'closed',
              ),
            )
            .then((pcs) => pcs.length),
        ).toBe(2);
      }
    },
    LONG,
  );

  it(
    'a leave closes its consumers on every other page',
    async () => {
      const leaver = pages.pop()!;
      // mediasoup's receive transport also carries a bandwidth probe, so count from what is there.
      const before = await Promise.all(
        pages.map((p) => evaluate(p, (m) => m.liveReceivedTracks())),
      );
      await evaluate(leaver, (m) => m.room.leave());
      let last: unknown;
      for (const [i, p] of pages.entries()) {
        await waitUntil(`${p.name} to drop ${leaver.name}`, async () => {
          const ids = await remoteIds(p);
          const live = await evaluate(p, (m) => m.liveReceivedTracks());
          last = { ids: ids.length, live };
          // Its two consumers (camera, microphone) closed.
          return !ids.includes(leaver.id) && live === before[i] - 2;
        }).catch((error: unknown) => {
          throw new Error(`${String(error)}; last ${JSON.stringify(last)}`);
        });
      }
      await close(leaver);
      // The others still play each other.
      const floor = await inbound(pages[0]);
      await waitForMedia(pages[0], pages.slice(1), floor);
    },
    LONG,
  );
});

describe('simulcast layers in real Chromium', () => {
  let ann: Joined;
  let ben: Joined;

  afterAll(async () => close(...[ann, ben].filter(Boolean)));

  it(
    'a tile resized changes the layer received, and a layer nobody watches is not sent',
    async () => {
      const roomId = await createRoom('sfu', 4);
      // 640x480 is sent in two layers (Chromium's limit for the size): 320x240 and 640x480.
      ann = await join('ann', roomId, {
        audio: false,
        video: { width: 640, height: 480, frameRate: 15 },
      });
      ben = await join('ben', roomId, { audio: false, video: false });
      await waitForMedia(ben, [ann]).catch(() => undefined);

      const frameWidth = async () =>
        (await evaluate(ben, (m, id) => m.frameSize(id), ann.id))?.width;

      await evaluate(ben, (m, id) => m.setVideoSize(id, 160, 120), ann.id);
      await waitUntil(
        'ben to receive the low layer',
        async () => (await frameWidth()) === 320,
        30_000,
      );

      // Dynacast: with only the low layer wanted, ann's encoder sends nothing on the top one.
      const topFrames = () =>
        ann.page.evaluate(async () => {
          let top = 0;
          for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
            if (pc.connectionState === 'closed') continue;
            for (const s of (await pc.getStats()).values() as Iterable<Record<string, unknown>>) {
              if (s.type === 'outbound-rtp' && s.kind === 'video' && s.rid === 'r1') {
                top = Math.max(top, Number(s.framesEncoded ?? 0));
              }
            }
          }
          return top;
        });
      const before = await topFrames();
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(await topFrames()).toBe(before);

      await evaluate(ben, (m, id) => m.setVideoSize(id, 640, 480), ann.id);
      await waitUntil(
        'ben to receive the top layer',
        async () => (await frameWidth()) === 640,
        45_000,
      ).catch(async (error: unknown) => {
        const sent = await ann.page.evaluate(async () => {
          const out: unknown[] = [];
          for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
            for (const s of (await pc.getStats()).values() as Iterable<Record<string, unknown>>) {
              if (s.type === 'outbound-rtp' && s.kind === 'video')
                out.push([
                  s.rid,
                  s.frameWidth,
                  s.active,
                  s.framesEncoded,
                  s.qualityLimitationReason,
                  s.targetBitrate,
                ]);
              if (s.type === 'candidate-pair' && s.nominated)
                out.push(['pair', s.availableOutgoingBitrate]);
            }
          }
          return out;
        });
        throw new Error(
          `${String(error)}; ann sends ${JSON.stringify(sent)}; ben gets ${JSON.stringify(await frameWidth())}`,
        );
      });
      expect(await topFrames()).toBeGreaterThan(before);

      // Off screen: the consumer pauses, and frames stop being decoded.
      await evaluate(
        ben,
        (m, id) => {
          for (const el of m.cameraOf(id)?.attachedElements ?? []) el.style.display = 'none';
        },
        ann.id,
      );
      let decoded = -1;
      await waitUntil(
        'ben to stop decoding the hidden video',
        async () => {
          const now = (await evaluate(ben, (m, id) => m.frameSize(id), ann.id))?.decoded ?? 0;
          const still = now === decoded;
          decoded = now;
          return still;
        },
        20_000,
        1_500,
      );
    },
    LONG,
  );

  it(
    'a participant without canPublish cannot produce, and still receives',
    async () => {
      const roomId = await createRoom('sfu', 4);
      const pub = await join('pub', roomId, SMALL_MEDIA);
      const viewer = await join(
        'viewer',
        roomId,
        { audio: false, video: false },
        { canPublish: false },
      );
      try {
        await waitForMedia(viewer, [pub]);
        const refused = await evaluate(viewer, async (m) => {
          const errors: string[] = [];
          await m.room.localParticipant
            .setCameraEnabled(true)
            .catch((e: { code: string }) => errors.push(e.code));
          // Straight at the server, past the SDK's own check.
          const signal = (
            m.client as unknown as { signal: { request(e: string, p: unknown): Promise<unknown> } }
          ).signal;
          await signal
            .request('sfu_create_transport', { roomId: m.room.id, direction: 'send' })
            .catch((e: { code: string }) => errors.push(e.code));
          return errors;
        });
        expect(refused).toEqual(['forbidden', 'forbidden']);
        expect(await evaluate(pub, (m, id) => m.cameraOf(id) === undefined, viewer.id)).toBe(true);
      } finally {
        await close(pub, viewer);
      }
    },
    LONG,
  );
});

describe('an auto room moving between mesh and SFU in real Chromium', () => {
  const pages: Joined[] = [];

  afterAll(async () => close(...pages));

  it(
    'the fifth join moves everyone to the SFU and the fifth leave back to mesh; every page keeps receiving',
    async () => {
      const roomId = await createRoom('auto', 6);
      for (const name of ['ann', 'ben', 'cat', 'dan']) pages.push(await join(name, roomId));
      for (const p of pages)
        await waitForMedia(
          p,
          pages.filter((o) => o !== p),
          {},
          45_000,
        );
      expect(await Promise.all(pages.map(topologyOf))).toEqual(['mesh', 'mesh', 'mesh', 'mesh']);

      for (const p of pages) await evaluate(p, (m) => m.startGaps());
      const floors = await Promise.all(pages.map(inbound));
      const eve = await join('eve', roomId);
      pages.push(eve);
      const four = pages.slice(0, 4);
      for (const p of four) {
        await waitUntil(
          `${p.name} to be on the SFU`,
          async () => (await topologyOf(p)) === 'sfu',
          30_000,
        );
      }
      // Everyone plays everyone over the SFU, the mesh connections closed.
      for (const p of pages) {
        await waitForMedia(
          p,
          pages.filter((o) => o !== p),
          {},
          60_000,
        );
        await waitUntil(
          `${p.name} to close its mesh`,
          async () => (await evaluate(p, (m) => m.openPeerConnections())) === 2,
          30_000,
        );
      }
      for (const [i, p] of four.entries()) {
        await waitForMedia(
          p,
          four.filter((o) => o !== p),
          floors[i],
        );
        const gaps = await evaluate(p, (m) => m.gaps());
        // Frames kept coming through the move (the longest gap is a benchmark figure, not a test).
        for (const o of four.filter((x) => x !== p)) expect(gaps[o.id]?.frames).toBeGreaterThan(0);
        console.log(`mesh→sfu ${p.name}: ${JSON.stringify(gaps)}`);
      }

      for (const p of four) await evaluate(p, (m) => m.startGaps());
      await close(pages.pop()!);
      for (const p of four) {
        await waitUntil(
          `${p.name} to be back on mesh`,
          async () => (await topologyOf(p)) === 'mesh',
          30_000,
        );
      }
      for (const p of four) {
        await waitForMedia(
          p,
          four.filter((o) => o !== p),
          {},
          45_000,
        );
        // Three mesh connections, the SFU's transports closed.
        await waitUntil(
          `${p.name} to close the SFU`,
          async () => (await evaluate(p, (m) => m.openPeerConnections())) === 3,
          30_000,
        );
        const gaps = await evaluate(p, (m) => m.gaps());
        for (const o of four.filter((x) => x !== p)) expect(gaps[o.id]?.frames).toBeGreaterThan(0);
        console.log(`sfu→mesh ${p.name}: ${JSON.stringify(gaps)}`);
      }
    },
    LONG,
  );
});

describe('a media worker that dies under a call', () => {
  const pages: Joined[] = [];

  afterAll(async () => close(...pages));

  it(
    'the server replaces it, the pages set their transports up again, and the media come back',
    async () => {
      const roomId = await createRoom('sfu', 4);
      for (const name of ['ann', 'ben']) pages.push(await join(name, roomId));
      const [ann, ben] = pages;
      await waitForMedia(ann, [ben], {}, 45_000);
      await waitForMedia(ben, [ann], {}, 45_000);
      const transportsOf = (p: Joined) =>
        p.page.evaluate(() =>
          (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs
            .filter((pc) => pc.connectionState !== 'closed')
            .map((pc) => /^a=ice-ufrag:(\S+)/m.exec(pc.remoteDescription?.sdp ?? '')?.[1] ?? ''),
        );
      const before = [await transportsOf(ann), await transportsOf(ben)];

      // The server runs in this test process; its one worker is a child of it.
      const { stdout } = await run('pgrep', ['-P', String(process.pid), '-f', 'mediasoup-worker']);
      const workers = stdout.trim().split('\n').filter(Boolean).map(Number);
      expect(workers).toHaveLength(1);
      process.kill(workers[0], 'SIGKILL');

      const floors = [await inbound(ann), await inbound(ben)];
      await waitForMedia(ann, [ben], floors[0], 60_000);
      await waitForMedia(ben, [ann], floors[1], 60_000);
      // New transports on a new worker (new ICE credentials); the old ones closed.
      const after = [await transportsOf(ann), await transportsOf(ben)];
      for (const [i, now] of after.entries()) {
        expect(now).toHaveLength(2);
        expect(now.some((u) => before[i].includes(u))).toBe(false);
      }
      const { stdout: replaced } = await run('pgrep', [
        '-P',
        String(process.pid),
        '-f',
        'mediasoup-worker',
      ]);
      expect(replaced.trim().split('\n').map(Number)).not.toContain(workers[0]);
      expect(await remoteIds(ann)).toEqual([ben.id]);
    },
    LONG,
  );
});
