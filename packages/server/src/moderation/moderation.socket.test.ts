/**
 * Hosts in control over the socket, on both adapters of the moderation state (in this process,
 * and Redis): who may do what (the permission matrix), what each action does to the target and
 * the room, and the races (a removal in the target's grace period, two hosts deciding on one
 * lobby wait, a lock racing a join).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type {
  AckResult,
  ClientToServerEvents,
  JoinRoomResult,
  LobbySnapshot,
  ModerationStateResult,
  ServerEventName,
} from '@minimeet/protocol';
import { createJoinToken } from '@minimeet/host';
import type { RunningServer } from '../main.js';
import { deleteRedisKeys, TEST_REDIS_URL, uniqueRedisPrefix } from '../test/cluster.js';
import { EventBus } from '../common/event-bus.js';
import {
  api,
  basicAuth,
  createApiKey,
  registerUser,
  startTestServer,
  waitUntil,
} from '../test/harness.js';
import {
  closeSockets,
  connectSocket,
  waitForEvent,
  type ClientSocket,
  type EventPayload,
} from '../test/sockets.js';

type Result = AckResult<Record<string, unknown>>;

/** A connected socket that records what it receives. */
interface Client {
  socket: ClientSocket;
  events: Array<{ event: ServerEventName; payload: unknown }>;
}

async function connect(server: RunningServer, token: string): Promise<Client> {
  const socket = await connectSocket(server, token);
  const client: Client = { socket, events: [] };
  socket.onAny((event: ServerEventName, payload: unknown) =>
    client.events.push({ event, payload }),
  );
  return client;
}

function request(
  client: Client,
  event: keyof ClientToServerEvents,
  payload: unknown,
): Promise<Result> {
  return (client.socket.timeout(5000).emitWithAck as (e: string, p: unknown) => Promise<Result>)(
    event,
    payload,
  );
}

async function join(client: Client, roomId: string, extra: object = {}): Promise<JoinRoomResult> {
  const result = (await request(client, 'join_room', {
    roomId,
    ...extra,
  })) as AckResult<JoinRoomResult>;
  if (!result.ok) throw new Error(`join failed: ${result.error.code} ${result.error.message}`);
  return result;
}

const codeOf = (r: Result): string => (r.ok ? 'ok' : r.error.code);

const waitFor = <E extends ServerEventName>(
  c: Client,
  event: E,
  match: (p: EventPayload<E>) => boolean = () => true,
) => waitForEvent(c.socket, event, match);

const mic = { source: 'microphone', kind: 'audio', streamId: 'mic-1', muted: false } as const;
const camera = { source: 'camera', kind: 'video', streamId: 'cam-1', muted: false } as const;

const BACKENDS: Array<{ name: string; env: () => Record<string, string> }> = [
  { name: 'in-process state', env: () => ({}) },
  {
    name: 'Redis state',
    env: () => {
      const prefix = uniqueRedisPrefix('moderation.socket');
      prefixes.push(prefix);
      return { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix };
    },
  },
];
const prefixes: string[] = [];

afterAll(async () => {
  for (const prefix of prefixes) await deleteRedisKeys(prefix);
});

afterEach(() => closeSockets());

describe.each(BACKENDS)('moderation on $name', (backend) => {
  let server: RunningServer;
  let key: { id: string; secret: string };
  let n = 0;

  beforeAll(async () => {
    server = await startTestServer({ ...backend.env(), RECONNECT_GRACE_SECONDS: '5' });
    const owner = await registerUser(server, { displayName: 'Host app owner' });
    key = await createApiKey(server, owner.accessToken);
  });

  afterAll(async () => {
    await server?.close();
  });

  const room = () => `mod-${backend.name.length}-${Date.now()}-${++n}`;

  /** A guest of a room, connected, with grants (role member by default). */
  const guest = async (roomId: string, grants: Record<string, unknown> = {}, name?: string) => {
    const identity = `g-${++n}`;
    const token = await createJoinToken(key, {
      identity,
      name: name ?? `Guest ${identity}`,
      grants: { room: roomId, ...grants },
    });
    return connect(server, token);
  };

  /** Joins a guest with a role, publishing microphone and camera unless it may not. */
  const inCall = async (roomId: string, grants: Record<string, unknown> = {}) => {
    const client = await guest(roomId, grants);
    const tracks = grants.canPublish === false ? [] : [mic, camera];
    const joined = await join(client, roomId, { tracks });
    return { client, id: joined.participant.id, joined };
  };

  describe('the permission matrix', () => {
    /** Every host action, with a target that stays (destructive ones last). */
    const actions = (
      roomId: string,
      target: string,
    ): Array<[keyof ClientToServerEvents, object]> => [
      ['moderation_mute', { roomId, participantId: target, sources: ['microphone'] }],
      ['moderation_mute_all', { roomId, sources: ['camera'] }],
      ['moderation_ask_unmute', { roomId, participantId: target, sources: ['microphone'] }],
      ['moderation_grants', { roomId, participantId: target, grants: { canChat: true } }],
      ['moderation_room', { roomId, locked: false }],
      ['lobby_list', { roomId }],
      ['hand_lower', { roomId, participantId: target }],
      ['moderation_remove', { roomId, participantId: target }],
      ['moderation_end_call', { roomId }],
    ];

    const cases: Array<{ who: string; grants: Record<string, unknown>; allowed: boolean }> = [
      { who: 'owner', grants: { role: 'owner' }, allowed: true },
      { who: 'moderator', grants: { role: 'moderator' }, allowed: true },
      {
        who: 'moderator without publish or chat',
        grants: { role: 'moderator', canPublish: false, canChat: false },
        allowed: true,
      },
      { who: 'member', grants: { role: 'member' }, allowed: false },
      {
        who: 'member without grants',
        grants: { role: 'member', canPublish: false, canChat: false },
        allowed: false,
      },
    ];

    it.each(cases)('a $who guest: every host action is $allowed', async ({ grants, allowed }) => {
      const roomId = room();
      const actor = await inCall(roomId, grants);
      const target = await inCall(roomId);
      const codes: string[] = [];
      for (const [event, payload] of actions(roomId, target.id)) {
        codes.push(`${event}:${codeOf(await request(actor.client, event, payload))}`);
      }
      expect(codes).toEqual(
        actions(roomId, target.id).map(([e]) => `${e}:${allowed ? 'ok' : 'forbidden'}`),
      );
      if (!allowed) {
        // Nothing happened: the target is still there, unmuted.
        const state = await request(target.client, 'moderation_state', { roomId });
        expect(state.ok).toBe(true);
        expect(target.client.events.some((e) => e.event === 'moderation_muted')).toBe(false);
      }
    });

    it('users: the owner and a moderator may, a member may not, and none may act on the owner', async () => {
      const owner = await registerUser(server, { displayName: 'Owner' });
      const mod = await registerUser(server, { displayName: 'Mod' });
      const member = await registerUser(server, { displayName: 'Member' });
      const created = await api<{ id: string }>(server, 'POST', '/api/rooms', {
        token: owner.accessToken,
        json: { name: 'Users', visibility: 'public' },
      });
      const roomId = created.body.id;
      for (const u of [mod, member])
        await api(server, 'POST', `/api/rooms/${roomId}/join`, { token: u.accessToken, json: {} });
      await api(server, 'PATCH', `/api/rooms/${roomId}/members/${mod.user.id}`, {
        token: owner.accessToken,
        json: { role: 'moderator' },
      });
      const o = await connect(server, owner.accessToken);
      const m = await connect(server, mod.accessToken);
      const x = await connect(server, member.accessToken);
      const oid = (await join(o, roomId)).participant.id;
      const mid = (await join(m, roomId)).participant.id;
      const xid = (await join(x, roomId, { tracks: [mic] })).participant.id;
      const mute = (who: Client, target: string) =>
        request(who, 'moderation_mute', { roomId, participantId: target, sources: ['microphone'] });
      expect(codeOf(await mute(x, mid))).toBe('forbidden');
      expect(codeOf(await mute(m, oid))).toBe('forbidden');
      expect(codeOf(await mute(m, xid))).toBe('ok');
      expect(codeOf(await mute(o, mid))).toBe('ok');
      expect(codeOf(await request(m, 'moderation_remove', { roomId, participantId: oid }))).toBe(
        'forbidden',
      );
      expect(codeOf(await request(o, 'moderation_remove', { roomId, participantId: oid }))).toBe(
        'conflict',
      );
    });

    it('someone not in the call hears not_in_room, and a payload out of shape validation_failed', async () => {
      const roomId = room();
      const host = await guest(roomId, { role: 'owner' });
      const r = await request(host, 'moderation_room', { roomId, locked: true });
      expect(codeOf(r)).toBe('not_in_room');
      await join(host, roomId);
      expect(codeOf(await request(host, 'moderation_room', { roomId }))).toBe('validation_failed');
      expect(
        codeOf(
          await request(host, 'moderation_mute', {
            roomId,
            participantId: 'pa_nobodyhere1',
            sources: [],
          }),
        ),
      ).toBe('validation_failed');
    });
  });

  it('a mute: the target is told and its tracks are marked muted for all; it may unmute again', async () => {
    const roomId = room();
    const host = await inCall(roomId, { role: 'moderator' });
    const target = await inCall(roomId);
    const muted = waitFor(target.client, 'moderation_muted');
    const seenByHost = waitFor(
      host.client,
      'participant_updated',
      (p) => p.participant.id === target.id && p.participant.tracks.some((t) => t.muted),
    );
    const r = await request(host.client, 'moderation_mute', {
      roomId,
      participantId: target.id,
      sources: ['microphone'],
    });
    expect(r).toEqual({ ok: true, muted: 1 });
    expect(await muted).toMatchObject({
      roomId,
      sources: ['microphone'],
      by: { participantId: host.id },
    });
    const updated = await seenByHost;
    expect(updated.participant.tracks.find((t) => t.source === 'microphone')?.muted).toBe(true);
    expect(updated.participant.tracks.find((t) => t.source === 'camera')?.muted).toBe(false);
    // The user may turn the microphone back on: a mute is a request, not a revocation.
    const back = await request(target.client, 'update_media_state', {
      roomId,
      tracks: [mic, camera],
    });
    expect(back.ok).toBe(true);
  });

  it('mute all mutes everyone but the hosts', async () => {
    const roomId = room();
    const host = await inCall(roomId, { role: 'owner' });
    const other = await inCall(roomId, { role: 'moderator' });
    const a = await inCall(roomId);
    const b = await inCall(roomId);
    const told = Promise.all([a, b].map((p) => waitFor(p.client, 'moderation_muted')));
    const r = await request(host.client, 'moderation_mute_all', {
      roomId,
      sources: ['microphone', 'camera'],
    });
    expect(r).toEqual({ ok: true, muted: 2 });
    await told;
    expect(other.client.events.some((e) => e.event === 'moderation_muted')).toBe(false);
  });

  it('ask to unmute reaches only the target and changes nothing', async () => {
    const roomId = room();
    const host = await inCall(roomId, { role: 'owner' });
    const target = await inCall(roomId);
    const asked = waitFor(target.client, 'moderation_unmute_requested');
    await request(host.client, 'moderation_ask_unmute', {
      roomId,
      participantId: target.id,
      sources: ['microphone'],
    });
    expect(await asked).toMatchObject({ roomId, sources: ['microphone'] });
  });

  it('grants taken away are enforced at once: the track goes, publishing and chat are refused; given back, they work', async () => {
    const roomId = room();
    const host = await inCall(roomId, { role: 'owner' });
    const target = await inCall(roomId);
    const told = waitFor(target.client, 'moderation_grants_changed');
    const seen = waitFor(host.client, 'participant_updated', (p) => p.participant.id === target.id);
    expect(
      codeOf(
        await request(host.client, 'moderation_grants', {
          roomId,
          participantId: target.id,
          grants: { canPublishAudio: false, canChat: false },
        }),
      ),
    ).toBe('ok');
    expect((await told).permissions).toMatchObject({ canPublishAudio: false, canChat: false });
    expect((await seen).participant.tracks.map((t) => t.source)).toEqual(['camera']);
    expect(
      codeOf(await request(target.client, 'update_media_state', { roomId, tracks: [mic] })),
    ).toBe('forbidden');
    expect(
      codeOf(await request(target.client, 'update_media_state', { roomId, tracks: [camera] })),
    ).toBe('ok');
    expect(
      codeOf(
        await request(target.client, 'chat_message', {
          roomId,
          text: 'hi',
          clientId: 'client-0000000001',
        }),
      ),
    ).toBe('forbidden');
    await request(host.client, 'moderation_grants', {
      roomId,
      participantId: target.id,
      grants: { canPublishAudio: true, canChat: true },
    });
    expect(
      codeOf(await request(target.client, 'update_media_state', { roomId, tracks: [mic] })),
    ).toBe('ok');
    expect(
      codeOf(
        await request(target.client, 'chat_message', {
          roomId,
          text: 'hi',
          clientId: 'client-0000000002',
        }),
      ),
    ).toBe('ok');
  });

  it('a host cannot give chat to a guest whose token forbids it, and what everyone sees stays true', async () => {
    const roomId = room();
    const host = await inCall(roomId, { role: 'owner' });
    const muted = await inCall(roomId, { canChat: false });
    const refused = await request(host.client, 'moderation_grants', {
      roomId,
      participantId: muted.id,
      grants: { canChat: true },
    });
    expect(codeOf(refused)).toBe('forbidden');
    expect(JSON.stringify(refused)).toMatch(/only give back chat it took away/);
    // Another change leaves chat as the token says, in what the host app lists too.
    expect(
      codeOf(
        await request(host.client, 'moderation_grants', {
          roomId,
          participantId: muted.id,
          grants: { canPublishVideo: false },
        }),
      ),
    ).toBe('ok');
    const listed = await api<{
      participants: Array<{ id: string; permissions: { canChat: boolean } }>;
    }>(server, 'GET', `/api/calls/${roomId}/participants`, {
      headers: basicAuth(key.id, key.secret),
    });
    expect(listed.body.participants.find((p) => p.id === muted.id)?.permissions.canChat).toBe(
      false,
    );
    expect(
      codeOf(
        await request(muted.client, 'chat_message', {
          roomId,
          text: 'hi',
          clientId: 'client-0000000003',
        }),
      ),
    ).toBe('forbidden');
  });

  it('a host may let someone without publish rights publish the microphone only', async () => {
    const roomId = room();
    const host = await inCall(roomId, { role: 'owner' });
    const viewer = await inCall(roomId, { canPublish: false });
    expect(
      codeOf(await request(viewer.client, 'update_media_state', { roomId, tracks: [mic] })),
    ).toBe('forbidden');
    await request(host.client, 'moderation_grants', {
      roomId,
      participantId: viewer.id,
      grants: { canPublishAudio: true },
    });
    expect(
      codeOf(await request(viewer.client, 'update_media_state', { roomId, tracks: [mic] })),
    ).toBe('ok');
    expect(
      codeOf(await request(viewer.client, 'update_media_state', { roomId, tracks: [mic, camera] })),
    ).toBe('forbidden');
  });

  it('a removal with a bar: the target is told why, the others see it leave, and it cannot come back', async () => {
    const roomId = room();
    const host = await inCall(roomId, { role: 'owner' });
    const targetToken = await createJoinToken(key, {
      identity: `barred-${n}`,
      name: 'Barred',
      grants: { room: roomId },
    });
    const target = await connect(server, targetToken);
    const { participant } = await join(target, roomId);
    const removed = waitFor(target, 'moderation_removed');
    const closed = waitFor(target, 'room_closed');
    const left = waitFor(
      host.client,
      'participant_left',
      (p) => p.participantId === participant.id,
    );
    expect(
      codeOf(
        await request(host.client, 'moderation_remove', {
          roomId,
          participantId: participant.id,
          banSeconds: 600,
          reason: 'Please behave.',
        }),
      ),
    ).toBe('ok');
    const r = await removed;
    expect(r.reason).toBe('Please behave.');
    expect(Date.parse(r.bannedUntil!)).toBeGreaterThan(Date.now() + 590_000);
    expect(await closed).toMatchObject({ reason: 'removed', message: 'Please behave.' });
    expect((await left).reason).toBe('removed');
    const again = await connect(server, targetToken);
    const refused = await request(again, 'join_room', { roomId });
    expect(codeOf(refused)).toBe('forbidden');
    expect(!refused.ok && refused.error.message).toMatch(/removed you.*join again after/);
  });

  it('a removal during the target’s grace period: it cannot resume', async () => {
    const roomId = room();
    const host = await inCall(roomId, { role: 'owner' });
    const token = await createJoinToken(key, {
      identity: `grace-${n}`,
      name: 'G',
      grants: { room: roomId },
    });
    const target = await connect(server, token);
    const joined = await join(target, roomId);
    const reconnecting = waitFor(
      host.client,
      'participant_updated',
      (p) =>
        p.participant.id === joined.participant.id && p.participant.connection === 'reconnecting',
    );
    // A dropped transport (not a goodbye): the server keeps the participant in its grace period.
    target.socket.io.engine.close();
    await reconnecting;
    const left = waitFor(
      host.client,
      'participant_left',
      (p) => p.participantId === joined.participant.id,
    );
    expect(
      codeOf(
        await request(host.client, 'moderation_remove', {
          roomId,
          participantId: joined.participant.id,
        }),
      ),
    ).toBe('ok');
    expect((await left).reason).toBe('removed');
    const back = await connect(server, token);
    const resumed = await request(back, 'join_room', {
      roomId,
      resume: { participantId: joined.participant.id, resumeKey: joined.resumeKey },
    });
    expect(codeOf(resumed)).toBe('not_found');
  });

  it('a locked room refuses newcomers (room_locked) but lets hosts in; unlocked, it admits again', async () => {
    const roomId = room();
    const host = await inCall(roomId, { role: 'owner' });
    const updated = waitFor(host.client, 'room_moderation_updated');
    const locked = (await request(host.client, 'moderation_room', {
      roomId,
      locked: true,
    })) as AckResult<ModerationStateResult>;
    expect(locked.ok && locked.moderation).toEqual({ locked: true, lobby: false });
    expect((await updated).moderation.locked).toBe(true);
    const newcomer = await guest(roomId);
    const refused = await request(newcomer, 'join_room', { roomId });
    expect(codeOf(refused)).toBe('room_locked');
    expect(!refused.ok && refused.error.message).toMatch(/locked/);
    const mod = await guest(roomId, { role: 'moderator' });
    await join(mod, roomId);
    await request(host.client, 'moderation_room', { roomId, locked: false });
    await join(newcomer, roomId);
  });

  it('a lock racing joins: each join is either refused or in the call, never half', async () => {
    const roomId = room();
    const host = await inCall(roomId, { role: 'owner' });
    const others = await Promise.all([1, 2, 3].map(() => guest(roomId)));
    const [lock, ...joins] = await Promise.all([
      request(host.client, 'moderation_room', { roomId, locked: true }),
      ...others.map((c) => request(c, 'join_room', { roomId })),
    ]);
    expect(lock.ok).toBe(true);
    const joinedIds = joins
      .filter((j): j is Extract<typeof j, { ok: true }> => j.ok)
      .map((j) => (j as unknown as JoinRoomResult).participant.id);
    for (const j of joins) expect(['ok', 'room_locked']).toContain(codeOf(j));
    const live = await api<{ participants: Array<{ id: string }> }>(
      server,
      'GET',
      `/api/calls/${roomId}/participants`,
      { headers: basicAuth(key.id, key.secret) },
    );
    expect(live.body.participants.map((p) => p.id).sort()).toEqual([host.id, ...joinedIds].sort());
    // After the lock has answered, nobody new gets in.
    expect(codeOf(await request(await guest(roomId), 'join_room', { roomId }))).toBe('room_locked');
  });

  it('the lobby: a guest whose token says so waits, hosts see it, one of two racing decisions wins', async () => {
    const roomId = room();
    const a = await inCall(roomId, { role: 'owner' });
    const b = await inCall(roomId, { role: 'moderator' });
    const waiter = await guest(roomId, { lobby: true }, 'Patient');
    expect(codeOf(await request(waiter, 'join_room', { roomId }))).toBe('lobby_required');
    const hostsSee = waitFor(a.client, 'lobby_updated', (p) => p.entries.length === 1);
    const knock = (await request(waiter, 'lobby_knock', { roomId })) as AckResult<{
      entry: { id: string; displayName: string };
    }>;
    expect(knock.ok).toBe(true);
    const entryId = knock.ok ? knock.entry.id : '';
    expect((await hostsSee).entries[0]).toMatchObject({ id: entryId, displayName: 'Patient' });
    const outcome = Promise.race([
      waitFor(waiter, 'lobby_admitted').then(() => 'admitted'),
      waitFor(waiter, 'lobby_denied').then((d) => d.message),
    ]);
    const [admit, deny] = await Promise.all([
      request(a.client, 'lobby_admit', { roomId, entryId }),
      request(b.client, 'lobby_deny', { roomId, entryId }),
    ]);
    expect([codeOf(admit), codeOf(deny)].sort()).toEqual(['not_found', 'ok']);
    if (admit.ok) {
      expect(await outcome).toBe('admitted');
      await join(waiter, roomId);
      expect(waiter.events.some((e) => e.event === 'lobby_denied')).toBe(false);
    } else {
      expect(await outcome).toMatch(/did not let you in/);
      expect(codeOf(await request(waiter, 'join_room', { roomId }))).toBe('lobby_required');
    }
    const empty = (await request(a.client, 'lobby_list', { roomId })) as AckResult<LobbySnapshot>;
    expect(empty.ok && empty.entries).toEqual([]);
  });

  it('the lobby survives the host reconnecting, and a waiter who leaves is gone from it', async () => {
    const roomId = room();
    const hostToken = await createJoinToken(key, {
      identity: `h-${n}`,
      name: 'Host',
      grants: { room: roomId, role: 'owner' },
    });
    const host = await connect(server, hostToken);
    const joined = await join(host, roomId);
    await request(host, 'moderation_room', { roomId, lobby: true });
    // A user who is not a member waits when the room's lobby is on... a guest member too.
    const waiter = await guest(roomId);
    expect(codeOf(await request(waiter, 'join_room', { roomId }))).toBe('lobby_required');
    await request(waiter, 'lobby_knock', { roomId });
    host.socket.io.engine.close();
    const back = await connect(server, hostToken);
    await join(back, roomId, {
      resume: { participantId: joined.participant.id, resumeKey: joined.resumeKey },
    });
    const list = (await request(back, 'lobby_list', { roomId })) as AckResult<LobbySnapshot>;
    expect(list.ok && list.entries.length).toBe(1);
    const gone = waitFor(back, 'lobby_updated', (p) => p.entries.length === 0);
    waiter.socket.disconnect();
    await gone;
  });

  it('a guest whose token says lobby: false never waits, and a host never does', async () => {
    const roomId = room();
    const host = await inCall(roomId, { role: 'owner' });
    await request(host.client, 'moderation_room', { roomId, lobby: true });
    await join(await guest(roomId, { lobby: false }), roomId);
    await join(await guest(roomId, { role: 'moderator' }), roomId);
    expect(
      codeOf(await request(await guest(roomId, { role: 'moderator' }), 'lobby_knock', { roomId })),
    ).toBe('conflict');
  });

  it('end call for everyone: each hears why and the call is empty', async () => {
    const roomId = room();
    const host = await inCall(roomId, { role: 'owner' });
    const a = await inCall(roomId);
    const ended = waitFor(a.client, 'moderation_call_ended');
    const closed = waitFor(a.client, 'room_closed');
    expect(codeOf(await request(host.client, 'moderation_end_call', { roomId }))).toBe('ok');
    expect((await ended).by.participantId).toBe(host.id);
    expect((await closed).message).toMatch(/ended the call/);
    const live = await api<{ participants: unknown[] }>(
      server,
      'GET',
      `/api/calls/${roomId}/participants`,
      {
        headers: basicAuth(key.id, key.secret),
      },
    );
    expect(live.body.participants).toEqual([]);
  });

  it('raised hands are kept in order; a host lowers one, leaving lowers one too', async () => {
    const roomId = room();
    const host = await inCall(roomId, { role: 'owner' });
    const a = await inCall(roomId);
    const b = await inCall(roomId);
    await request(b.client, 'hand_raise', { roomId, raised: true });
    await request(a.client, 'hand_raise', { roomId, raised: true });
    await request(b.client, 'hand_raise', { roomId, raised: true });
    const state = (await request(host.client, 'moderation_state', {
      roomId,
    })) as AckResult<ModerationStateResult>;
    expect(state.ok && state.hands.map((h) => h.participantId)).toEqual([b.id, a.id]);
    const lowered = waitFor(a.client, 'hands_updated', (p) => p.hands.length === 1);
    await request(host.client, 'hand_lower', { roomId, participantId: b.id });
    expect((await lowered).hands.map((h) => h.participantId)).toEqual([a.id]);
    const empty = waitFor(host.client, 'hands_updated', (p) => p.hands.length === 0);
    await request(a.client, 'leave_room', { roomId });
    await empty;
  });

  it('is recorded for analytics: each host action is a moderation.action on the stream', async () => {
    const roomId = room();
    const host = await inCall(roomId, { role: 'owner' });
    const target = await inCall(roomId);
    const seen: string[] = [];
    const off = server.app.get(EventBus).on('moderation.action', (e) => {
      if (e.roomId === roomId) seen.push(e.action);
    });
    try {
      await request(host.client, 'moderation_mute', {
        roomId,
        participantId: target.id,
        sources: ['camera'],
      });
      await request(host.client, 'moderation_room', { roomId, locked: true });
      await request(host.client, 'moderation_remove', { roomId, participantId: target.id });
      await waitUntil('three actions', () => seen.length === 3);
      expect(seen).toEqual(['mute', 'lock', 'remove']);
    } finally {
      off();
    }
  });
});
