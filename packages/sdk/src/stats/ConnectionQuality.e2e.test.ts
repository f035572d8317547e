// Connection quality in real headless Chromium: two pages in a call, one of them in a network
// namespace of its own whose packets tc netem loses, and whose link the test cuts.
import type {
  AnalyticsCallsPage,
  AnalyticsCallTimeline,
  QualityReportPayload,
} from '@minimeet/protocol';
import type { RunningServer } from '@minimeet/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetNamespace } from '../test/netns.js';
import { startNamespacedRig, type NamespacedRig } from '../test/netns-rig.js';
import { joinCall, MEDIA, restCall, waitForEvent, waitUntil, type Joined } from '../test/rooms.js';
import type { Room } from '../room/Room.js';
import type { QualitySnapshot } from './ConnectionQualityMonitor.js';

// The operator's credential, to read the call's timeline afterwards.
const ADMIN_SECRET = 'connection-quality-e2e-admin-secret-0123456789';

// One sample a second, two to a report: the test sees levels and batches within seconds.
const OPTIONS = { ...MEDIA, quality: { sampleIntervalMs: 1_000, samplesPerReport: 2 } };

interface Recorded {
  payload: QualityReportPayload;
  ok: boolean;
}

// Records every quality_report the page sends and whether the server acknowledged it.
async function recordReports(p: Joined): Promise<void> {
  await p.page.evaluate(() => {
    const w = window as unknown as {
      mmt: { client: { signal: { request: (...a: unknown[]) => Promise<unknown> } } };
      __reports: { payload: unknown; ok: boolean }[];
    };
    w.__reports = [];
    const signal = w.mmt.client.signal;
    const request = signal.request.bind(signal);
    signal.request = (event: unknown, payload: unknown, ...rest: unknown[]) => {
      const answer = request(event, payload, ...rest);
      if (event === 'quality_report') {
        answer.then(
          () => w.__reports.push({ payload, ok: true }),
          () => w.__reports.push({ payload, ok: false }),
        );
      }
      return answer;
    };
  });
}

const reports = (p: Joined): Promise<Recorded[]> =>
  p.page.evaluate(() => (window as unknown as { __reports: Recorded[] }).__reports);

const snapshot = (p: Joined): Promise<QualitySnapshot | undefined> =>
  p.page.evaluate(() =>
    (
      window as unknown as { mmt: { room: { getQualitySnapshot(): unknown } } }
    ).mmt.room.getQualitySnapshot(),
  ) as Promise<QualitySnapshot | undefined>;

const qualityOf = (p: Joined, id: string): Promise<string | undefined> =>
  p.page.evaluate((pid) => {
    const { room } = (window as unknown as { mmt: { room: Room } }).mmt;
    return pid === room.localParticipant.id
      ? room.localParticipant.connectionQuality
      : room.remoteParticipants.get(pid)?.connectionQuality;
  }, id);

async function waitForQuality(p: Joined, id: string, levels: string[], timeoutMs = 20_000) {
  await waitUntil(
    `${p.name} to rate ${id} ${levels.join(' or ')}`,
    async () => levels.includes((await qualityOf(p, id)) ?? ''),
    timeoutMs,
  );
}

// The namespace and its TUN devices need root; `npm test` checks that before it starts, and
// without it this file fails in its set-up with a message saying so (never a silent skip).
describe('connection quality in Chromium', () => {
  let split: NamespacedRig | undefined;
  let ns: NetNamespace;
  let server: RunningServer;
  let near: Joined;
  let far: Joined;

  beforeAll(async () => {
    split = await startNamespacedRig({ serverEnv: () => ({ ADMIN_SECRET }) });
    ({ ns, server } = split);
    const room = `quality-${Date.now()}`;
    near = await joinCall(split.host, 'near', room, await split.host.mint('near', room), OPTIONS);
    await recordReports(near);
    far = await joinCall(split.inside, 'far', room, await split.host.mint('far', room), OPTIONS);
    await recordReports(far);
  }, 120_000);

  afterAll(async () => split?.close());

  it('rates both ends excellent or good, live, and sends acknowledged batches with bitrate and a MOS', async () => {
    const good = ['excellent', 'good'];
    await waitForQuality(near, far.id, good);
    await waitForQuality(far, near.id, good);
    await waitForQuality(near, near.id, good);
    await waitForQuality(far, far.id, good);
    const seen = (
      await near.page.evaluate(
        () =>
          (
            window as unknown as {
              mmt: { events: { event: string; participant?: string; arg?: string }[] };
            }
          ).mmt.events,
      )
    ).filter((e) => e.event === 'connectionQualityChanged');
    expect(seen.some((e) => e.participant === far.id && good.includes(e.arg ?? ''))).toBe(true);
    expect(seen.some((e) => e.participant === near.id && good.includes(e.arg ?? ''))).toBe(true);

    let acked: Recorded[] = [];
    await waitUntil('near to have a quality report acknowledged with media in it', async () => {
      acked = (await reports(near)).filter((r) => r.ok);
      return acked.some((r) => r.payload.samples.some((s) => s.legs.some((l) => l.bitrate > 0)));
    });
    expect((await reports(near)).every((r) => r.ok)).toBe(true);
    const samples = acked.flatMap((r) => r.payload.samples);
    expect(acked.every((r) => r.payload.samples.length <= 6)).toBe(true);
    const last = samples.at(-1)!;
    expect(last.mos).toBeGreaterThanOrEqual(1);
    expect(last.mos).toBeLessThanOrEqual(4.5);
    const kinds = new Set(last.legs.map((l) => `${l.direction}:${l.kind}:${l.source}`));
    expect(kinds).toEqual(
      new Set([
        'inbound:audio:microphone',
        'inbound:video:camera',
        'outbound:audio:microphone',
        'outbound:video:camera',
      ]),
    );
    expect(last.legs.every((l) => l.peer === far.id && l.relayed === false)).toBe(true);
    const video = last.legs.find((l) => l.direction === 'inbound' && l.kind === 'video')!;
    expect(video.bitrate).toBeGreaterThan(0);
    expect(video.fps).toBeGreaterThan(0);
    expect(video.width).toBe(640);

    const snap = (await snapshot(near))!;
    expect(snap.remotes.map((r) => r.participantId)).toEqual([far.id]);
    expect(good).toContain(snap.remotes[0].quality);
    expect(snap.local.mos).toBeGreaterThan(3.5);
  }, 60_000);

  it('shows the quality of a page whose packets are lost dropping, on both ends', async () => {
    ns.setLoss(25);
    await waitForEvent(
      near,
      { event: 'connectionQualityChanged', participant: far.id, arg: 'poor' },
      30_000,
    );
    await waitForEvent(
      far,
      { event: 'connectionQualityChanged', participant: far.id, arg: 'poor' },
      30_000,
    );
    const remote = (await snapshot(near))!.remotes[0];
    const audio = remote.legs.find((l) => l.kind === 'audio')!;
    expect(audio.packetsLost).toBeGreaterThan(0);
    expect(audio.mos).toBeLessThan(3.5);
    // Nothing is lost on the way to the far page: the near page's own sending stays fine.
    expect(['excellent', 'good']).toContain(await qualityOf(near, near.id));

    // Afterwards in the call's timeline: the far leg's series drops to poor (as the far page
    // rated itself), and the near leg's shows the far page's packets it never received.
    const room = await near.page.evaluate(
      () => (window as unknown as { mmt: { room: Room } }).mmt.room.id,
    );
    const get = <T>(path: string): Promise<T> =>
      restCall<T>(server.url, 'GET', `/analytics${path}`, ADMIN_SECRET);
    await waitUntil(
      "the drop in the call's timeline",
      async () => {
        const page = await get<AnalyticsCallsPage>(`/calls?roomId=${room}`);
        const callId = page.items[0]?.id;
        if (!callId) return false;
        const { legs } = await get<AnalyticsCallTimeline>(`/calls/${callId}`);
        const series = (id: string) => legs.find((l) => l.participantId === id)?.series ?? [];
        return (
          series(far.id).some((p) => p.level === 'poor' || p.level === 'lost') &&
          series(near.id).some((p) => (p.loss ?? 0) > 0)
        );
      },
      30_000,
      500,
    );
  }, 60_000);

  it('shows a page whose network is cut as lost, and the cut page sees itself lost', async () => {
    ns.setLoss(0);
    ns.setCut(true);
    await waitForEvent(
      near,
      { event: 'connectionQualityChanged', participant: far.id, arg: 'lost' },
      20_000,
    );
    await waitForEvent(
      far,
      { event: 'connectionQualityChanged', participant: far.id, arg: 'lost' },
      20_000,
    );
    expect(await qualityOf(near, far.id)).toBe('lost');
  }, 60_000);
});
