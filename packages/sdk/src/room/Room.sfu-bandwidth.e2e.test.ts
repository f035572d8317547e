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

// Chromium sends 640x480 in two layers: 320x240 (about 150 kbit/s at 15 fps) and 640x480.
const ANN_MEDIA = { audio: true, video: { width: 640, height: 480, frameRate: 15 } };
const BEN_MEDIA = { audio: false, video: false };
// Enough for audio and the low layer, not for the top one.
const SQUEEZED_KBPS = 300;

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

  const frameWidth = async () =>
    (await ben.page.evaluate((id) => (window as unknown as Harness).mmt.frameSize(id), ann.id))
      ?.width;

  it('drops ben to the low layer while his audio keeps flowing, and brings the top layer back', async () => {
    expect(await ben.page.evaluate(() => (window as unknown as Harness).mmt.room.topology)).toBe(
      'sfu',
    );
    await waitUntil(
      'ben to receive the top layer',
      async () => (await frameWidth()) === 640,
      60_000,
    );

    ns.setDownlink(SQUEEZED_KBPS);
    await waitUntil(
      'ben to be sent the low layer on a squeezed downlink',
      async () => (await frameWidth()) === 320,
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
    // Still receiving video, on the low layer.
    expect(await frameWidth()).toBe(320);

    ns.setDownlink(0);
    await waitUntil(
      'ben to get the top layer back once the link is mended',
      async () => (await frameWidth()) === 640,
      90_000,
    );
  }, 300_000);
});
