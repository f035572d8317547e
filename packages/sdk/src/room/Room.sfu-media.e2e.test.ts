import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  closeParticipants as close,
  events,
  joinCall,
  restCall,
  SDK_FROM_HOST_APP_SCRIPT,
  SMALL_TILES_SCRIPT,
  startCallRig,
  stopCallRig,
  waitForEvent,
  waitUntil,
  type CallRig,
  type Joined,
  type PageHarness,
} from '../test/rooms.js';

// What one participant publishes on the SFU, seen from another, between real Chromium pages
// through the real server and its real mediasoup worker: a screen share (Chromium's fake desktop
// capture, picked without a prompt), a share and a camera switched off and on again quickly, and
// an ICE restart of the receive transport. Needs the SDK's browser modules
// (`pnpm --filter @minimeet/sdk build`), which the host app serves, and a worker. The machine has
// two cores: one page sends a small camera, the other sends nothing, and both show small tiles.

type Harness = { mmt: PageHarness };
type Window = Harness & { __pcs: RTCPeerConnection[] };

// 320x240 is sent in one layer (Chromium's simulcast needs 480x270 for two).
const CAMERA_ONLY = { audio: false, video: { width: 320, height: 240, frameRate: 15 } };
const NOTHING = { audio: false, video: false };

// Two browsers on two cores take their time; the waits inside are bounded by conditions.
const LONG = 180_000;

let rig: CallRig;

beforeAll(async () => {
  rig = await startCallRig({
    serverEnv: { SFU_WORKERS: '1' },
    // Two fake cameras, to switch between.
    cameras: 2,
    initScripts: [SDK_FROM_HOST_APP_SCRIPT, SMALL_TILES_SCRIPT],
  });
}, 120_000);

afterAll(async () => stopCallRig(rig));

/** Ann sending `annMedia` and ben sending nothing, in a new `sfu` room, once ben plays ann's camera. */
async function annAndBen(
  annMedia: Record<string, unknown> = CAMERA_ONLY,
): Promise<[Joined, Joined]> {
  const { id: roomId } = await restCall<{ id: string }>(
    rig.server.url,
    'POST',
    '/rooms',
    rig.owner!.accessToken,
    { name: 'sfu media e2e', topology: 'sfu', capacity: 4 },
  );
  const join = async (name: string, media: Record<string, unknown>) =>
    joinCall(rig, name, roomId, await rig.mint(name, roomId), media);
  const ann = await join('ann', annMedia);
  const ben = await join('ben', NOTHING);
  await waitUntil(
    'ben to decode the camera of ann',
    async () => (await received(ben, ann, 'camera')).framesDecoded > 0,
    45_000,
  );
  return [ann, ben];
}

/** What `p` has received so far of the `source` that `from` publishes (zeros without a track). */
const received = (p: Joined, from: Joined, source: 'camera' | 'screen_share') =>
  p.page.evaluate(
    async ([id, s]) => {
      const track = (window as unknown as Window).mmt.room.remoteParticipants
        .get(id)
        ?.getTrackPublication(s)?.track;
      const out = { framesDecoded: 0, keyFramesDecoded: 0, pliCount: 0, live: false };
      if (!track) return out;
      out.live = track.mediaStreamTrack.readyState === 'live';
      for (const stat of (await track.getStats()).values() as Iterable<Record<string, number>>) {
        if (stat.type !== ('inbound-rtp' as unknown as number)) continue;
        out.framesDecoded += stat.framesDecoded ?? 0;
        out.keyFramesDecoded += stat.keyFramesDecoded ?? 0;
        out.pliCount += stat.pliCount ?? 0;
      }
      return out;
    },
    [from.id, source] as const,
  );

/**
 * The videos the page of `p` receives now: its receive transceivers with a live track (one per
 * consumer, plus mediasoup-client's bandwidth probe).
 */
const liveVideoReceivers = (p: Joined) =>
  p.page.evaluate(
    () =>
      (window as unknown as Window).__pcs
        .filter((pc) => pc.connectionState !== 'closed')
        .flatMap((pc) => pc.getTransceivers())
        .filter(
          (t) =>
            t.currentDirection === 'recvonly' &&
            t.receiver.track.kind === 'video' &&
            t.receiver.track.readyState === 'live',
        ).length,
  );

/** The requests of `p` that failed, as `event: code message`. */
const failedRequests = (p: Joined) =>
  p.page.evaluate(() =>
    (
      (window as unknown as Window).mmt as unknown as { failedRequests: string[] }
    ).failedRequests.slice(),
  );

/** The encodings and the sending stats of the RTP sender that carries `source` from `p`. */
const sent = (p: Joined, source: 'camera' | 'screen_share') =>
  p.page.evaluate(async (s) => {
    const w = window as unknown as Window;
    const media = w.mmt.room.localParticipant.getTrackPublication(s)?.track?.mediaStreamTrack;
    for (const pc of w.__pcs) {
      if (pc.connectionState === 'closed') continue;
      const sender = pc.getSenders().find((x) => media !== undefined && x.track === media);
      if (!sender) continue;
      const streams = [...(await sender.getStats()).values()].filter(
        (stat: { type: string }) => stat.type === 'outbound-rtp',
      ) as { rid?: string; framesEncoded?: number }[];
      return {
        encodings: sender.getParameters().encodings.map((e) => ({
          maxFramerate: e.maxFramerate,
          maxBitrate: e.maxBitrate,
          scalabilityMode: (e as { scalabilityMode?: string }).scalabilityMode,
        })),
        contentHint: media!.contentHint,
        deviceId: media!.getSettings().deviceId,
        streams: streams.map((stat) => ({ rid: stat.rid, framesEncoded: stat.framesEncoded ?? 0 })),
      };
    }
    return undefined;
  }, source);

const setScreenShare = (p: Joined, enabled: boolean) =>
  p.page.evaluate(
    (on) => (window as unknown as Window).mmt.room.localParticipant.setScreenShareEnabled(on),
    enabled,
  );

describe('screen sharing on the SFU', () => {
  let ann: Joined;
  let ben: Joined;

  afterAll(async () => close(...[ann, ben].filter(Boolean)));

  it(
    'the other page receives the share as one low-frame-rate layer and loses it when it stops',
    async () => {
      [ann, ben] = await annAndBen();
      // mediasoup-client's bandwidth probe and ann's camera.
      const before = await liveVideoReceivers(ben);

      await setScreenShare(ann, true);
      await waitForEvent(ben, {
        event: 'trackSubscribed',
        participant: ann.id,
        source: 'screen_share',
      });
      await waitUntil(
        'ben to decode the shared screen',
        async () => (await received(ben, ann, 'screen_share')).framesDecoded > 0,
        30_000,
      );
      expect(await liveVideoReceivers(ben)).toBe(before + 1);

      // One encoding, SCREEN_ENCODINGS' only layer: not simulcast, 8 frames a second at most.
      const share = await sent(ann, 'screen_share');
      expect(share?.encodings).toEqual([
        { maxFramerate: 8, maxBitrate: 2_500_000, scalabilityMode: 'L1T3' },
      ]);
      expect(share?.contentHint).toBe('detail');
      expect(share?.streams).toHaveLength(1);
      expect(share?.streams[0].rid).toBeUndefined();
      // The cap holds: over 3 s no more than 8 frames a second (and a frame of slack) are encoded.
      const startedAt = Date.now();
      const encodedBefore = share!.streams[0].framesEncoded;
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const encoded = (await sent(ann, 'screen_share'))!.streams[0].framesEncoded - encodedBefore;
      const seconds = (Date.now() - startedAt) / 1000;
      expect(encoded).toBeGreaterThan(0);
      expect(encoded).toBeLessThanOrEqual(Math.ceil(8 * seconds) + 1);

      const screenOnBen = await ben.page.evaluate((id) => {
        const w = window as unknown as Window & { screenTrack?: MediaStreamTrack };
        const pub = w.mmt.room.remoteParticipants.get(id)?.getTrackPublication('screen_share');
        w.screenTrack = pub?.track?.mediaStreamTrack;
        return w.screenTrack?.readyState;
      }, ann.id);
      expect(screenOnBen).toBe('live');

      await setScreenShare(ann, false);
      await waitForEvent(ben, {
        event: 'trackUnpublished',
        participant: ann.id,
        source: 'screen_share',
      });
      // Its consumer closed: the received track ended, and only the camera is still received.
      await waitUntil(
        "ben to close the consumer of ann's screen",
        async () => (await liveVideoReceivers(ben)) === before,
        15_000,
      );
      expect(
        await ben.page.evaluate((id) => {
          const w = window as unknown as Window & { screenTrack?: MediaStreamTrack };
          const remote = w.mmt.room.remoteParticipants.get(id)!;
          return {
            enabled: remote.isScreenShareEnabled,
            publication: remote.getTrackPublication('screen_share') !== undefined,
            track: w.screenTrack?.readyState,
          };
        }, ann.id),
      ).toEqual({ enabled: false, publication: false, track: 'ended' });
      expect(await failedRequests(ann)).toEqual([]);
    },
    LONG,
  );
});

describe('unpublishing and publishing again quickly on the SFU', () => {
  let ann: Joined;
  let ben: Joined;

  afterEach(async () => close(...[ann, ben].filter(Boolean)));

  it(
    'a share stopped and started four times in a row leaves one producer, and the other page plays the last',
    async () => {
      [ann, ben] = await annAndBen();
      const before = await liveVideoReceivers(ben);

      // Each start publishes a new track while the producer of the one before may still be on
      // its way to the server.
      await ann.page.evaluate(async () => {
        const local = (window as unknown as Window).mmt.room.localParticipant;
        for (let i = 0; i < 4; i += 1) {
          await local.setScreenShareEnabled(true);
          await local.setScreenShareEnabled(false);
        }
        await local.setScreenShareEnabled(true);
      });

      // The share ben shows is the last one, and it plays.
      await waitUntil(
        'ben to decode the last share',
        async () => (await received(ben, ann, 'screen_share')).framesDecoded > 0,
        30_000,
      ).catch(async (error: unknown) => {
        throw new Error(
          `${String(error)}; ann's failed requests: ${JSON.stringify(await failedRequests(ann))}`,
        );
      });
      // The server holds one producer of ann's screen: ben has one consumer of it (a producer
      // left over at the server would show here as a consumer too). Consumers of closed producers
      // close shortly after them, so the count settles.
      let last = -1;
      await waitUntil(
        `ben to receive exactly ann's camera and one screen (${before + 1} videos)`,
        async () => (last = await liveVideoReceivers(ben)) === before + 1,
        15_000,
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}; ben receives ${last}`);
      });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await liveVideoReceivers(ben)).toBe(before + 1);
      const floor = await received(ben, ann, 'screen_share');
      await waitUntil(
        'ben to keep decoding the share',
        async () => (await received(ben, ann, 'screen_share')).framesDecoded > floor.framesDecoded,
        15_000,
      );
      // Nothing was refused on the way (the server takes one producer per source).
      expect(await failedRequests(ann)).toEqual([]);
      const seen = (await events(ben)).filter(
        (e) => e.participant === ann.id && e.source === 'screen_share',
      );
      expect(seen.filter((e) => e.event === 'trackPublished').length).toBe(
        seen.filter((e) => e.event === 'trackUnpublished').length + 1,
      );
    },
    LONG,
  );

  it(
    'the camera switched off and on with the other device four times in a row sends the last device, which the other page plays',
    async () => {
      [ann, ben] = await annAndBen();
      const before = await liveVideoReceivers(ben);
      const cameras = await ann.page.evaluate(async () =>
        (await navigator.mediaDevices.enumerateDevices())
          .filter((d) => d.kind === 'videoinput')
          .map((d) => d.deviceId),
      );
      expect(cameras).toHaveLength(2);
      const first = (await sent(ann, 'camera'))?.deviceId;
      const other = cameras.find((id) => id !== first)!;

      await ann.page.evaluate(
        async ([a, b]) => {
          const local = (window as unknown as Window).mmt.room.localParticipant;
          for (const deviceId of [a, b, a, b]) {
            await local.setCameraEnabled(false);
            await local.setCameraEnabled(true, { deviceId });
          }
        },
        [other, first!] as const,
      );

      // Ann's producer sends the device switched on last.
      expect((await sent(ann, 'camera'))?.deviceId).toBe(first);
      const floor = await received(ben, ann, 'camera');
      await waitUntil(
        "ben to decode ann's camera again",
        async () => (await received(ben, ann, 'camera')).framesDecoded > floor.framesDecoded + 10,
        30_000,
      );
      expect(await liveVideoReceivers(ben)).toBe(before);
      expect(
        await ben.page.evaluate(
          (id) =>
            (window as unknown as Window).mmt.room.remoteParticipants
              .get(id)!
              .getTrackPublication('camera')!.isMuted,
          ann.id,
        ),
      ).toBe(false);
      expect(await failedRequests(ann)).toEqual([]);
    },
    LONG,
  );
});

describe('an ICE restart on the SFU', () => {
  let ann: Joined;
  let ben: Joined;

  afterAll(async () => close(...[ann, ben].filter(Boolean)));

  it(
    'brings the receiver a key frame it did not ask for, and the video goes on',
    async () => {
      [ann, ben] = await annAndBen();
      // Nothing is lost on loopback, so nobody needs a key frame: the count holds still.
      let steady = await received(ben, ann, 'camera');
      await waitUntil(
        'ben to decode without new key frames',
        async () => {
          await new Promise((resolve) => setTimeout(resolve, 1_500));
          const now = await received(ben, ann, 'camera');
          const still = now.keyFramesDecoded === steady.keyFramesDecoded;
          steady = now;
          return still;
        },
        20_000,
      );
      const remoteUfrags = () =>
        ben.page.evaluate(() =>
          (window as unknown as Window).__pcs
            .filter((pc) => pc.connectionState !== 'closed')
            .map((pc) => /^a=ice-ufrag:(\S+)/m.exec(pc.remoteDescription?.sdp ?? '')?.[1]),
        );
      const ufragsBefore = await remoteUfrags();

      // Ben's signalling drops and comes back: the room resumes and restarts ICE.
      await ben.page.evaluate(() => (window as unknown as Window).mmt.dropConnection());
      await waitForEvent(ben, { event: 'reconnected' }, 30_000);
      await waitUntil(
        "ben's receive transport to restart ICE",
        async () => {
          const now = await remoteUfrags();
          return now.length === ufragsBefore.length && now.every((u, i) => u !== ufragsBefore[i]);
        },
        15_000,
      );

      // A key frame arrives though ben's receiver never asked for one (no PLI of its own).
      await waitUntil(
        'ben to decode a new key frame',
        async () => (await received(ben, ann, 'camera')).keyFramesDecoded > steady.keyFramesDecoded,
        15_000,
      );
      const after = await received(ben, ann, 'camera');
      expect(after.pliCount).toBe(steady.pliCount);
      await waitUntil(
        'ben to keep decoding',
        async () => (await received(ben, ann, 'camera')).framesDecoded > after.framesDecoded + 10,
        15_000,
      );
    },
    LONG,
  );
});
