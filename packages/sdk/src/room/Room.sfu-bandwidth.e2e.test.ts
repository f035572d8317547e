// A receiver's downlink squeezed, for real: ben's Chromium runs in a network namespace of this
// file's own whose link to the host is paced to a bit rate by a user-space bridge (a slow
// downlink: packets queue, the excess is dropped). Ann, on the host, sends her camera in two
// simulcast layers through the SFU; ben shows it large, so he wants the top one. When his
// downlink cannot carry it, the SFU (mediasoup's bandwidth estimate for ben's transport) sends
// him the low layer, and his audio keeps flowing; when the link is mended, the top layer returns.
// Needs root and iproute2, like the connection-quality tests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetNamespace } from '../test/netns.js';
import { startNamespacedRig, type NamespacedRig } from '../test/netns-rig.js';
import { joinCall, waitUntil, type Joined, type PageHarness } from '../test/rooms.js';

type Harness = { mmt: PageHarness };

// Chromium sends 640x480 in two layers: 320x240 and 640x480. Their bit rates depend on how busy
// the machine is (the encoder adapts), so the test measures them and squeezes ben's downlink to
// less than ann's audio and top layer need, but well above what audio and the low layer need. It
// compares what ben receives with the widest layer ann sends at that moment, not fixed sizes.
const ANN_MEDIA = { audio: true, video: { width: 640, height: 480, frameRate: 15 } };
const BEN_MEDIA = { audio: false, video: false };

/** Ben's inbound audio from ann so far: packets received and samples concealed. */
const audioIn = (p: Joined) =>
  p.page.evaluate(async () => {
    let packets = 0;
    let concealed = 0;
    let samples = 0;
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === 'closed') continue;
      for (const s of (await pc.getStats()).values() as Iterable<Record<string, unknown>>) {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') {
          packets += Number(s.packetsReceived ?? 0);
          concealed += Number(s.concealedSamples ?? 0);
          samples += Number(s.totalSamplesReceived ?? 0);
        }
      }
    }
    return { packets, concealed, samples };
  });

/** What ann is sending now: each video layer's width, widest first, and its rate in kbit/s. */
const sending = (p: Joined) =>
  p.page.evaluate(async () => {
    const streams: { key: string; width: number; bits: number }[] = [];
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === 'closed') continue;
      for (const s of (await pc.getStats()).values() as Iterable<Record<string, unknown>>) {
        if (s.type !== 'outbound-rtp' || s.active === false) continue;
        const bits = (Number(s.bytesSent ?? 0) + Number(s.headerBytesSent ?? 0)) * 8;
        const width = s.kind === 'video' ? Number(s.frameWidth ?? 0) : 0;
        if (s.kind === 'audio' || width > 0) streams.push({ key: String(s.id), width, bits });
      }
    }
    return { at: performance.now(), streams: streams.sort((a, b) => b.width - a.width) };
  });

/** Ann's send rates over `ms`: audio, and the top and low video layers, in kbit/s. */
async function sendRates(p: Joined, ms: number) {
  const before = await sending(p);
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = await sending(p);
  const kbps = (key: string) => {
    const then = before.streams.find((s) => s.key === key)?.bits ?? 0;
    const now = after.streams.find((s) => s.key === key)?.bits ?? 0;
    return (now - then) / (after.at - before.at);
  };
  const video = after.streams.filter((s) => s.width > 0);
  return {
    audio: after.streams.filter((s) => s.width === 0).reduce((sum, s) => sum + kbps(s.key), 0),
    top: video.length ? kbps(video[0].key) : 0,
    low: video.length ? kbps(video[video.length - 1].key) : 0,
  };
}

describe('a squeezed downlink on the SFU', () => {
  let split: NamespacedRig | undefined;
  let ns: NetNamespace;
  let ann: Joined;
  let ben: Joined;

  beforeAll(async () => {
    split = await startNamespacedRig({
      // The media listen on the host's end of the link too; the second join moves to the SFU.
      serverEnv: (n) => ({
        SFU_WORKERS: '1',
        SFU_LISTEN_IP: n.hostAddress,
        SFU_ANNOUNCED_ADDRESS: n.hostAddress,
        AUTO_SFU_THRESHOLD: '1',
      }),
      head: '<style>video { width: 640px; height: 480px; }</style>',
    });
    ns = split.ns;
    const room = `squeeze-${Date.now()}`;
    ann = await joinCall(split.host, 'ann', room, await split.host.mint('ann', room), ANN_MEDIA);
    ben = await joinCall(split.inside, 'ben', room, await split.host.mint('ben', room), BEN_MEDIA);
  }, 120_000);

  afterAll(async () => split?.close());

  const received = () =>
    ben.page.evaluate((id) => (window as unknown as Harness).mmt.frameSize(id), ann.id);
  const topWidth = async () => (await sending(ann)).streams[0]?.width ?? 0;

  /** Waits until ben's picture compared with ann's widest layer passes `check`; says what it saw. */
  const waitForLayer = async (
    what: string,
    check: (width: number, top: number, decoded: number) => boolean,
    timeoutMs: number,
    intervalMs?: number,
  ) => {
    let seen = 'nothing yet';
    try {
      await waitUntil(
        what,
        async () => {
          const [frame, top] = await Promise.all([received(), topWidth()]);
          seen = `ben receives ${frame?.width ?? 'no'} px wide (${frame?.decoded ?? 0} frames decoded), ann's top layer is ${top} px`;
          return !!frame?.width && top > 0 && check(frame.width, top, frame.decoded);
        },
        timeoutMs,
        intervalMs,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message} (last seen: ${seen})`);
    }
  };

  it('drops ben to the low layer while his audio keeps flowing, and brings the top layer back', async () => {
    expect(await ben.page.evaluate(() => (window as unknown as Harness).mmt.room.topology)).toBe(
      'sfu',
    );
    await waitForLayer('ben to receive the top layer', (width, top) => width === top, 60_000);

    // A quarter short of what audio with the top layer needs, with room to spare for the low one,
    // once ann's encoder has ramped up (at first the top layer may send less than the low one).
    let squeezed = 0;
    await waitUntil(
      "ann's top layer to need clearly more than her low one",
      async () => {
        const rates = await sendRates(ann, 2_000);
        squeezed = Math.round(0.75 * (rates.audio + rates.top));
        return squeezed > 1.3 * (rates.audio + rates.low);
      },
      30_000,
    );
    ns.setDownlink(squeezed);
    await waitForLayer(
      'ben to be sent a lower layer on a squeezed downlink',
      (width, top) => width < top,
      45_000,
    );
    // Audio first: over the next 5 s on the squeezed link, ben hears ann nearly all the time.
    const before = await audioIn(ben);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const after = await audioIn(ben);
    // Opus sends 50 packets a second.
    expect(after.packets - before.packets).toBeGreaterThan(200);
    const concealedShare = (after.concealed - before.concealed) / (after.samples - before.samples);
    expect(concealedShare).toBeLessThan(0.1);
    // And ann's picture keeps moving on a lower layer. (The losses when the link narrows can make
    // the SFU's estimate dip below even the low layer for a while: video then pauses, not audio.)
    let decoded = (await received())?.decoded ?? 0;
    await waitForLayer(
      'ben to see ann move on a lower layer of the squeezed link',
      (width, top, frames) => {
        const moved = frames > decoded;
        decoded = frames;
        return moved && width < top;
      },
      45_000,
      1_000,
    );

    ns.setDownlink(0);
    await waitForLayer(
      'ben to get the top layer back once the link is mended',
      (width, top) => width === top,
      90_000,
    );
  }, 300_000);
});
