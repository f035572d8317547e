// A call of four real Chromium pages, seen afterwards through the server's analytics: a session
// with every leg, quality samples with media in them and a MOS in range, and each leg's end
// reason after a leave, a dropped connection that never came back (timeout), and a removal (the host
// app's API key revoked). Needs the SDK's browser bundle, which the server serves.
import type {
  AnalyticsCallsPage,
  AnalyticsCallTimeline,
  CreatedApiKey,
  CreatedJoinToken,
} from '@minimeet/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  joinCall,
  MEDIA,
  registerAccount,
  remoteIds,
  restCall,
  startCallRig,
  stopCallRig,
  waitUntil,
  type CallRig,
  type Joined,
  type PageHarness,
} from '../test/rooms.js';

type Harness = { mmt: PageHarness };

// The operator's credential: reads every call.
const ADMIN_SECRET = 'call-analytics-e2e-admin-secret-0123456789';
// One sample a second, two to a report: the server has samples within seconds.
const OPTIONS = { ...MEDIA, quality: { sampleIntervalMs: 1_000, samplesPerReport: 2 } };

let rig: CallRig;

beforeAll(async () => {
  rig = await startCallRig({ serverEnv: { RECONNECT_GRACE_SECONDS: '2', ADMIN_SECRET } });
}, 60_000);

afterAll(async () => stopCallRig(rig));

const asOperator = <T>(path: string): Promise<T> =>
  restCall<T>(rig.server.url, 'GET', `/analytics${path}`, ADMIN_SECRET);

describe('a call of four in Chromium, in the analytics', () => {
  it('records every leg with its samples, then left, timeout and removed as they end', async () => {
    const owner = await registerAccount(rig.server.url, 'Host app');
    const key = await restCall<CreatedApiKey>(
      rig.server.url,
      'POST',
      '/api-keys',
      owner.accessToken,
      { name: 'analytics e2e' },
    );
    const mint = async (identity: string, room: string): Promise<string> => {
      const res = await fetch(`${rig.server.url}/api/join-tokens`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${key.id}:${key.secret}`).toString('base64')}`,
        },
        body: JSON.stringify({ identity, name: identity, grants: { room } }),
      });
      if (!res.ok) throw new Error(`minting a join token failed: ${res.status}`);
      return ((await res.json()) as CreatedJoinToken).token;
    };
    const room = `analytics-four-${Date.now()}`;
    const pages: Joined[] = [];
    for (const name of ['ada', 'bob', 'cy', 'dee'])
      pages.push(await joinCall(rig, name, room, await mint(name, room), OPTIONS));
    const [ada, bob, cy, dee] = pages as [Joined, Joined, Joined, Joined];
    for (const p of pages)
      await waitUntil(`${p.name} to see the three others`, async () => {
        return (await remoteIds(p)).length === 3;
      });

    // The live call, and a sample with media in it from every leg.
    let callId = '';
    let timeline: AnalyticsCallTimeline | undefined;
    await waitUntil(
      'samples with media from all four legs',
      async () => {
        const page = await asOperator<AnalyticsCallsPage>(`/calls?roomId=${room}`);
        callId = page.items[0]?.id ?? '';
        if (!callId) return false;
        timeline = await asOperator<AnalyticsCallTimeline>(`/calls/${callId}`);
        return (
          timeline.legs.length === 4 &&
          timeline.legs.every((l) => l.series.some((p) => p.bitrateIn > 0 && p.mos !== null))
        );
      },
      60_000,
      500,
    );
    for (const leg of timeline!.legs) {
      for (const point of leg.series.filter((p) => p.mos !== null)) {
        expect(point.mos).toBeGreaterThanOrEqual(1);
        expect(point.mos).toBeLessThanOrEqual(4.5);
      }
      expect(leg.client.browser).toBe('chrome');
    }

    // Ada leaves; Bob's connection drops and he is kept from coming back; the host app's key is
    // revoked.
    await ada.page.evaluate(() => (window as unknown as Harness).mmt.room.leave());
    await bob.page.evaluate(() => {
      const { mmt } = window as unknown as Harness;
      mmt.blockConnect = true;
      mmt.dropConnection();
    });
    await waitUntil(
      'bob to time out',
      async () => {
        const t = await asOperator<AnalyticsCallTimeline>(`/calls/${callId}`);
        return t.legs.find((l) => l.participantId === bob.id)?.endReason === 'timeout';
      },
      30_000,
      500,
    );
    await restCall(rig.server.url, 'DELETE', `/api-keys/${key.id}`, owner.accessToken);
    await waitUntil(
      'the call to end',
      async () => {
        timeline = await asOperator<AnalyticsCallTimeline>(`/calls/${callId}`);
        return timeline.call.endedAt !== null;
      },
      30_000,
      500,
    );
    const reasons = Object.fromEntries(timeline!.legs.map((l) => [l.participantId, l.endReason]));
    expect(reasons).toEqual({
      [ada.id]: 'left',
      [bob.id]: 'timeout',
      [cy.id]: 'removed',
      [dee.id]: 'removed',
    });
    expect(timeline!.call).toMatchObject({ legs: 4, peakParticipants: 4 });
    expect(timeline!.legs.every((l) => l.qualityLevel !== null && l.quality?.mos)).toBe(true);
    for (const p of pages) await p.context.close();
  }, 180_000);
});
