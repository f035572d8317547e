import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  PROTOCOL_VERSION,
  type AckResult,
  type ClientToServerEvents,
  type JoinRoomResult,
  type ServerToClientEvents,
  type SessionInfo,
} from '@minimeet/protocol';
import { createJoinToken } from '@minimeet/host';
import type { RunningServer } from '../main.js';
import { EventBus } from '../common/event-bus.js';
import { RoomAccessService } from '../rooms/room-access.service.js';
import { deleteRedisKeys, TEST_REDIS_URL, uniqueRedisPrefix } from '../test/cluster.js';
import { api, createApiKey, registerUser, startTestServer, waitUntil } from '../test/harness.js';
import { waitForEvent } from '../test/sockets.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type ServerEventName = keyof ServerToClientEvents;
type Payload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];

/** A connected client that records every server event it receives, in order. */
interface Client {
  socket: ClientSocket;
  token: string;
  events: Array<{ event: ServerEventName; payload: unknown }>;
}

const open: ClientSocket[] = [];

afterEach(() => {
  while (open.length) open.pop()!.disconnect();
});

async function connect(server: RunningServer, token: string): Promise<Client> {
  const socket: ClientSocket = io(server.url, {
    auth: { token, protocolVersion: PROTOCOL_VERSION },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  open.push(socket);
  const client: Client = { socket, token, events: [] };
  socket.onAny((event: ServerEventName, payload: unknown) =>
    client.events.push({ event, payload }),
  );
  await new Promise<SessionInfo>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no session within 5 s')), 5000);
    socket.once('session', (info) => {
      clearTimeout(timer);
      resolve(info);
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  return client;
}

function request<E extends keyof ClientToServerEvents>(
  client: Client,
  event: E,
  payload: unknown,
): Promise<AckResult<Record<string, unknown>>> {
  return (client.socket.timeout(5000).emitWithAck as (e: string, p: unknown) => Promise<never>)(
    event,
    payload,
  );
}

async function join(client: Client, payload: Record<string, unknown>): Promise<JoinRoomResult> {
  const result = (await request(client, 'join_room', payload)) as AckResult<JoinRoomResult>;
  if (!result.ok) throw new Error(`join failed: ${result.error.code} ${result.error.message}`);
  return result;
}

/** Resolves with the first `event` the client receives (from now on) that matches. */
function waitFor<E extends ServerEventName>(
  client: Client,
  event: E,
  match: (payload: Payload<E>) => boolean = () => true,
  timeoutMs = 5000,
): Promise<Payload<E>> {
  return waitForEvent(client.socket, event, match, timeoutMs);
}

function seen(client: Client, event: ServerEventName): unknown[] {
  return client.events.filter((e) => e.event === event).map((e) => e.payload);
}

const camera = { source: 'camera', kind: 'video', streamId: 'cam-1', muted: false } as const;
const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' } as const;
const answer = { type: 'answer', sdp: 'v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n' } as const;
const candidate = {
  candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host',
  sdpMid: '0',
};

/** A server, an API key, and a way to mint guest tokens for any room. */
async function guestFactory(server: RunningServer) {
  const owner = await registerUser(server, { displayName: 'Host app owner' });
  const key = await createApiKey(server, owner.accessToken);
  let n = 0;
  return {
    owner,
    key,
    token: (
      room: string,
      grants: Record<string, unknown> = {},
      identity = `guest-${++n}`,
    ): Promise<string> =>
      createJoinToken(key, { identity, name: `Guest ${identity}`, grants: { room, ...grants } }),
    guest: async (room: string, grants: Record<string, unknown> = {}) =>
      connect(
        server,
        await createJoinToken(key, {
          identity: `guest-${++n}`,
          name: `Guest ${n}`,
          grants: { room, ...grants },
        }),
      ),
  };
}
/**
 * Every case runs on both adapters of the call-state ports: in this process, and in Redis (one
 * node here; several nodes are in calls.cluster.test.ts). Each Redis server gets its own prefix.
 */
const BACKENDS: Array<{ name: string; env: () => Record<string, string> }> = [
  { name: 'in-process state', env: () => ({}) },
  {
    name: 'Redis state',
    env: () => {
      const prefix = uniqueRedisPrefix('calls.socket');
      redisPrefixes.push(prefix);
      return { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix };
    },
  },
];
const redisPrefixes: string[] = [];

afterAll(async () => {
  for (const prefix of redisPrefixes) await deleteRedisKeys(prefix);
});

describe.each(BACKENDS)('on $name', (backend) => {
  const startServer = (overrides: Record<string, string> = {}) =>
    // These are mesh calls (guest rooms are `auto`): without the SFU they stay mesh and capped at
    // 4; the SFU and the switch beyond 4 are in media/sfu.socket.test.ts.
    startTestServer({ SFU_ENABLED: 'false', ...backend.env(), ...overrides });

  describe('joining a call', () => {
    let server: RunningServer;
    let guests: Awaited<ReturnType<typeof guestFactory>>;

    beforeAll(async () => {
      server = await startServer({
        ICE_STUN_URLS: 'stun:127.0.0.1:3478',
        TURN_URLS: 'turn:127.0.0.1:3478?transport=udp',
        TURN_SECRET: 'a-shared-turn-secret-for-tests',
      });
      guests = await guestFactory(server);
    });

    afterAll(() => server.close());

    it('a second guest learns the first from its answer, and the first hears participant_joined', async () => {
      const a = await guests.guest('two-people');
      const b = await guests.guest('two-people');
      const first = await join(a, { roomId: 'two-people', tracks: [camera] });
      expect(first).toMatchObject({
        ok: true,
        room: { id: 'two-people', topology: 'mesh', capacity: 4 },
        participant: { connection: 'connected', tracks: [camera], role: 'member' },
        participants: [],
        resumed: false,
        reconnectGraceMs: 15_000,
      });
      expect(first.participant.id).toMatch(/^pa_[A-Za-z0-9_-]{8,64}$/);
      expect(first.resumeKey.length).toBeGreaterThanOrEqual(16);
      expect(first.iceServers).toEqual([
        { urls: ['stun:127.0.0.1:3478'] },
        {
          urls: ['turn:127.0.0.1:3478?transport=udp'],
          username: expect.stringMatching(new RegExp(`^\\d+:${first.participant.id}$`)) as unknown,
          credential: expect.any(String) as unknown,
        },
      ]);
      const joined = waitFor(a, 'participant_joined');
      const second = await join(b, { roomId: 'two-people' });
      expect(second.participants.map((p) => p.id)).toEqual([first.participant.id]);
      expect(second.participants[0]).toMatchObject({ tracks: [camera], displayName: 'Guest 1' });
      expect(await joined).toEqual({ roomId: 'two-people', participant: second.participant });
      expect(seen(b, 'participant_joined')).toEqual([]);
    });

    it('four join, the fifth gets room_full and the four see nothing of it', async () => {
      const room = 'four-people';
      const clients = await Promise.all(Array.from({ length: 5 }, () => guests.guest(room)));
      const four = clients.slice(0, 4);
      const results: JoinRoomResult[] = [];
      for (const c of four) results.push(await join(c, { roomId: room }));
      expect(results.map((r) => r.participants.length)).toEqual([0, 1, 2, 3]);
      await waitUntil('everyone hears about those after them', () =>
        four.every((c, i) => seen(c, 'participant_joined').length === 3 - i),
      );
      const fifth = await request(clients[4], 'join_room', { roomId: room });
      expect(fifth).toMatchObject({ ok: false, error: { code: 'room_full' } });
      // A later broadcast proves that nothing about the fifth was sent before it.
      const updated = Promise.all(four.slice(1).map((c) => waitFor(c, 'participant_updated')));
      expect(
        await request(four[0], 'update_media_state', { roomId: room, tracks: [camera] }),
      ).toEqual({
        ok: true,
      });
      await updated;
      for (const [i, c] of four.entries()) {
        expect(seen(c, 'participant_joined')).toHaveLength(3 - i);
        expect(seen(c, 'participant_left')).toEqual([]);
      }
    });

    it('of many concurrent joins for the last seat, exactly one wins', async () => {
      const room = 'last-seat';
      const seated = await Promise.all(Array.from({ length: 3 }, () => guests.guest(room)));
      for (const c of seated) await join(c, { roomId: room });
      const racers = await Promise.all(Array.from({ length: 8 }, () => guests.guest(room)));
      const results = await Promise.all(
        racers.map((c) => request(c, 'join_room', { roomId: room })),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      for (const r of results.filter((r) => !r.ok)) {
        expect(r).toMatchObject({ ok: false, error: { code: 'room_full' } });
      }
    });

    it('a second join of the same room on one connection is a conflict', async () => {
      const a = await guests.guest('twice');
      await join(a, { roomId: 'twice' });
      expect(await request(a, 'join_room', { roomId: 'twice' })).toMatchObject({
        ok: false,
        error: { code: 'conflict' },
      });
    });

    it('a guest may join only the room its token names: any other is not found', async () => {
      const a = await guests.guest('granted-room');
      expect(await request(a, 'join_room', { roomId: 'another-room' })).toEqual({
        ok: false,
        error: { code: 'not_found', message: 'No such room.' },
      });
    });

    it('answers bad payloads with validation_failed and its issues, and keeps the connection', async () => {
      const a = await guests.guest('validated');
      const bad: Array<[keyof ClientToServerEvents, unknown]> = [
        ['join_room', {}],
        ['join_room', { roomId: 'validated', extra: 1 }],
        ['join_room', { roomId: 'validated', resume: { participantId: 'nope', resumeKey: 'x' } }],
        ['join_room', { roomId: 'validated', tracks: [{ ...camera, kind: 'audio' }] }],
        ['leave_room', null],
        ['webrtc_offer', { roomId: 'validated', to: 'pa_aaaaaaaaaaaa', description: answer }],
        ['ice_candidate', { roomId: 'validated', to: 'pa_aaaaaaaaaaaa' }],
        ['update_media_state', { roomId: 'validated', tracks: [camera, camera] }],
      ];
      for (const [event, payload] of bad) {
        const result = await request(a, event, payload);
        expect(result, `${event} ${JSON.stringify(payload)}`).toMatchObject({
          ok: false,
          error: { code: 'validation_failed', details: { issues: expect.any(Array) as unknown } },
        });
      }
      expect(a.socket.connected).toBe(true);
      expect(await join(a, { roomId: 'validated' })).toMatchObject({ ok: true });
    });

    it('answers malformed payloads on every event with validation_failed and keeps serving everyone', async () => {
      const room = 'fuzzed';
      const a = await guests.guest(room);
      const b = await guests.guest(room);
      await join(a, { roomId: room });
      const pb = await join(b, { roomId: room });
      const to = pb.participant.id;
      const polluted = JSON.parse(
        `{"roomId":"${room}","to":"${to}","__proto__":{"ok":true},"constructor":{"prototype":{"x":1}}}`,
      ) as unknown;
      const payloads: unknown[] = [
        null,
        42,
        'join',
        true,
        [],
        [{ roomId: room }],
        {},
        { roomId: null, to: null, tracks: null, description: null, candidate: null, token: null },
        { roomId: 7, to: ['x'], t: 'now', token: 5 },
        { roomId: room, to, tracks: Array.from({ length: 5000 }, () => ({})) },
        { roomId: room, to, description: { type: 'offer', sdp: 5 }, candidate: { candidate: {} } },
        { roomId: room, to, tracks: [{ ...camera, __proto__: { muted: 1 } }] },
        polluted,
        { roomId: 'x'.repeat(10_000), to: `pa_${'a'.repeat(10_000)}` },
      ];
      const events: Array<keyof ClientToServerEvents> = [
        'ping',
        'auth_refresh',
        'join_room',
        'leave_room',
        'webrtc_offer',
        'webrtc_answer',
        'ice_candidate',
        'update_media_state',
      ];
      for (const event of events) {
        // A connection of its own per event stays well inside the per-connection request budget.
        const fuzzer = await guests.guest(room);
        for (const payload of payloads) {
          expect(
            await request(fuzzer, event, payload),
            `${event} ${JSON.stringify(payload)}`,
          ).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
        }
        expect(fuzzer.socket.connected).toBe(true);
        expect(await request(fuzzer, 'ping', { t: 1 })).toMatchObject({ ok: true, t: 1 });
      }
      expect(({} as Record<string, unknown>).ok).toBeUndefined();
      expect(({} as Record<string, unknown>).x).toBeUndefined();
      const delivered = waitFor(b, 'webrtc_offer');
      expect(await request(a, 'webrtc_offer', { roomId: room, to, description: offer })).toEqual({
        ok: true,
      });
      expect((await delivered).description).toEqual(offer);
    });

    it('update_media_state reaches the others, not the sender; a guest without canPublish is refused', async () => {
      const room = 'media';
      const a = await guests.guest(room);
      const b = await guests.guest(room, { canPublish: false });
      const pa = await join(a, { roomId: room });
      expect(await request(b, 'join_room', { roomId: room, tracks: [camera] })).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
      const pb = await join(b, { roomId: room });
      expect(pb.participant.permissions).toEqual({
        canPublish: false,
        canSubscribe: true,
        canChat: true,
      });
      const mic = { source: 'microphone', kind: 'audio', streamId: 'mic-1', muted: true } as const;
      const update = waitFor(b, 'participant_updated');
      expect(await request(a, 'update_media_state', { roomId: room, tracks: [mic] })).toEqual({
        ok: true,
      });
      expect(await update).toMatchObject({
        roomId: room,
        participant: { id: pa.participant.id, tracks: [mic] },
      });
      expect(
        await request(b, 'update_media_state', { roomId: room, tracks: [camera] }),
      ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      const fromB = waitFor(a, 'participant_updated');
      expect(await request(b, 'update_media_state', { roomId: room, tracks: [] })).toEqual({
        ok: true,
      });
      expect((await fromB).participant).toMatchObject({ id: pb.participant.id, tracks: [] });
      expect(seen(a, 'participant_updated')).toHaveLength(1);
      expect(seen(b, 'participant_updated')).toHaveLength(1);
    });

    it('leave_room and a clean disconnect both show participant_left with left', async () => {
      const room = 'leaving';
      const [a, b, c] = await Promise.all([
        guests.guest(room),
        guests.guest(room),
        guests.guest(room),
      ]);
      await join(a, { roomId: room });
      const pb = await join(b, { roomId: room });
      const pc = await join(c, { roomId: room });
      const left = waitFor(a, 'participant_left', (p) => p.participantId === pb.participant.id);
      expect(await request(b, 'leave_room', { roomId: room })).toEqual({ ok: true });
      expect(await left).toEqual({
        roomId: room,
        participantId: pb.participant.id,
        reason: 'left',
      });
      expect(
        await request(b, 'webrtc_offer', {
          roomId: room,
          to: pc.participant.id,
          description: offer,
        }),
      ).toMatchObject({
        ok: false,
        error: { code: 'not_in_room' },
      });
      expect(await request(b, 'leave_room', { roomId: room })).toMatchObject({
        ok: false,
        error: { code: 'not_in_room' },
      });
      const gone = waitFor(a, 'participant_left', (p) => p.participantId === pc.participant.id);
      c.socket.disconnect();
      expect(await gone).toEqual({
        roomId: room,
        participantId: pc.participant.id,
        reason: 'left',
      });
    });

    it('counts calls, participants and relayed messages at /api/metrics', async () => {
      const room = 'metered';
      const a = await guests.guest(room);
      const b = await guests.guest(room);
      await join(a, { roomId: room });
      const pb = await join(b, { roomId: room });
      const before = await api<string>(server, 'GET', '/api/metrics');
      const relayed = (text: string) =>
        Number(/^minimeet_signalling_messages_relayed_total (\d+)$/m.exec(text)?.[1]);
      expect(before.body).toMatch(/^minimeet_call_rooms\{topology="mesh"\} [1-9]\d*$/m);
      expect(before.body).toMatch(/^minimeet_call_participants\{topology="mesh"\} [1-9]\d*$/m);
      const delivered = waitFor(b, 'webrtc_offer');
      await request(a, 'webrtc_offer', { roomId: room, to: pb.participant.id, description: offer });
      await delivered;
      const after = await api<string>(server, 'GET', '/api/metrics');
      expect(relayed(after.body)).toBe(relayed(before.body) + 1);
    });
  });

  describe('signalling relay', () => {
    let server: RunningServer;
    let guests: Awaited<ReturnType<typeof guestFactory>>;

    beforeAll(async () => {
      server = await startServer();
      guests = await guestFactory(server);
    });

    afterAll(() => server.close());

    it('relays offers, answers and candidates to exactly the addressed participant, from as the server knows it', async () => {
      const room = 'relay';
      const [a, b, c] = await Promise.all([
        guests.guest(room),
        guests.guest(room),
        guests.guest(room),
      ]);
      const pa = await join(a, { roomId: room });
      const pb = await join(b, { roomId: room });
      await join(c, { roomId: room });
      const got = waitFor(b, 'webrtc_offer');
      expect(
        await request(a, 'webrtc_offer', {
          roomId: room,
          to: pb.participant.id,
          description: offer,
        }),
      ).toEqual({ ok: true });
      expect(await got).toEqual({ roomId: room, from: pa.participant.id, description: offer });
      const answered = waitFor(a, 'webrtc_answer');
      expect(
        await request(b, 'webrtc_answer', {
          roomId: room,
          to: pa.participant.id,
          description: answer,
        }),
      ).toEqual({ ok: true });
      expect(await answered).toEqual({
        roomId: room,
        from: pb.participant.id,
        description: answer,
      });
      const cand = waitFor(b, 'ice_candidate');
      expect(
        await request(a, 'ice_candidate', { roomId: room, to: pb.participant.id, candidate }),
      ).toEqual({ ok: true });
      expect(await cand).toEqual({ roomId: room, from: pa.participant.id, candidate });
      // Only the addressee heard anything.
      expect(seen(c, 'webrtc_offer')).toEqual([]);
      expect(seen(c, 'webrtc_answer')).toEqual([]);
      expect(seen(c, 'ice_candidate')).toEqual([]);
      expect(seen(a, 'webrtc_offer')).toEqual([]);
    });

    it('relays media_moved to the addressee only, refuses one outside the call and a bad topology', async () => {
      const room = 'moved';
      const [a, b, c] = await Promise.all([
        guests.guest(room),
        guests.guest(room),
        guests.guest(room),
      ]);
      const pa = await join(a, { roomId: room });
      const pb = await join(b, { roomId: room });
      await join(c, { roomId: room });
      const got = waitFor(b, 'media_moved');
      expect(
        await request(a, 'media_moved', { roomId: room, to: pb.participant.id, topology: 'sfu' }),
      ).toEqual({ ok: true });
      expect(await got).toEqual({ roomId: room, from: pa.participant.id, topology: 'sfu' });
      expect(seen(c, 'media_moved')).toEqual([]);
      expect(
        await request(a, 'media_moved', { roomId: room, to: pb.participant.id, topology: 'auto' }),
      ).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      const outsider = await guests.guest('moved-elsewhere');
      await join(outsider, { roomId: 'moved-elsewhere' });
      expect(
        await request(outsider, 'media_moved', {
          roomId: 'moved-elsewhere',
          to: pb.participant.id,
          topology: 'mesh',
        }),
      ).toMatchObject({ ok: false, error: { code: 'participant_not_found' } });
      expect(
        await request(outsider, 'media_moved', {
          roomId: room,
          to: pb.participant.id,
          topology: 'mesh',
        }),
      ).toMatchObject({ ok: false, error: { code: 'not_in_room' } });
      expect(seen(b, 'media_moved')).toHaveLength(1);
    });

    it('refuses a spoofed from, and a sender that is not in the room on this connection', async () => {
      const room = 'guarded';
      const [a, b] = await Promise.all([guests.guest(room), guests.guest(room)]);
      const pa = await join(a, { roomId: room });
      const pb = await join(b, { roomId: room });
      expect(
        await request(a, 'webrtc_offer', {
          roomId: room,
          to: pb.participant.id,
          from: pb.participant.id,
          description: offer,
        }),
      ).toMatchObject({
        ok: false,
        error: { code: 'validation_failed' },
      });
      // Connected with a token for this very room, but never joined.
      const lurker = await guests.guest(room);
      // In another room's call.
      const outsider = await guests.guest('elsewhere');
      const po = await join(outsider, { roomId: 'elsewhere' });
      for (const sender of [lurker, outsider]) {
        for (const [event, payload] of [
          ['webrtc_offer', { roomId: room, to: pb.participant.id, description: offer }],
          ['webrtc_answer', { roomId: room, to: pa.participant.id, description: answer }],
          ['ice_candidate', { roomId: room, to: pb.participant.id, candidate }],
        ] as const) {
          expect(await request(sender, event, payload)).toMatchObject({
            ok: false,
            error: { code: 'not_in_room' },
          });
        }
      }
      // Addressing someone of another room from one's own room.
      expect(
        await request(outsider, 'webrtc_offer', {
          roomId: 'elsewhere',
          to: pb.participant.id,
          description: offer,
        }),
      ).toMatchObject({
        ok: false,
        error: { code: 'participant_not_found' },
      });
      expect(
        await request(a, 'webrtc_offer', {
          roomId: room,
          to: po.participant.id,
          description: offer,
        }),
      ).toMatchObject({
        ok: false,
        error: { code: 'participant_not_found' },
      });
      expect(
        await request(a, 'webrtc_offer', {
          roomId: room,
          to: pa.participant.id,
          description: offer,
        }),
      ).toMatchObject({
        ok: false,
        error: { code: 'participant_not_found' },
      });
      expect(seen(a, 'webrtc_offer')).toEqual([]);
      expect(seen(b, 'webrtc_offer')).toEqual([]);
    });

    it('a participant that drops and resumes keeps its id, gets the queued signals in order, and the others see no leave or join', async () => {
      const room = 'resume';
      const tokenB = await guests.token(room, {}, 'resumer');
      const a = await guests.guest(room);
      const b = await connect(server, tokenB);
      const pa = await join(a, { roomId: room });
      const pb = await join(b, { roomId: room });
      await waitUntil('A hears of B', () => seen(a, 'participant_joined').length === 1);
      const reconnecting = waitFor(
        a,
        'participant_updated',
        (p) => p.participant.connection === 'reconnecting',
      );
      b.socket.io.engine.close();
      expect((await reconnecting).participant.id).toBe(pb.participant.id);
      // Signals sent to it while it is away wait for it.
      const to = pb.participant.id;
      expect(await request(a, 'webrtc_offer', { roomId: room, to, description: offer })).toEqual({
        ok: true,
      });
      expect(await request(a, 'ice_candidate', { roomId: room, to, candidate })).toEqual({
        ok: true,
      });
      expect(
        await request(a, 'ice_candidate', { roomId: room, to, candidate: { candidate: '' } }),
      ).toEqual({ ok: true });
      const b2 = await connect(server, tokenB);
      const connected = waitFor(
        a,
        'participant_updated',
        (p) => p.participant.connection === 'connected',
      );
      const resumed = await join(b2, {
        roomId: room,
        resume: { participantId: pb.participant.id, resumeKey: pb.resumeKey },
      });
      expect(resumed).toMatchObject({
        ok: true,
        resumed: true,
        participant: { id: pb.participant.id, connection: 'connected' },
        participants: [{ id: pa.participant.id }],
      });
      expect((await connected).participant.id).toBe(pb.participant.id);
      await waitUntil(
        'the queued signals arrive',
        () => b2.events.filter((e) => e.event === 'ice_candidate').length === 2,
      );
      expect(b2.events.filter((e) => ['webrtc_offer', 'ice_candidate'].includes(e.event))).toEqual([
        {
          event: 'webrtc_offer',
          payload: { roomId: room, from: pa.participant.id, description: offer },
        },
        { event: 'ice_candidate', payload: { roomId: room, from: pa.participant.id, candidate } },
        {
          event: 'ice_candidate',
          payload: { roomId: room, from: pa.participant.id, candidate: { candidate: '' } },
        },
      ]);
      expect(seen(a, 'participant_left')).toEqual([]);
      expect(seen(a, 'participant_joined')).toHaveLength(1);
      // Signalling works on the new connection.
      const got = waitFor(b2, 'webrtc_offer');
      await request(a, 'webrtc_offer', { roomId: room, to, description: offer });
      expect((await got).from).toBe(pa.participant.id);
    });

    it('keeps at most about 1 MiB of signals for a participant in its grace period, the newest, in order', async () => {
      const room = 'flooded';
      const tokenB = await guests.token(room, {}, 'flooded');
      const a = await guests.guest(room);
      const b = await connect(server, tokenB);
      await join(a, { roomId: room });
      const pb = await join(b, { roomId: room });
      const reconnecting = waitFor(a, 'participant_updated');
      b.socket.io.engine.close();
      await reconnecting;
      const sent = 30;
      const big = (i: number) => ({ type: 'offer', sdp: `${i}:`.padEnd(60_000, 'x') });
      for (let i = 0; i < sent; i++) {
        const to = pb.participant.id;
        expect(await request(a, 'webrtc_offer', { roomId: room, to, description: big(i) })).toEqual(
          {
            ok: true,
          },
        );
      }
      const b2 = await connect(server, tokenB);
      await join(b2, {
        roomId: room,
        resume: { participantId: pb.participant.id, resumeKey: pb.resumeKey },
      });
      // A later signal arrives after the queued ones: once it is there, they all are.
      const to = pb.participant.id;
      await request(a, 'ice_candidate', { roomId: room, to, candidate });
      await waitUntil('the later candidate arrives', () => seen(b2, 'ice_candidate').length === 1);
      const offers = seen(b2, 'webrtc_offer') as Array<{ description: { sdp: string } }>;
      const indices = offers.map((o) => Number(o.description.sdp.split(':')[0]));
      expect(indices.length).toBeGreaterThan(0);
      expect(indices.length).toBeLessThanOrEqual(Math.floor((1024 * 1024) / 60_000));
      expect(indices).toEqual(
        Array.from({ length: indices.length }, (_, i) => sent - indices.length + i),
      );
    });

    it('refuses to resume with a wrong key or as someone else', async () => {
      const room = 'resume-refused';
      const a = await guests.guest(room);
      const pa = await join(a, { roomId: room });
      a.socket.io.engine.close();
      const stranger = await guests.guest(room);
      expect(
        await request(stranger, 'join_room', {
          roomId: room,
          resume: { participantId: pa.participant.id, resumeKey: pa.resumeKey },
        }),
      ).toMatchObject({
        ok: false,
        error: { code: 'not_found', message: expect.stringContaining('someone else') as unknown },
      });
      const self = await connect(server, a.token);
      expect(
        await request(self, 'join_room', {
          roomId: room,
          resume: { participantId: pa.participant.id, resumeKey: 'A'.repeat(22) },
        }),
      ).toMatchObject({
        ok: false,
        error: { code: 'not_found', message: expect.stringContaining('resume key') as unknown },
      });
    });

    it('a revoked API key removes its guests from the call', async () => {
      const room = 'revoked';
      const other = await createApiKey(server, guests.owner.accessToken, 'short-lived');
      const a = await guests.guest(room);
      const b = await connect(
        server,
        await createJoinToken(other, { identity: 'x', name: 'X', grants: { room } }),
      );
      await join(a, { roomId: room });
      const pb = await join(b, { roomId: room });
      const removed = waitFor(a, 'participant_left');
      expect(
        (
          await api(server, 'DELETE', `/api/api-keys/${other.id}`, {
            token: guests.owner.accessToken,
          })
        ).status,
      ).toBe(204);
      expect(await removed).toEqual({
        roomId: room,
        participantId: pb.participant.id,
        reason: 'removed',
      });
    });

    it('auth_refresh with a token for another room is refused; new grants are announced', async () => {
      const room = 'refreshing';
      const a = await guests.guest(room);
      const b = await connect(server, await guests.token(room, { canPublish: true }, 'refresher'));
      await join(a, { roomId: room });
      const pb = await join(b, { roomId: room, tracks: [camera] });
      const elsewhere = await guests.token('not-this-room', {}, 'refresher');
      expect(await request(b, 'auth_refresh', { token: elsewhere })).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
      const updated = waitFor(a, 'participant_updated');
      const muted = await guests.token(room, { canPublish: false, role: 'moderator' }, 'refresher');
      expect(await request(b, 'auth_refresh', { token: muted })).toMatchObject({ ok: true });
      expect((await updated).participant).toMatchObject({
        id: pb.participant.id,
        role: 'moderator',
        permissions: { canPublish: false },
        tracks: [],
      });
    });
  });

  describe('reconnect grace period', () => {
    let server: RunningServer;
    let guests: Awaited<ReturnType<typeof guestFactory>>;

    beforeAll(async () => {
      server = await startServer({ RECONNECT_GRACE_SECONDS: '1' });
      guests = await guestFactory(server);
    });

    afterAll(() => server.close());

    it('a participant that stays away leaves with timeout, and can no longer resume', async () => {
      const room = 'grace';
      const a = await guests.guest(room);
      const b = await guests.guest(room);
      await join(a, { roomId: room });
      const pb = await join(b, { roomId: room });
      expect(pb.reconnectGraceMs).toBe(1000);
      const reconnecting = waitFor(
        a,
        'participant_updated',
        (p) => p.participant.connection === 'reconnecting',
      );
      const left = waitFor(a, 'participant_left');
      b.socket.io.engine.close();
      await reconnecting;
      expect(await left).toEqual({
        roomId: room,
        participantId: pb.participant.id,
        reason: 'timeout',
      });
      const back = await connect(server, b.token);
      expect(
        await request(back, 'join_room', {
          roomId: room,
          resume: { participantId: pb.participant.id, resumeKey: pb.resumeKey },
        }),
      ).toMatchObject({ ok: false, error: { code: 'not_found' } });
      // Joining anew works and takes a new id.
      const fresh = await join(back, { roomId: room });
      expect(fresh.participant.id).not.toBe(pb.participant.id);
    });

    it('the server shuts down cleanly while someone is in its grace period', async () => {
      const own = await startServer({ RECONNECT_GRACE_SECONDS: '600' });
      const g = await guestFactory(own);
      const a = await g.guest('shutdown');
      const b = await g.guest('shutdown');
      await join(a, { roomId: 'shutdown' });
      await join(b, { roomId: 'shutdown' });
      const reconnecting = waitFor(a, 'participant_updated');
      b.socket.io.engine.close();
      await reconnecting;
      const started = Date.now();
      await own.close();
      expect(Date.now() - started).toBeLessThan(5000);
    });
  });

  describe('calls of rooms created over REST', () => {
    let server: RunningServer;

    beforeAll(async () => {
      server = await startServer();
    });

    afterAll(() => server.close());

    async function userIn(displayName: string) {
      const session = await registerUser(server, { displayName });
      return { session, client: await connect(server, session.accessToken) };
    }

    async function createRoom(token: string, json: Record<string, unknown>): Promise<string> {
      const res = await api<{ id: string }>(server, 'POST', '/api/rooms', { token, json });
      expect(res.status).toBe(201);
      return res.body.id;
    }

    it('users join a public room, a room with a password, and see each other', async () => {
      const owner = await userIn('Owner');
      const guest = await userIn('Visitor');
      const roomId = await createRoom(owner.session.accessToken, {
        name: 'Stand-up',
        visibility: 'public',
        capacity: 3,
      });
      const first = await join(owner.client, { roomId });
      expect(first).toMatchObject({
        room: { id: roomId, name: 'Stand-up', capacity: 3, topology: 'mesh' },
        participant: { role: 'owner', principalId: owner.session.user.id, displayName: 'Owner' },
      });
      const joined = waitFor(owner.client, 'participant_joined');
      const second = await join(guest.client, { roomId });
      expect(second.participant.role).toBe('member');
      expect((await joined).participant.displayName).toBe('Visitor');

      // A public room may say that it needs its password; a private one says nothing of itself
      // until the right password comes, and a wrong one is only a wrong password.
      const lockedPublic = await createRoom(owner.session.accessToken, {
        name: 'Locked, public',
        visibility: 'public',
        password: 'open sesame',
      });
      expect(await request(guest.client, 'join_room', { roomId: lockedPublic })).toEqual({
        ok: false,
        error: { code: 'room_password_required', message: 'This room needs its password.' },
      });
      const locked = await createRoom(owner.session.accessToken, {
        name: 'Locked',
        password: 'open sesame',
      });
      expect(await request(guest.client, 'join_room', { roomId: locked })).toEqual({
        ok: false,
        error: { code: 'not_found', message: 'No such room.' },
      });
      expect(
        await request(guest.client, 'join_room', { roomId: locked, password: 'open sez me' }),
      ).toEqual({
        ok: false,
        error: {
          code: 'room_password_required',
          message: 'That password does not open this room.',
        },
      });
      expect(await join(guest.client, { roomId: locked, password: 'open sesame' })).toMatchObject({
        ok: true,
        room: { id: locked },
      });
    });

    it('the capacity a room sets is the call’s limit', async () => {
      const owner = await userIn('Small room owner');
      const roomId = await createRoom(owner.session.accessToken, {
        name: 'Two only',
        visibility: 'public',
        capacity: 2,
      });
      await join(owner.client, { roomId });
      const second = await userIn('Second');
      await join(second.client, { roomId });
      const third = await userIn('Third');
      expect(await request(third.client, 'join_room', { roomId })).toMatchObject({
        ok: false,
        error: { code: 'room_full', message: expect.stringContaining('2') as unknown },
      });
    });

    it('deleting the room ends the call for everyone with room_closed', async () => {
      const owner = await userIn('Deleter');
      const other = await userIn('Bystander');
      const roomId = await createRoom(owner.session.accessToken, {
        name: 'Doomed',
        visibility: 'public',
      });
      await join(owner.client, { roomId });
      const po = await join(other.client, { roomId });
      const closed = [owner, other].map((u) => waitFor(u.client, 'room_closed'));
      expect(
        (await api(server, 'DELETE', `/api/rooms/${roomId}`, { token: owner.session.accessToken }))
          .status,
      ).toBe(204);
      for (const c of await Promise.all(closed)) {
        expect(c).toMatchObject({ roomId, reason: 'room_closed' });
      }
      expect(
        await request(other.client, 'update_media_state', { roomId, tracks: [] }),
      ).toMatchObject({
        ok: false,
        error: { code: 'not_in_room' },
      });
      expect(seen(owner.client, 'participant_left')).toEqual([]);
      expect(po.participant.id).toMatch(/^pa_/);
    });

    it('removing a member closes the call for that user and shows the others participant_left removed', async () => {
      const owner = await userIn('Moderating owner');
      const member = await userIn('Soon removed');
      const roomId = await createRoom(owner.session.accessToken, {
        name: 'Strict',
        visibility: 'public',
      });
      await join(owner.client, { roomId });
      const pm = await join(member.client, { roomId });
      const closed = waitFor(member.client, 'room_closed');
      const left = waitFor(owner.client, 'participant_left');
      expect(
        (
          await api(server, 'DELETE', `/api/rooms/${roomId}/members/${member.session.user.id}`, {
            token: owner.session.accessToken,
          })
        ).status,
      ).toBe(204);
      expect(await closed).toMatchObject({ roomId, reason: 'removed' });
      expect(await left).toEqual({ roomId, participantId: pm.participant.id, reason: 'removed' });
      expect(await request(member.client, 'leave_room', { roomId })).toMatchObject({
        ok: false,
        error: { code: 'not_in_room' },
      });
    });

    it('a role changed over REST applies at once to the member in the call, for everyone', async () => {
      const owner = await userIn('Promoting owner');
      const member = await userIn('Soon moderator');
      const roomId = await createRoom(owner.session.accessToken, {
        name: 'Promotions',
        visibility: 'public',
      });
      await join(owner.client, { roomId });
      const pm = await join(member.client, { roomId });
      expect(pm.participant.role).toBe('member');
      const seenByOwner = waitFor(owner.client, 'participant_updated');
      const seenBySelf = waitFor(member.client, 'participant_updated');
      const res = await api(
        server,
        'PATCH',
        `/api/rooms/${roomId}/members/${member.session.user.id}`,
        {
          token: owner.session.accessToken,
          json: { role: 'moderator' },
        },
      );
      expect(res.status).toBe(200);
      for (const update of [await seenByOwner, await seenBySelf]) {
        expect(update).toMatchObject({
          roomId,
          participant: { id: pm.participant.id, role: 'moderator' },
        });
      }
    });
  });

  /**
   * Holds every call of an admission method once it has decided (its database work done), until the
   * test releases it: the window in which a join or resume waits on the rooms side.
   */
  function hold(server: RunningServer, method: 'admit' | 'roleOf') {
    const access = server.app.get(RoomAccessService, { strict: false });
    const original = access[method] as (...args: unknown[]) => Promise<unknown>;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let held = 0;
    (access as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      const verdict = await original.apply(access, args);
      held++;
      await gate;
      return verdict;
    };
    const release = (): void => {
      delete (access as unknown as Record<string, unknown>)[method];
      open();
    };
    releaseAfterTest.push(release);
    return {
      /** Resolves once `n` calls are held. */
      until: (n: number) => waitUntil(`${n} held ${method} calls`, () => held >= n),
      release,
    };
  }

  const releaseAfterTest: Array<() => void> = [];

  afterEach(() => {
    while (releaseAfterTest.length) releaseAfterTest.pop()!();
  });

  /** Resolves once the server has seen the client's connection close. */
  function closedOnServer(server: RunningServer, client: Client): Promise<void> {
    const bus = server.app.get(EventBus);
    const connectionId = client.socket.id;
    return new Promise((resolve) => {
      const off = bus.on('socket.disconnected', (e) => {
        if (e.connectionId !== connectionId) return;
        off();
        resolve();
      });
    });
  }

  /** The call gauges of `/api/metrics`. */
  async function callGauges(
    server: RunningServer,
  ): Promise<{ rooms: number; participants: number }> {
    const text = (await api<string>(server, 'GET', '/api/metrics')).body;
    const gauge = (name: string) =>
      Number(new RegExp(`^minimeet_${name}\\{topology="mesh"\\} (\\d+)$`, 'm').exec(text)?.[1]);
    return { rooms: gauge('call_rooms'), participants: gauge('call_participants') };
  }

  describe('races around joining, resuming and leaving', () => {
    let server: RunningServer;
    let guests: Awaited<ReturnType<typeof guestFactory>>;

    beforeAll(async () => {
      server = await startServer({ RECONNECT_GRACE_SECONDS: '1' });
      guests = await guestFactory(server);
    });

    afterAll(() => server.close());

    async function userIn(displayName: string) {
      const session = await registerUser(server, { displayName });
      return { session, client: await connect(server, session.accessToken) };
    }

    async function publicRoom(token: string): Promise<string> {
      const res = await api<{ id: string }>(server, 'POST', '/api/rooms', {
        token,
        json: { name: 'Racy', visibility: 'public' },
      });
      expect(res.status).toBe(201);
      return res.body.id;
    }

    it('two joins of one connection to one room at once give one seat; the other gets conflict', async () => {
      const room = 'one-seat';
      const watcher = await guests.guest(room);
      await join(watcher, { roomId: room });
      const held = hold(server, 'admit');
      const a = await guests.guest(room);
      const first = request(a, 'join_room', { roomId: room });
      const second = request(a, 'join_room', { roomId: room });
      // Both are admitted before either takes its seat, then go on together.
      await held.until(2);
      held.release();
      const outcomes = await Promise.all([first, second]);
      expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
      expect(outcomes.filter((o) => !o.ok).map((o) => !o.ok && o.error.code)).toEqual(['conflict']);
      const again = await guests.guest(room);
      const seen = await join(again, { roomId: room });
      expect(seen.participants).toHaveLength(2);
    });

    it('a join whose connection drops while it awaits admission leaves no ghost behind', async () => {
      const room = 'ghost-free';
      const held = hold(server, 'admit');
      const a = await guests.guest(room);
      void request(a, 'join_room', { roomId: room }).catch(() => undefined);
      await held.until(1);
      const gone = closedOnServer(server, a);
      a.socket.io.engine.close();
      await gone;
      held.release();
      const b = await guests.guest(room);
      expect((await join(b, { roomId: room })).participants).toEqual([]);
      expect(seen(b, 'participant_updated')).toEqual([]);
    });

    it('a join awaiting admission when its room is deleted does not enter the deleted room’s call', async () => {
      const owner = await userIn('Deleting owner');
      const late = await userIn('Late joiner');
      const roomId = await publicRoom(owner.session.accessToken);
      await join(owner.client, { roomId });
      const held = hold(server, 'admit');
      const answer = request(late.client, 'join_room', { roomId });
      await held.until(1);
      const closed = waitFor(owner.client, 'room_closed');
      const res = await api(server, 'DELETE', `/api/rooms/${roomId}`, {
        token: owner.session.accessToken,
      });
      expect(res.status).toBe(204);
      await closed;
      held.release();
      expect(await answer).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(
        await request(late.client, 'update_media_state', { roomId, tracks: [] }),
      ).toMatchObject({
        ok: false,
        error: { code: 'not_in_room' },
      });
      expect(await callGauges(server)).toMatchObject({ rooms: 0, participants: 0 });
    });

    it('a member removed while its join awaits admission does not enter the call', async () => {
      const owner = await userIn('Removing owner');
      const member = await userIn('Removed while joining');
      const created = await api<{ id: string }>(server, 'POST', '/api/rooms', {
        token: owner.session.accessToken,
        json: { name: 'Private' },
      });
      const roomId = created.body.id;
      const invite = await api<{ code: string }>(server, 'POST', `/api/rooms/${roomId}/invites`, {
        token: owner.session.accessToken,
        json: {},
      });
      await join(owner.client, { roomId });
      const held = hold(server, 'admit');
      const answer = request(member.client, 'join_room', { roomId, inviteCode: invite.body.code });
      await held.until(1);
      const res = await api(
        server,
        'DELETE',
        `/api/rooms/${roomId}/members/${member.session.user.id}`,
        {
          token: owner.session.accessToken,
        },
      );
      expect(res.status).toBe(204);
      held.release();
      expect(await answer).toMatchObject({ ok: false, error: { code: 'not_found' } });
      const details = await api<{ participantCount: number }>(
        server,
        'GET',
        `/api/rooms/${roomId}`,
        {
          token: owner.session.accessToken,
        },
      );
      expect(details.body.participantCount).toBe(1);
      // The owner, still in the call, sees nobody else: a new member's join lists only the owner.
      const third = await userIn('Third');
      const again = await api<{ code: string }>(server, 'POST', `/api/rooms/${roomId}/invites`, {
        token: owner.session.accessToken,
        json: {},
      });
      const joined = await join(third.client, { roomId, inviteCode: again.body.code });
      expect(joined.participants.map((p) => p.principalId)).toEqual([owner.session.user.id]);
    });

    it('of two resumes of one participant at once, exactly one wins and the other cannot signal', async () => {
      const room = 'double-resume';
      const token = await guests.token(room, {}, 'twin');
      const a = await guests.guest(room);
      const b = await connect(server, token);
      const pa = await join(a, { roomId: room });
      const pb = await join(b, { roomId: room });
      const reconnecting = waitFor(a, 'participant_updated');
      b.socket.io.engine.close();
      await reconnecting;
      const [one, two] = await Promise.all([connect(server, token), connect(server, token)]);
      const held = hold(server, 'roleOf');
      const resume = { participantId: pb.participant.id, resumeKey: pb.resumeKey };
      const first = request(one, 'join_room', { roomId: room, resume });
      await held.until(1);
      const second = request(two, 'join_room', { roomId: room, resume });
      // The second is answered at once, or (the race) gets as far as the first.
      await Promise.race([second, held.until(2)]);
      held.release();
      expect(await first).toMatchObject({ ok: true, resumed: true });
      expect(await second).toMatchObject({ ok: false, error: { code: 'conflict' } });
      const loser = two;
      expect(
        await request(loser, 'webrtc_offer', {
          roomId: room,
          to: pa.participant.id,
          description: offer,
        }),
      ).toMatchObject({ ok: false, error: { code: 'not_in_room' } });
    });

    it('a resume that races the end of the grace period finds the participant gone, and nobody sees it come back', async () => {
      const room = 'resume-too-late';
      const token = await guests.token(room, {}, 'late-resumer');
      const a = await guests.guest(room);
      const b = await connect(server, token);
      await join(a, { roomId: room });
      const pb = await join(b, { roomId: room });
      const left = waitFor(a, 'participant_left');
      b.socket.io.engine.close();
      const back = await connect(server, token);
      const held = hold(server, 'roleOf');
      const answer = request(back, 'join_room', {
        roomId: room,
        resume: { participantId: pb.participant.id, resumeKey: pb.resumeKey },
      });
      await held.until(1);
      expect(await left).toMatchObject({ participantId: pb.participant.id, reason: 'timeout' });
      held.release();
      expect(await answer).toMatchObject({ ok: false, error: { code: 'not_found' } });
      const after = await join(await guests.guest(room), { roomId: room });
      expect(after.participants.map((p) => p.id)).not.toContain(pb.participant.id);
      expect(
        seen(a, 'participant_updated').filter(
          (p) =>
            (p as { participant: { connection: string } }).participant.connection === 'connected',
        ),
      ).toEqual([]);
    });
  });

  describe('cleaning up', () => {
    it('the call gauges return to zero once everyone is gone, whichever way they went', async () => {
      const server = await startServer({ RECONNECT_GRACE_SECONDS: '1' });
      try {
        const guests = await guestFactory(server);
        const room = 'every-way-out';
        const doomed = await createApiKey(server, guests.owner.accessToken, 'doomed');
        const [leaver, quitter, dropper, survivor] = await Promise.all(
          Array.from({ length: 4 }, () => guests.guest(room)),
        );
        const revoked = await connect(
          server,
          await createJoinToken(doomed, { identity: 'revoked', name: 'Revoked', grants: { room } }),
        );
        for (const c of [leaver, quitter, dropper]) await join(c, { roomId: room });
        await join(revoked, { roomId: room });
        expect(await callGauges(server)).toEqual({ rooms: 1, participants: 4 });
        await request(leaver, 'leave_room', { roomId: room });
        quitter.socket.disconnect();
        dropper.socket.io.engine.close();
        await api(server, 'DELETE', `/api/api-keys/${doomed.id}`, {
          token: guests.owner.accessToken,
        });
        await waitUntil('the leaver, quitter, dropper and revoked guest are gone', async () => {
          return (await callGauges(server)).participants === 0;
        });
        // A join rolled back because its connection closed counts nothing either.
        const held = hold(server, 'admit');
        const racer = await guests.guest(room);
        void request(racer, 'join_room', { roomId: room }).catch(() => undefined);
        await held.until(1);
        const gone = closedOnServer(server, racer);
        racer.socket.disconnect();
        await gone;
        held.release();
        await join(survivor, { roomId: room });
        const owner = guests.owner.accessToken;
        const res = await api(server, 'DELETE', `/api/rooms/${room}`, { token: owner });
        expect(res.status).toBe(204);
        await waitUntil('everyone is gone', async () => {
          const gauges = await callGauges(server);
          return gauges.rooms === 0 && gauges.participants === 0;
        });
      } finally {
        await server.close();
      }
    });
  });

  describe('sessions that end during a call', () => {
    it('a user whose token expires unrefreshed is removed from the call; the others see removed', async () => {
      const server = await startServer({ ACCESS_TOKEN_TTL: '3', SESSION_REFRESH_LEAD: '1' });
      try {
        const guests = await guestFactory(server);
        const expiring = await registerUser(server, { displayName: 'Expires' });
        const created = await api<{ id: string }>(server, 'POST', '/api/rooms', {
          token: guests.owner.accessToken,
          json: { name: 'Short sessions', visibility: 'public' },
        });
        const roomId = created.body.id;
        // A guest's join token lives on past the users' short access tokens.
        const stays = await guests.guest(roomId);
        const leaves = await connect(server, expiring.accessToken);
        await join(stays, { roomId });
        const pe = await join(leaves, { roomId });
        const left = waitFor(stays, 'participant_left', () => true, 6000);
        expect(await left).toEqual({ roomId, participantId: pe.participant.id, reason: 'removed' });
        expect(seen(leaves, 'session_ended')).toMatchObject([{ reason: 'token_expired' }]);
      } finally {
        await server.close();
      }
    });
  });
});
