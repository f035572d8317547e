import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeParticipants as close,
  events,
  inbound,
  joinAsGuest,
  LIFECYCLE_PROBE_SCRIPT,
  MEDIA,
  openPeerConnections,
  probe,
  remoteIds,
  startCallRig,
  stopCallRig,
  waitForEvent,
  waitForMedia,
  waitUntil,
  type CallRig,
  type Joined,
  type PageHarness,
} from '../test/rooms.js';

// How a room begins and ends in real Chromium: pages that go away, joins and leaves that race,
// and what a leave leaves behind. The grace period is long, so that a participant seen to leave
// within these tests' deadlines left for real and was not timed out by the server.

const GRACE_SECONDS = 30;
const WELL_WITHIN_GRACE_MS = 10_000;

type Harness = { mmt: PageHarness };

let rig: CallRig;

beforeAll(async () => {
  rig = await startCallRig({
    serverEnv: { RECONNECT_GRACE_SECONDS: String(GRACE_SECONDS) },
    initScripts: [LIFECYCLE_PROBE_SCRIPT],
  });
});

afterAll(async () => stopCallRig(rig));

const join = (name: string, roomId: string, options: Record<string, unknown> = MEDIA) =>
  joinAsGuest(rig, name, roomId, options);

/** The events `p` recorded about participant `id`, by name. */
async function eventsAbout(p: Joined, id: string): Promise<string[]> {
  return (await events(p)).filter((e) => e.participant === id).map((e) => e.event);
}

/** Ada and bob (joined with `bobOptions`) in a call of `roomId`, once ada decodes bob. */
async function callOfTwo(roomId: string, bobOptions = MEDIA): Promise<[Joined, Joined]> {
  const ada = await join('ada', roomId);
  const bob = await join('bob', roomId, bobOptions);
  await waitForMedia(ada, [bob]);
  return [ada, bob];
}

/** Waits until `seer` sees `leaver` leave with `left` well within the grace period, never reconnecting. */
async function expectLeftAtOnce(seer: Joined, leaver: Joined): Promise<void> {
  await waitForEvent(
    seer,
    { event: 'participantLeft', participant: leaver.id, arg: 'left' },
    WELL_WITHIN_GRACE_MS,
  );
  expect(await eventsAbout(seer, leaver.id)).not.toContain('participantReconnecting');
  expect(await remoteIds(seer)).toEqual([]);
}

describe('a page that goes away', () => {
  it('closing the tab is seen by the others as a leave at once, never as reconnecting', async () => {
    const [ada, bob] = await callOfTwo('tab-close');

    await bob.page.close({ runBeforeUnload: true });

    await expectLeftAtOnce(ada, bob);
    await close(ada, bob);
  });

  it('navigating away is seen by the others as a leave at once, never as reconnecting', async () => {
    const [ada, bob] = await callOfTwo('navigate-away');

    await bob.page.goto('about:blank');

    await expectLeftAtOnce(ada, bob);
    await close(ada, bob);
  });

  it('with leaveOnPageHide false, a closed tab is left to the grace period: reconnecting first', async () => {
    const [ada, bob] = await callOfTwo('tab-close-kept', { ...MEDIA, leaveOnPageHide: false });

    await bob.page.close({ runBeforeUnload: true });

    await waitForEvent(ada, { event: 'participantReconnecting', participant: bob.id });
    expect(await eventsAbout(ada, bob.id)).not.toContain('participantLeft');
    await close(ada, bob);
  });
});

describe('what a room leaves behind', () => {
  it('client.disconnect() in a room ends it with client_closed, its tracks stopped and connections closed', async () => {
    const [ada, bob] = await callOfTwo('disconnect');

    await bob.page.evaluate(() => (window as unknown as Harness).mmt.client.disconnect());

    await waitForEvent(bob, { event: 'disconnected', arg: 'client_closed' });
    expect(await openPeerConnections(bob)).toBe(0);
    expect(await probe(bob)).toMatchObject({ liveCameras: 0, liveMicrophones: 0 });
    await expectLeftAtOnce(ada, bob);
    await close(ada, bob);
  });

  it('after leave() and disconnect() no interval, timer, listener, audio context or capture is left', async () => {
    const [ada, bob] = await callOfTwo('leftovers');
    // Long enough for the active speaker detector to have measured both sides.
    await waitUntil('ada to open an audio context for her microphone level', async () => {
      return (await probe(ada)).audioContexts > 0;
    });

    // While connected, the client listens to what the browser says about the network (and
    // Socket.IO to `offline`, once for the page: it closes its connections then).
    expect(await probe(ada)).toMatchObject({ online: 1, offline: 2, connectionChange: 1 });

    await ada.page.evaluate(async () => {
      const { mmt } = window as unknown as Harness;
      await mmt.room.leave();
      await mmt.client.disconnect();
    });

    await waitUntil('every timer of ada to be done', async () => (await probe(ada)).timeouts === 0);
    expect(await probe(ada)).toEqual({
      intervals: 0,
      timeouts: 0,
      // Socket.IO's polling transport adds one when its module loads, for the life of the page.
      pagehide: 1,
      devicechange: 0,
      online: 0,
      offline: 1,
      visibilitychange: 0,
      connectionChange: 0,
      audioContexts: 0,
      liveCameras: 0,
      liveMicrophones: 0,
    });
    expect(await openPeerConnections(ada)).toBe(0);
    await close(ada, bob);
  });
});

describe('joins and leaves that race', () => {
  it('two joinRoom() at once for the same room give one room; nothing of the other stays captured', async () => {
    const ada = await join('ada', 'twice');
    const bob = await join('bob', 'twice', {});
    await waitForEvent(ada, { event: 'participantJoined', participant: bob.id });

    const outcome = await bob.page.evaluate(async () => {
      const { mmt } = window as unknown as Harness;
      await mmt.room.leave();
      const results = await Promise.allSettled([
        mmt.client.joinRoom('twice', { audio: true, video: true }),
        mmt.client.joinRoom('twice', { audio: true, video: true }),
      ]);
      return results.map((r) =>
        r.status === 'fulfilled' ? 'joined' : (r.reason as { name: string }).name,
      );
    });

    expect(outcome.filter((o) => o === 'joined')).toHaveLength(1);
    expect(await probe(bob)).toMatchObject({ liveCameras: 1, liveMicrophones: 1 });
    await waitUntil('ada to see bob back', async () => (await remoteIds(ada)).length === 1);
    // Bob's first visit and one of the two racing joins; never a second seat.
    expect((await events(ada)).filter((e) => e.event === 'participantJoined')).toHaveLength(2);
    expect(await remoteIds(ada)).toHaveLength(1);
    await close(ada, bob);
  });

  it('client.disconnect() while joinRoom() awaits its answer rejects it and leaves no ghost', async () => {
    const ada = await join('ada', 'abandoned');
    const bob = await join('bob', 'abandoned', {});
    await waitForEvent(ada, { event: 'participantJoined', participant: bob.id });

    const outcome = await bob.page.evaluate(async () => {
      const { mmt } = window as unknown as Harness;
      await mmt.room.leave();
      const signal = (
        mmt.client as unknown as {
          signal: { request: (...a: unknown[]) => Promise<unknown> };
        }
      ).signal;
      const request = signal.request;
      signal.request = (...a: unknown[]) => {
        const answer = request(...a);
        if (a[0] === 'join_room') void mmt.client.disconnect();
        return answer;
      };
      try {
        await mmt.client.joinRoom('abandoned', { audio: true, video: true });
        return 'joined';
      } catch (e) {
        return (e as { code: string }).code;
      }
    });

    expect(outcome).toBe('disconnected');
    expect(await probe(bob)).toMatchObject({ liveCameras: 0, liveMicrophones: 0 });
    // Whether or not the server admitted the join before the goodbye, ada ends without bob.
    await waitUntil(
      'ada to know nobody else',
      async () => (await remoteIds(ada)).length === 0,
      WELL_WITHIN_GRACE_MS,
    );
    const seen = await events(ada);
    expect(seen.filter((e) => e.event === 'participantReconnecting')).toEqual([]);
    await close(ada, bob);
  });

  it('leave() while the room resumes after a drop is seen by the others as a leave, not a ghost', async () => {
    const [ada, bob] = await callOfTwo('leave-resume');

    await bob.page.evaluate(() => {
      const { mmt } = window as unknown as Harness;
      const signal = (
        mmt.client as unknown as {
          signal: { request: (event: string, payload: { resume?: unknown }) => Promise<unknown> };
        }
      ).signal;
      const request = signal.request.bind(signal);
      signal.request = (event, payload) => {
        const answer = request(event, payload);
        // The app leaves just after the room has asked for its place back.
        if (event === 'join_room' && payload.resume) void mmt.room.leave();
        return answer;
      };
      mmt.dropConnection();
    });

    await waitForEvent(bob, { event: 'disconnected', arg: 'left' });
    await waitForEvent(
      ada,
      { event: 'participantLeft', participant: bob.id, arg: 'left' },
      WELL_WITHIN_GRACE_MS,
    );
    expect(await remoteIds(ada)).toEqual([]);
    await close(ada, bob);
  });

  it('a participant that leaves and rejoins at once gets a fresh peer connection and media', async () => {
    const [ada, bob] = await callOfTwo('rejoin');

    const newId = await bob.page.evaluate(async () => {
      const { mmt } = window as unknown as Harness;
      void mmt.room.leave();
      const room = await mmt.client.joinRoom('rejoin', { audio: true, video: true });
      mmt.room = room;
      return room.localParticipant.id;
    });

    await waitForEvent(ada, { event: 'participantLeft', participant: bob.id, arg: 'left' });
    await waitUntil('ada to know bob again', async () => (await remoteIds(ada)).includes(newId));
    await waitForMedia(ada, [{ ...bob, id: newId }]);
    expect(await openPeerConnections(ada)).toBe(1);
    expect(await probe(bob)).toMatchObject({ liveCameras: 1, liveMicrophones: 1 });
    await close(ada, bob);
  });
});

describe('a camera switched on and off quickly', () => {
  it('ends in the last state asked for, with at most one live camera', async () => {
    const ada = await join('ada', 'flicker');
    const bob = await join('bob', 'flicker');
    await waitForMedia(bob, [ada]);

    const toggle = (last: boolean) =>
      ada.page.evaluate(async (finalState) => {
        const { localParticipant } = (window as unknown as Harness).mmt.room;
        const calls: Promise<void>[] = [];
        for (let i = 9; i >= 0; i -= 1) {
          calls.push(localParticipant.setCameraEnabled(i % 2 === 0 ? finalState : !finalState));
        }
        await Promise.all(calls);
        return localParticipant.isCameraEnabled;
      }, last);

    expect(await toggle(false)).toBe(false);
    expect((await probe(ada)).liveCameras).toBe(0);
    await waitUntil('bob to see the camera of ada muted', () =>
      bob.page.evaluate(
        (id) =>
          !(window as unknown as Harness).mmt.room.remoteParticipants.get(id)!.isCameraEnabled,
        ada.id,
      ),
    );

    expect(await toggle(true)).toBe(true);
    expect((await probe(ada)).liveCameras).toBe(1);
    await waitForMedia(bob, [ada], await inbound(bob));
    await close(ada, bob);
  });
});
