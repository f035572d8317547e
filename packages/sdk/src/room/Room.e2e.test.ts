import type { RunningCoturn, RunningServer } from '@minimeet/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeParticipants as close,
  events,
  guestMinter,
  inbound,
  joinAsGuest,
  MEDIA,
  openParticipantPage,
  openPeerConnections,
  remoteIds,
  startCallRig,
  startRelayedServer,
  stopCallRig,
  waitForEvent,
  waitForMedia,
  waitUntil,
  type CallRig,
  type GuestMinter,
  type Joined,
  type PageHarness,
} from '../test/rooms.js';

// Calls between real Chromium pages through the real server: each participant is a browser
// context with a fake camera and microphone, joined as a join-token guest. Needs the SDK's
// browser bundle (`pnpm --filter @minimeet/sdk build`), which the server serves.

const GRACE_SECONDS = 6;

type Harness = { mmt: PageHarness };

let rig: CallRig;

beforeAll(async () => {
  // Mesh calls: without the SFU, a guest's (auto) room holds the mesh maximum of four.
  rig = await startCallRig({
    serverEnv: { RECONNECT_GRACE_SECONDS: String(GRACE_SECONDS), SFU_ENABLED: 'false' },
  });
});

afterAll(async () => stopCallRig(rig));

const join = (
  name: string,
  roomId: string,
  options: Record<string, unknown> = MEDIA,
  via?: { server: RunningServer; mint: GuestMinter },
): Promise<Joined> => joinAsGuest(rig, name, roomId, options, via);

describe('a call of two in real Chromium', () => {
  let ada: Joined;
  let bob: Joined;

  afterAll(async () => close(...[ada, bob].filter(Boolean)));

  it('each page decodes the video and receives the audio of the other', async () => {
    ada = await join('ada', 'duo');
    bob = await join('bob', 'duo');

    await Promise.all([waitForMedia(ada, [bob]), waitForMedia(bob, [ada])]);
    expect(await remoteIds(ada)).toEqual([bob.id]);
    expect(await remoteIds(bob)).toEqual([ada.id]);
    await waitForEvent(ada, { event: 'participantJoined', participant: bob.id });
    await waitForEvent(ada, { event: 'trackSubscribed', participant: bob.id });
  });

  it('a mute and an unmute of the microphone are seen by the other', async () => {
    await ada.page.evaluate(() =>
      (window as unknown as Harness).mmt.room.localParticipant.setMicrophoneMuted(true),
    );
    await waitForEvent(bob, { event: 'trackMuted', participant: ada.id, source: 'microphone' });
    expect(
      await bob.page.evaluate(
        (id) =>
          (window as unknown as Harness).mmt.room.remoteParticipants.get(id)!.isMicrophoneEnabled,
        ada.id,
      ),
    ).toBe(false);

    await ada.page.evaluate(() =>
      (window as unknown as Harness).mmt.room.localParticipant.setMicrophoneMuted(false),
    );
    await waitForEvent(bob, { event: 'trackUnmuted', participant: ada.id, source: 'microphone' });
  });

  it('camera off stops the device and is seen as muted; camera on brings the video back', async () => {
    const cameraLive = () =>
      ada.page.evaluate(
        () =>
          (window as unknown as Harness).mmt.room.localParticipant.getTrackPublication('camera')
            ?.track?.mediaStreamTrack?.readyState ?? 'none',
      );
    await ada.page.evaluate(() =>
      (window as unknown as Harness).mmt.room.localParticipant.setCameraEnabled(false),
    );
    await waitForEvent(bob, { event: 'trackMuted', participant: ada.id, source: 'camera' });
    expect(await cameraLive()).toBe('none');

    await ada.page.evaluate(() =>
      (window as unknown as Harness).mmt.room.localParticipant.setCameraEnabled(true),
    );
    await waitForEvent(bob, { event: 'trackUnmuted', participant: ada.id, source: 'camera' });
    expect(await cameraLive()).toBe('live');
    await waitForMedia(bob, [ada], await inbound(bob));
  });

  it('the beeping fake microphone of one makes it an active speaker for the other', async () => {
    await waitUntil(
      'bob to list ada among the active speakers',
      () =>
        bob.page.evaluate(
          (id) => (window as unknown as Harness).mmt.room.activeSpeakers.some((p) => p.id === id),
          ada.id,
        ),
      30_000,
    );
    const changes = (await events(bob)).filter((e) => e.event === 'activeSpeakersChanged');
    expect(changes.some((e) => e.participants?.includes(ada.id))).toBe(true);
  });

  it('a screen share is published, received and unpublished', async () => {
    await ada.page.evaluate(() =>
      (window as unknown as Harness).mmt.room.localParticipant.setScreenShareEnabled(true),
    );
    await waitForEvent(bob, {
      event: 'trackSubscribed',
      participant: ada.id,
      source: 'screen_share',
    });
    await waitUntil('bob to decode the shared screen', () =>
      bob.page.evaluate(async (id) => {
        const track = (window as unknown as Harness).mmt.room.remoteParticipants
          .get(id)
          ?.getTrackPublication('screen_share')?.track;
        if (!track) return false;
        const stats = [...(await track.getStats()).values()] as {
          type: string;
          framesDecoded?: number;
        }[];
        return stats.some((s) => s.type === 'inbound-rtp' && (s.framesDecoded ?? 0) > 0);
      }, ada.id),
    );

    await ada.page.evaluate(() =>
      (window as unknown as Harness).mmt.room.localParticipant.setScreenShareEnabled(false),
    );
    await waitForEvent(bob, {
      event: 'trackUnpublished',
      participant: ada.id,
      source: 'screen_share',
    });
    expect(
      await bob.page.evaluate(
        (id) =>
          (window as unknown as Harness).mmt.room.remoteParticipants.get(id)!.isScreenShareEnabled,
        ada.id,
      ),
    ).toBe(false);
  });

  it('a leave is seen by the other, whose peer connection closes; the leaver keeps nothing', async () => {
    await bob.page.evaluate(() => (window as unknown as Harness).mmt.room.leave());

    await waitForEvent(ada, { event: 'participantLeft', participant: bob.id, arg: 'left' });
    expect(await remoteIds(ada)).toEqual([]);
    await waitUntil(
      'ada to close its peer connection',
      async () => (await openPeerConnections(ada)) === 0,
    );
    const leaver = await bob.page.evaluate(() => {
      const { room } = (window as unknown as Harness).mmt;
      return {
        state: room.state,
        remotes: room.remoteParticipants.size,
        liveTracks: [...room.localParticipant.trackPublications.values()].filter(
          (p) => p.track?.mediaStreamTrack?.readyState === 'live',
        ).length,
        peerConnections: (window as unknown as Harness).mmt.openPeerConnections(),
      };
    });
    expect(leaver).toEqual({
      state: 'disconnected',
      remotes: 0,
      liveTracks: 0,
      peerConnections: 0,
    });
    await waitForEvent(bob, { event: 'disconnected', arg: 'left' });
  });
});

describe('a call of four in real Chromium', () => {
  const names = ['ann', 'ben', 'cat', 'dan'];
  const four: Joined[] = [];

  afterAll(async () => close(...four));

  it('every page decodes video from and receives audio of every other', async () => {
    for (const name of names) four.push(await join(name, 'quartet'));
    await Promise.all(
      four.map((p) =>
        waitForMedia(
          p,
          four.filter((o) => o !== p),
          {},
          90_000,
        ),
      ),
    );
    for (const p of four) {
      expect(await remoteIds(p)).toEqual(
        four
          .filter((o) => o !== p)
          .map((o) => o.id)
          .sort(),
      );
    }
  }, 150_000);

  it('a fifth join is refused with room_full and the four are unaffected', async () => {
    const fifth = await openParticipantPage(rig.browser, rig.hostAppUrl);
    rig.opened.push(fifth);
    const token = await rig.mint('eve', 'quartet');
    const result = await fifth.page.evaluate(
      ([url, t]) => (window as unknown as Harness).mmt.join(url, t, 'quartet', { video: true }),
      [rig.server.url, token] as const,
    );
    expect(result).toMatchObject({ ok: false, name: 'MinimeetError', code: 'room_full' });
    // Refused after capturing: the camera it opened for the join is stopped again.
    await close(fifth);

    const before = await inbound(four[0]);
    for (const p of four) expect(await remoteIds(p)).toHaveLength(3);
    await waitForMedia(four[0], four.slice(1), before);
  }, 60_000);

  it('a page cut off within the grace period comes back: reconnecting then reconnected, never a leave', async () => {
    const [ann, , , dan] = four as [Joined, Joined, Joined, Joined];
    const floor = await inbound(ann);
    await dan.page.evaluate(() => {
      const { mmt } = window as unknown as Harness;
      // Stay away long enough for the others to notice, well inside the grace period.
      mmt.blockConnect = true;
      mmt.dropConnection();
      setTimeout(() => (mmt.blockConnect = false), 1_500);
    });

    await waitForEvent(dan, { event: 'reconnecting' });
    for (const p of four.slice(0, 3)) {
      await waitForEvent(p, { event: 'participantReconnecting', participant: dan.id });
    }
    await waitForEvent(dan, { event: 'reconnected' }, 20_000);
    for (const p of four.slice(0, 3)) {
      await waitForEvent(p, { event: 'participantReconnected', participant: dan.id });
      const seen = await events(p);
      expect(seen.filter((e) => e.participant === dan.id && e.event === 'participantLeft')).toEqual(
        [],
      );
      expect(
        seen.filter((e) => e.participant === dan.id && e.event === 'participantJoined'),
      ).toHaveLength(1);
      expect(await remoteIds(p)).toHaveLength(3);
    }
    expect(
      await dan.page.evaluate(() => (window as unknown as Harness).mmt.room.localParticipant.id),
    ).toBe(dan.id);
    expect(await dan.page.evaluate(() => (window as unknown as Harness).mmt.room.state)).toBe(
      'connected',
    );
    // The media never stopped: frames keep coming both ways.
    await waitForMedia(ann, [dan], floor);
    await waitForMedia(dan, four.slice(0, 3), await inbound(dan));
  }, 90_000);

  it('a page that stays away past the grace period is removed everywhere, and comes back as someone new', async () => {
    const [ann, ben, cat, dan] = four as [Joined, Joined, Joined, Joined];
    await dan.page.evaluate(() => {
      const { mmt } = window as unknown as Harness;
      mmt.blockConnect = true;
      mmt.dropConnection();
    });
    for (const p of [ann, ben, cat]) {
      await waitForEvent(
        p,
        { event: 'participantLeft', participant: dan.id, arg: 'timeout' },
        (GRACE_SECONDS + 15) * 1000,
      );
      expect(await remoteIds(p)).toHaveLength(2);
    }

    await dan.page.evaluate(() => ((window as unknown as Harness).mmt.blockConnect = false));
    await waitUntil(
      'dan to rejoin under a new id',
      async () =>
        dan.page.evaluate((oldId) => {
          const { room } = (window as unknown as Harness).mmt;
          return String(room.state) === 'connected' && room.localParticipant.id !== oldId;
        }, dan.id),
      30_000,
    );
    const newId = await dan.page.evaluate(
      () => (window as unknown as Harness).mmt.room.localParticipant.id,
    );
    const reborn = { ...dan, id: newId };
    four[3] = reborn;
    for (const p of [ann, ben, cat]) {
      await waitForEvent(p, { event: 'participantJoined', participant: newId });
      expect(await remoteIds(p)).toHaveLength(3);
    }
    await waitForMedia(ann, [reborn], {}, 45_000);
    await waitForMedia(reborn, [ann, ben, cat], {}, 45_000);
    expect(await remoteIds(reborn)).toEqual([ann.id, ben.id, cat.id].sort());
  }, 120_000);
});

describe('a call through TURN in real Chromium', () => {
  let coturn: RunningCoturn;
  let turnServer: RunningServer;
  let pair: Joined[] = [];

  beforeAll(async () => {
    ({ coturn, server: turnServer } = await startRelayedServer());
  });

  afterAll(async () => {
    await close(...pair);
    await turnServer?.close();
    await coturn?.stop();
  });

  it("with iceTransportPolicy 'relay' the media goes through coturn and decodes", async () => {
    const via = { server: turnServer, mint: await guestMinter(turnServer.url) };
    const relayOnly = { ...MEDIA, iceTransportPolicy: 'relay' };
    pair = [
      await join('rita', 'relayed', relayOnly, via),
      await join('ravi', 'relayed', relayOnly, via),
    ];
    const [rita, ravi] = pair as [Joined, Joined];

    await Promise.all([waitForMedia(rita, [ravi]), waitForMedia(ravi, [rita])]);
    for (const p of pair) {
      const pairs = await p.page.evaluate(() =>
        (window as unknown as Harness).mmt.candidateTypes(),
      );
      expect(pairs.length).toBeGreaterThan(0);
      for (const [local, remote] of pairs) {
        expect(local).toBe('relay');
        expect(remote).toBe('relay');
      }
    }
  }, 60_000);
});
