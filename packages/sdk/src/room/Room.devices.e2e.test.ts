import type { AuthSession, RoomDetails, RoomInvite } from '@minimeet/protocol';
import { startCoturn, type RunningCoturn, type RunningServer } from '@minimeet/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { listDevices } from '../track/devices.js';
import {
  DEVICE_UNPLUG_SCRIPT,
  events,
  guestMinter,
  inbound,
  joinAsGuest,
  joinCall,
  MEDIA,
  registerAccount,
  remoteIds,
  restCall,
  startCallRig,
  startRelayedServer,
  stopCallRig,
  waitForEvent,
  waitForMedia,
  waitUntil,
  type CallRig,
  type Joined,
  type PageHarness,
} from '../test/rooms.js';

// Devices, ICE recovery and the server ending a participation, between real Chromium pages
// through the real server. Each participant is a browser context of one shared browser that has
// three fake cameras. Needs the SDK's browser bundle (`pnpm --filter @minimeet/sdk build`).

type Harness = { mmt: PageHarness };
type Window = { mmt: PageHarness; __pcs: RTCPeerConnection[]; __unplug(deviceId: string): void };

let rig: CallRig;

beforeAll(async () => {
  // Three fake cameras: Chromium's second one (`fake_device_1`) delivers 16-bit depth frames
  // (Y16) that a video encoder cannot take, so the call switches between the first and third.
  rig = await startCallRig({ cameras: 3, initScripts: [DEVICE_UNPLUG_SCRIPT] });
});

afterAll(async () => stopCallRig(rig));

/** How many descriptions the page's open peer connections have set, local and remote. */
const negotiations = (p: Joined): Promise<number> =>
  p.page.evaluate(() =>
    (window as unknown as Window).__pcs
      .filter((pc) => pc.connectionState !== 'closed')
      .map(
        (pc) =>
          (pc as unknown as { trace: { log: string[] } }).trace.log.filter(
            (entry) => entry.startsWith('sld:') || entry.startsWith('srd:'),
          ).length,
      )
      .reduce((a, b) => a + b, 0),
  );

/** The local camera or microphone as the user's page sees it. */
async function localDevice(
  p: Joined,
  kind: 'videoinput' | 'audioinput',
): Promise<{ active: string | undefined; captured: string | undefined; state: string }> {
  return p.page.evaluate((k) => {
    const me = (window as unknown as Harness).mmt.room.localParticipant;
    const track = me.getTrackPublication(k === 'videoinput' ? 'camera' : 'microphone')?.track
      ?.mediaStreamTrack;
    return {
      active: me.getActiveDevice(k),
      captured: track?.getSettings().deviceId,
      state: track?.readyState ?? 'none',
    };
  }, kind);
}

/** The device ids `listDevices(kind)` gives the page. */
const listDeviceIds = (p: Joined, kind: 'videoinput' | 'audioinput'): Promise<string[]> =>
  p.page.evaluate(async (k) => {
    const { sdk } = (window as unknown as { mmt: { sdk: { listDevices: typeof listDevices } } })
      .mmt;
    return (await sdk.listDevices(k)).map((d) => d.deviceId);
  }, kind);

describe('cameras and microphones in a call of two', () => {
  let ada: Joined;
  let bob: Joined;

  beforeAll(async () => {
    ada = await joinAsGuest(rig, 'ada', 'devices');
    bob = await joinAsGuest(rig, 'bob', 'devices');
    await Promise.all([waitForMedia(ada, [bob]), waitForMedia(bob, [ada])]);
  }, 60_000);

  it('listDevices names the cameras, and a switch changes the camera live without renegotiation', async () => {
    const cameras = await listDeviceIds(ada, 'videoinput');
    expect(cameras).toHaveLength(3);
    const before = await localDevice(ada, 'videoinput');
    expect(before.active).toBe(cameras[0]);
    expect(before.captured).toBe(before.active);
    const other = cameras[2];
    const offers = [await negotiations(ada), await negotiations(bob)];

    await ada.page.evaluate(
      (id) =>
        (window as unknown as Harness).mmt.room.localParticipant.switchActiveDevice(
          'videoinput',
          id,
        ),
      other,
    );

    expect(await localDevice(ada, 'videoinput')).toEqual({
      active: other,
      captured: other,
      state: 'live',
    });
    await waitForMedia(bob, [ada], await inbound(bob));
    expect([await negotiations(ada), await negotiations(bob)]).toEqual(offers);
  });

  it('a switch of microphone changes the captured one live without renegotiation', async () => {
    const microphones = await listDeviceIds(ada, 'audioinput');
    const before = await localDevice(ada, 'audioinput');
    const other = microphones.find((id) => id !== before.active && id !== 'default');
    expect(
      other,
      `another microphone than ${before.active} in ${microphones.join()}`,
    ).toBeDefined();
    const offers = [await negotiations(ada), await negotiations(bob)];

    await ada.page.evaluate(
      (id) =>
        (window as unknown as Harness).mmt.room.localParticipant.switchActiveDevice(
          'audioinput',
          id,
        ),
      other!,
    );

    expect(await localDevice(ada, 'audioinput')).toEqual({
      active: other,
      captured: other,
      state: 'live',
    });
    await waitForMedia(bob, [ada], await inbound(bob));
    expect([await negotiations(ada), await negotiations(bob)]).toEqual(offers);
  });

  it('when the active camera is unplugged the room says so and captures another one, still sent', async () => {
    const gone = (await localDevice(ada, 'videoinput')).active!;
    const offers = [await negotiations(ada), await negotiations(bob)];

    await ada.page.evaluate((id) => (window as unknown as Window).__unplug(id), gone);

    await waitForEvent(ada, { event: 'mediaDevicesChanged' });
    let now = await localDevice(ada, 'videoinput');
    await waitUntil(
      'ada to capture another camera',
      async () => {
        now = await localDevice(ada, 'videoinput');
        return now.state === 'live' && now.captured !== gone;
      },
      10_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; camera ${JSON.stringify(now)}, unplugged ${gone}`);
    });
    const left = await listDeviceIds(ada, 'videoinput');
    expect(left).not.toContain(gone);
    expect(left).toContain(now.captured);
    expect(now.active).toBe(now.captured);
    expect((await events(ada)).filter((e) => e.event === 'mediaDevicesError')).toEqual([]);
    await waitForMedia(bob, [ada], await inbound(bob));
    expect([await negotiations(ada), await negotiations(bob)]).toEqual(offers);
  });
});

describe('a relayed call whose TURN server goes away and comes back', () => {
  let coturn: RunningCoturn;
  let turnServer: RunningServer;
  let rita: Joined;
  let ravi: Joined;

  beforeAll(async () => {
    ({ coturn, server: turnServer } = await startRelayedServer());
  });

  afterAll(async () => {
    for (const p of [rita, ravi].filter(Boolean)) await p.context.close();
    await turnServer?.close();
    await coturn?.stop();
  });

  const ufrags = (p: Joined): Promise<string[]> =>
    p.page.evaluate(() =>
      (window as unknown as Window).__pcs
        .filter((pc) => pc.connectionState !== 'closed')
        .map((pc) => /^a=ice-ufrag:(\S+)/m.exec(pc.localDescription?.sdp ?? '')?.[1] ?? ''),
    );
  const connectionLog = (p: Joined): Promise<string[]> =>
    p.page.evaluate(() =>
      (window as unknown as Window).__pcs
        .filter((pc) => pc.connectionState !== 'closed')
        .flatMap((pc) => (pc as unknown as { trace: { log: string[] } }).trace.log)
        .filter((entry) => entry.startsWith('conn:')),
    );

  it('the media path dies with coturn, and an ICE restart brings it back through the new one', async () => {
    const via = { server: turnServer, mint: await guestMinter(turnServer.url) };
    const relayOnly = { ...MEDIA, iceTransportPolicy: 'relay' };
    rita = await joinAsGuest(rig, 'rita', 'relay-restart', relayOnly, via);
    ravi = await joinAsGuest(rig, 'ravi', 'relay-restart', relayOnly, via);
    await Promise.all([waitForMedia(rita, [ravi]), waitForMedia(ravi, [rita])]);
    const firstUfrags = [await ufrags(rita), await ufrags(ravi)];
    const logged = [(await connectionLog(rita)).length, (await connectionLog(ravi)).length];

    const { port, secret } = coturn;
    await coturn.stop();
    for (const [i, p] of [rita, ravi].entries()) {
      await waitUntil(`${p.name}'s media connection to break`, async () =>
        (await connectionLog(p))
          .slice(logged[i])
          .some((entry) => entry === 'conn:disconnected' || entry === 'conn:failed'),
      );
    }
    const floors = [await inbound(rita), await inbound(ravi)];
    coturn = await startCoturn({ port, secret });

    await Promise.all([
      waitForMedia(rita, [ravi], floors[0], 60_000),
      waitForMedia(ravi, [rita], floors[1], 60_000),
    ]).catch(async (error: unknown) => {
      const trace = (p: Joined) =>
        p.page.evaluate(() =>
          (window as unknown as Window).__pcs.map((pc) => [
            pc.connectionState,
            pc.iceConnectionState,
            pc.signalingState,
            JSON.stringify((pc as unknown as { trace: unknown }).trace),
          ]),
        );
      throw new Error(
        `${String(error)}; rita ${JSON.stringify(await trace(rita))}; ravi ${JSON.stringify(await trace(ravi))}`,
      );
    });
    const [ritaUfrags, raviUfrags] = [await ufrags(rita), await ufrags(ravi)];
    expect(ritaUfrags).toHaveLength(1);
    expect(raviUfrags).toHaveLength(1);
    const restarts = await Promise.all(
      [rita, ravi].map((p) =>
        p.page.evaluate(() =>
          (window as unknown as Window).__pcs
            .map((pc) => (pc as unknown as { trace: { restarts: number } }).trace.restarts)
            .reduce((a, b) => a + b, 0),
        ),
      ),
    );
    expect(restarts[0] + restarts[1]).toBeGreaterThan(0);
    expect(ritaUfrags[0]).not.toBe(firstUfrags[0][0]);
    expect(raviUfrags[0]).not.toBe(firstUfrags[1][0]);
    for (const p of [rita, ravi]) {
      const pairs = await p.page.evaluate(() =>
        (window as unknown as Harness).mmt.candidateTypes(),
      );
      // This side sends through coturn. The far end is the peer's relay too: both pages are
      // relay-only; it reads `prflx` when the peer's check arrived before its trickled candidate.
      expect(pairs).toHaveLength(1);
      expect(pairs[0][0]).toBe('relay');
      expect(['relay', 'prflx']).toContain(pairs[0][1]);
      const seen = await events(p);
      expect(
        seen.filter((e) => e.event === 'participantLeft' || e.event === 'disconnected'),
      ).toEqual([]);
      expect(await p.page.evaluate(() => (window as unknown as Harness).mmt.room.state)).toBe(
        'connected',
      );
    }
    expect(await remoteIds(rita)).toEqual([ravi.id]);
    expect(await remoteIds(ravi)).toEqual([rita.id]);
  }, 120_000);
});

describe('users in a room created over REST', () => {
  /** Registers an owner and a member of a new room; the member joined through an invite. */
  async function roomWithMember(name: string): Promise<{
    room: RoomDetails;
    owner: AuthSession;
    member: AuthSession;
  }> {
    const owner = await registerAccount(rig.server.url, `${name} owner`);
    const member = await registerAccount(rig.server.url, `${name} member`);
    const room = await restCall<RoomDetails>(rig.server.url, 'POST', '/rooms', owner.accessToken, {
      name,
    });
    const invite = await restCall<RoomInvite>(
      rig.server.url,
      'POST',
      `/rooms/${room.id}/invites`,
      owner.accessToken,
      {},
    );
    await restCall(rig.server.url, 'POST', `/invites/${invite.code}/accept`, member.accessToken);
    return { room, owner, member };
  }

  /** What is left of a page's call after its room ended. */
  const leftovers = (p: Joined) =>
    p.page.evaluate(() => {
      const { mmt } = window as unknown as Harness;
      return {
        state: mmt.room.state,
        remotes: mmt.room.remoteParticipants.size,
        liveTracks: [...mmt.room.localParticipant.trackPublications.values()].filter(
          (pub) => pub.track?.mediaStreamTrack?.readyState === 'live',
        ).length,
        peerConnections: mmt.openPeerConnections(),
      };
    });
  const ENDED = { state: 'disconnected', remotes: 0, liveTracks: 0, peerConnections: 0 };

  it('the owner deletes the room: every page is disconnected with room_closed and keeps nothing', async () => {
    const { room, owner, member } = await roomWithMember('deleted');
    const olga = await joinCall(rig, 'olga', room.id, owner.accessToken);
    const mick = await joinCall(rig, 'mick', room.id, member.accessToken);
    await Promise.all([waitForMedia(olga, [mick]), waitForMedia(mick, [olga])]);

    await restCall(rig.server.url, 'DELETE', `/rooms/${room.id}`, owner.accessToken);

    for (const p of [olga, mick]) {
      await waitForEvent(p, { event: 'disconnected', arg: 'room_closed' });
      await waitUntil(`${p.name} to close its peer connections`, async () => {
        const left = await leftovers(p);
        return left.peerConnections === 0;
      });
      expect(await leftovers(p)).toEqual(ENDED);
      expect((await events(p)).filter((e) => e.event === 'disconnected')).toHaveLength(1);
    }
    for (const p of [olga, mick]) await p.context.close();
  }, 60_000);

  it('the owner removes a member: that page is disconnected with removed, the owner sees it leave', async () => {
    const { room, owner, member } = await roomWithMember('removal');
    const olga = await joinCall(rig, 'olga', room.id, owner.accessToken);
    const mick = await joinCall(rig, 'mick', room.id, member.accessToken);
    await Promise.all([waitForMedia(olga, [mick]), waitForMedia(mick, [olga])]);

    await restCall(
      rig.server.url,
      'DELETE',
      `/rooms/${room.id}/members/${member.user.id}`,
      owner.accessToken,
    );

    await waitForEvent(mick, { event: 'disconnected', arg: 'removed' });
    await waitForEvent(olga, { event: 'participantLeft', participant: mick.id, arg: 'removed' });
    await waitUntil('mick to close its peer connections', async () => {
      return (await leftovers(mick)).peerConnections === 0;
    });
    expect(await leftovers(mick)).toEqual(ENDED);
    await waitUntil(
      'olga to close her peer connection to mick',
      async () => (await leftovers(olga)).peerConnections === 0,
    );
    expect(await leftovers(olga)).toMatchObject({ state: 'connected', remotes: 0, liveTracks: 2 });
    expect((await events(olga)).filter((e) => e.event === 'disconnected')).toEqual([]);
    for (const p of [olga, mick]) await p.context.close();
  }, 60_000);
});
