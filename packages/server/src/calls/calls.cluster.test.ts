/**
 * Calls on a deployment of several real server processes sharing MariaDB and Redis: participants
 * on different nodes see and signal each other, capacity holds against joins racing on both
 * nodes, a participant resumes on another node, a killed node's participants time out on the
 * survivors, and rate limits are shared. Runs the built server: build it first.
 */
import { Redis } from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  PROTOCOL_VERSION,
  type AckResult,
  type ClientToServerEvents,
  type ConnectErrorData,
  type CreatedApiKey,
  type JoinRoomResult,
  type RoomDetails,
  type ServerToClientEvents,
} from '@minimeet/protocol';
import { createJoinToken } from '@minimeet/host';
import { startCluster, type ClusterNode, type RunningCluster } from '../test/cluster.js';
import { api, createApiKey, registerUser, waitUntil } from '../test/harness.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type ServerEventName = keyof ServerToClientEvents;
type Payload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];

interface Client {
  socket: ClientSocket;
  token: string;
  events: Array<{ event: ServerEventName; payload: unknown }>;
}

// Short timeouts so a dead node is noticed quickly: a heartbeat every second, dead after 3 s.
const PRESENCE_TIMEOUT_SECONDS = 3;
const RECONNECT_GRACE_SECONDS = 3;
/** The longest a stopped node's participants may take to leave: timeout, a beat, grace, a sweep. */
const DEAD_NODE_BOUND_MS = (PRESENCE_TIMEOUT_SECONDS + 1 + RECONNECT_GRACE_SECONDS + 1) * 1000;

const open: ClientSocket[] = [];

afterEach(() => {
  while (open.length) open.pop()!.disconnect();
});

function connect(
  node: ClusterNode,
  token: string,
  headers: Record<string, string> = {},
): Promise<Client> {
  const socket: ClientSocket = io(node.url, {
    auth: { token, protocolVersion: PROTOCOL_VERSION },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: headers,
  });
  open.push(socket);
  const client: Client = { socket, token, events: [] };
  socket.onAny((event: ServerEventName, payload: unknown) =>
    client.events.push({ event, payload }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no session within 5 s')), 5000);
    socket.once('session', () => {
      clearTimeout(timer);
      resolve(client);
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

function request(
  client: Client,
  event: keyof ClientToServerEvents,
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

/** Resolves with the first matching `event` the client receives from now on. */
function waitFor<E extends ServerEventName>(
  client: Client,
  event: E,
  match: (payload: Payload<E>) => boolean = () => true,
  timeoutMs = 5000,
): Promise<Payload<E>> {
  return new Promise((resolve, reject) => {
    const listener = (payload: Payload<E>) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      client.socket.off(event as 'session', listener);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      client.socket.off(event as 'session', listener);
      reject(new Error(`no matching ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    client.socket.on(event as 'session', listener);
  });
}

/** The `participantId`s (or `participant.id`s) of the events of one kind a client received since `from`. */
function idsSeen(client: Client, event: ServerEventName, from = 0): string[] {
  return client.events
    .slice(from)
    .filter((e) => e.event === event)
    .map((e) => {
      const p = e.payload as { participantId?: string; participant?: { id: string } };
      return p.participantId ?? p.participant?.id ?? '';
    });
}

const offer = (sdp: string) => ({ type: 'offer', sdp: `v=0\r\no=- ${sdp} IN IP4 127.0.0.1\r\n` });
const answer = { type: 'answer', sdp: 'v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n' } as const;
const candidate = {
  candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host',
  sdpMid: '0',
};

describe('calls across server nodes (MariaDB + Redis, real processes)', () => {
  let cluster: RunningCluster;
  let node1: ClusterNode;
  let node2: ClusterNode;
  let owner: Awaited<ReturnType<typeof registerUser>>;
  let key: CreatedApiKey;
  let identities = 0;

  /** A guest of `room` connected to `node`, with its own identity. */
  async function guest(node: ClusterNode, room: string): Promise<Client> {
    const n = ++identities;
    const token = await createJoinToken(key, {
      identity: `guest-${n}`,
      name: `Guest ${n}`,
      grants: { room },
    });
    return connect(node, token);
  }

  async function participantCount(node: ClusterNode, room: string): Promise<number> {
    const res = await api<RoomDetails>(node, 'GET', `/api/rooms/${room}`, {
      token: owner.accessToken,
    });
    return res.body.participantCount;
  }

  beforeAll(async () => {
    cluster = await startCluster({
      label: 'calls.cluster',
      env: {
        PRESENCE_TIMEOUT_SECONDS: String(PRESENCE_TIMEOUT_SECONDS),
        RECONNECT_GRACE_SECONDS: String(RECONNECT_GRACE_SECONDS),
      },
    });
    [node1, node2] = cluster.nodes as [ClusterNode, ClusterNode];
    owner = await registerUser(node1, { displayName: 'Host app owner' });
    key = await createApiKey(node2, owner.accessToken);
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  }, 60_000);

  it('participants on different nodes join one room, see each other and relay signalling', async () => {
    const room = 'across-nodes';
    const a = await guest(node1, room);
    const b = await guest(node2, room);
    const pa = await join(a, { roomId: room });
    const bJoined = waitFor(a, 'participant_joined');
    const pb = await join(b, { roomId: room });
    expect(pb.participants.map((p) => p.id)).toEqual([pa.participant.id]);
    expect((await bJoined).participant.id).toBe(pb.participant.id);

    const gotOffer = waitFor(b, 'webrtc_offer');
    expect(
      await request(a, 'webrtc_offer', {
        roomId: room,
        to: pb.participant.id,
        description: offer('1 2'),
      }),
    ).toEqual({ ok: true });
    expect(await gotOffer).toEqual({
      roomId: room,
      from: pa.participant.id,
      description: offer('1 2'),
    });
    const gotAnswer = waitFor(a, 'webrtc_answer');
    await request(b, 'webrtc_answer', { roomId: room, to: pa.participant.id, description: answer });
    expect((await gotAnswer).from).toBe(pb.participant.id);
    const gotCandidate = waitFor(a, 'ice_candidate');
    await request(b, 'ice_candidate', { roomId: room, to: pa.participant.id, candidate });
    expect(await gotCandidate).toEqual({ roomId: room, from: pb.participant.id, candidate });

    const updated = waitFor(b, 'participant_updated');
    const tracks = [{ source: 'microphone', kind: 'audio', streamId: 'mic-1', muted: true }];
    await request(a, 'update_media_state', { roomId: room, tracks });
    expect((await updated).participant).toMatchObject({ id: pa.participant.id, tracks });

    const left = waitFor(a, 'participant_left');
    await request(b, 'leave_room', { roomId: room });
    expect(await left).toEqual({ roomId: room, participantId: pb.participant.id, reason: 'left' });
  });

  it('of eight joins racing on both nodes for the last two seats, exactly two win', async () => {
    const room = 'capacity-race';
    const seated = [await guest(node1, room), await guest(node2, room)];
    for (const s of seated) await join(s, { roomId: room });
    const racers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => guest(i % 2 === 0 ? node1 : node2, room)),
    );
    const outcomes = await Promise.all(
      racers.map((r) => request(r, 'join_room', { roomId: room })),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(2);
    for (const o of outcomes.filter((x) => !x.ok)) {
      expect(o).toMatchObject({ ok: false, error: { code: 'room_full' } });
    }
    // Both nodes report the same four over REST.
    expect(await participantCount(node1, room)).toBe(4);
    expect(await participantCount(node2, room)).toBe(4);
  });

  it('a participant that drops on one node resumes on the other with its id and the signals queued meanwhile', async () => {
    const room = 'resume-elsewhere';
    const a = await guest(node1, room);
    const b = await guest(node1, room);
    const c = await guest(node2, room);
    const pa = await join(a, { roomId: room });
    const pb = await join(b, { roomId: room });
    const pc = await join(c, { roomId: room });
    const to = pb.participant.id;
    await waitUntil('a to see c join', () =>
      idsSeen(a, 'participant_joined').includes(pc.participant.id),
    );

    const reconnecting = waitFor(
      a,
      'participant_updated',
      (p) => p.participant.id === to && p.participant.connection === 'reconnecting',
    );
    const marks = [a.events.length, c.events.length];
    b.socket.io.engine.close();
    await reconnecting;
    // Signals for b from both nodes while it is away.
    await request(a, 'webrtc_offer', { roomId: room, to, description: offer('from-a 1') });
    await request(c, 'webrtc_offer', { roomId: room, to, description: offer('from-c 2') });
    await request(a, 'ice_candidate', { roomId: room, to, candidate });

    const b2 = await connect(node2, b.token);
    const back = waitFor(
      a,
      'participant_updated',
      (p) => p.participant.id === to && p.participant.connection === 'connected',
    );
    const queued = new Promise<unknown[]>((resolve) => {
      const got: unknown[] = [];
      const add = (p: unknown) => {
        got.push(p);
        if (got.length === 3) resolve(got);
      };
      b2.socket.on('webrtc_offer', add);
      b2.socket.on('ice_candidate', add);
    });
    const resumed = await join(b2, {
      roomId: room,
      resume: { participantId: to, resumeKey: pb.resumeKey },
    });
    expect(resumed).toMatchObject({ resumed: true, participant: { id: to } });
    expect(resumed.participants.map((p) => p.id).sort()).toEqual(
      [pa.participant.id, pc.participant.id].sort(),
    );
    expect(await queued).toEqual([
      { roomId: room, from: pa.participant.id, description: offer('from-a 1') },
      { roomId: room, from: pc.participant.id, description: offer('from-c 2') },
      { roomId: room, from: pa.participant.id, candidate },
    ]);
    await back;
    // The resumed participant signals from its new node; nobody saw it leave or join again.
    const gotAnswer = waitFor(a, 'webrtc_answer');
    await request(b2, 'webrtc_answer', {
      roomId: room,
      to: pa.participant.id,
      description: answer,
    });
    expect((await gotAnswer).from).toBe(to);
    for (const [i, other] of [a, c].entries()) {
      expect(idsSeen(other, 'participant_left', marks[i])).toEqual([]);
      expect(idsSeen(other, 'participant_joined', marks[i])).toEqual([]);
    }
    // The socket it left behind on the first node no longer speaks for it.
    expect(await participantCount(node1, room)).toBe(3);
  });

  it('when a node is killed, its participants leave with timeout on the others, unless they resume elsewhere', async () => {
    const node3 = await cluster.addNode();
    const room = 'node-dies';
    const observer = await guest(node2, room);
    const staysAway = await guest(node3, room);
    const comesBack = await guest(node3, room);
    await join(observer, { roomId: room });
    const away = await join(staysAway, { roomId: room });
    const back = await join(comesBack, { roomId: room });

    const left = waitFor(
      observer,
      'participant_left',
      (p) => p.participantId === away.participant.id,
      DEAD_NODE_BOUND_MS + 3000,
    );
    const killedAt = Date.now();
    await node3.kill();
    // Its client reconnects to a survivor and resumes within the grace period.
    const moved = await connect(node2, comesBack.token);
    const resumed = await join(moved, {
      roomId: room,
      resume: { participantId: back.participant.id, resumeKey: back.resumeKey },
    });
    expect(resumed).toMatchObject({ resumed: true, participant: { id: back.participant.id } });
    expect(await left).toEqual({
      roomId: room,
      participantId: away.participant.id,
      reason: 'timeout',
    });
    expect(Date.now() - killedAt).toBeLessThan(DEAD_NODE_BOUND_MS + 2000);
    expect(idsSeen(observer, 'participant_left')).toEqual([away.participant.id]);
    expect(await participantCount(node1, room)).toBe(2);
  }, 120_000);

  it('a node that shuts down hands its participants over: they resume on another node', async () => {
    const node4 = await cluster.addNode();
    const room = 'rolling-restart';
    const observer = await guest(node2, room);
    const moving = await guest(node4, room);
    await join(observer, { roomId: room });
    const pm = await join(moving, { roomId: room });
    const reconnecting = waitFor(
      observer,
      'participant_updated',
      (p) => p.participant.id === pm.participant.id && p.participant.connection === 'reconnecting',
    );
    const ended = waitFor(moving, 'session_ended');
    await node4.stop();
    expect(node4.process.exitCode).toBe(0);
    expect((await ended).reason).toBe('server_shutdown');
    await reconnecting;
    // It left the registry itself: nobody has to wait for its heartbeat to run out.
    const redis = new Redis(cluster.redis.url);
    try {
      expect(await redis.sismember(`${cluster.redis.keyPrefix}nodes`, node4.nodeId)).toBe(0);
      expect(await redis.sismember(`${cluster.redis.keyPrefix}nodes`, node2.nodeId)).toBe(1);
    } finally {
      redis.disconnect();
    }
    const moved = await connect(node1, moving.token);
    const resumed = await join(moved, {
      roomId: room,
      resume: { participantId: pm.participant.id, resumeKey: pm.resumeKey },
    });
    expect(resumed).toMatchObject({ resumed: true, participant: { id: pm.participant.id } });
    await waitFor(
      observer,
      'participant_updated',
      (p) => p.participant.id === pm.participant.id && p.participant.connection === 'connected',
    );
    expect(idsSeen(observer, 'participant_left')).toEqual([]);
  }, 120_000);

  it('a node that was taken for dead while paused takes its live participants back', async () => {
    const node5 = await cluster.addNode();
    const room = 'paused-node';
    const observer = await guest(node2, room);
    const paused = await guest(node5, room);
    const po = await join(observer, { roomId: room });
    const pp = await join(paused, { roomId: room });
    const isUpdate = (connection: string) => (p: Payload<'participant_updated'>) =>
      p.participant.id === pp.participant.id && p.participant.connection === connection;
    const reconnecting = waitFor(observer, 'participant_updated', isUpdate('reconnecting'), 10_000);
    node5.process.kill('SIGSTOP');
    try {
      await reconnecting;
    } finally {
      node5.process.kill('SIGCONT');
    }
    const reconnectingAt = Date.now();
    const connected = await waitFor(observer, 'participant_updated', isUpdate('connected'), 5000);
    expect(connected.participant.id).toBe(pp.participant.id);
    // It still speaks from its own socket…
    const gotOffer = waitFor(observer, 'webrtc_offer');
    await request(paused, 'webrtc_offer', {
      roomId: room,
      to: po.participant.id,
      description: offer('5 6'),
    });
    await gotOffer;
    // …and is still there once its grace period would have ended.
    await waitUntil(
      'the grace period taken by the survivor to be over',
      () => Date.now() > reconnectingAt + (RECONNECT_GRACE_SECONDS + 1.5) * 1000,
      { timeoutMs: (RECONNECT_GRACE_SECONDS + 3) * 1000 },
    );
    expect(idsSeen(observer, 'participant_left')).toEqual([]);
    expect(await participantCount(node1, room)).toBe(2);
  }, 120_000);

  it('shares the handshake rate limit of an address between nodes', async () => {
    const limited = { TRUST_PROXY: 'true', RATE_LIMIT_CONNECT: '5/60' };
    const nodes = await Promise.all([cluster.addNode(limited), cluster.addNode(limited)]);
    const token = await createJoinToken(key, {
      identity: 'rate-limited',
      name: 'Rate limited',
      grants: { room: 'rate-limits' },
    });
    const outcomes: string[] = [];
    for (let i = 0; i < 8; i++) {
      try {
        const client = await connect(nodes[i % 2], token, { 'x-forwarded-for': '203.0.113.77' });
        client.socket.disconnect();
        outcomes.push('ok');
      } catch (err) {
        outcomes.push((err as { data?: ConnectErrorData }).data?.code ?? String(err));
      }
    }
    expect(outcomes).toEqual([
      'ok',
      'ok',
      'ok',
      'ok',
      'ok',
      ...Array<string>(3).fill('rate_limited'),
    ]);
    // Another address still gets in.
    await expect(
      connect(nodes[1], token, { 'x-forwarded-for': '203.0.113.78' }),
    ).resolves.toBeDefined();
  }, 120_000);
});
