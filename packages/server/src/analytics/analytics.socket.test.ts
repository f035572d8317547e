import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  PROTOCOL_VERSION,
  type AckResult,
  type AuthSession,
  type RoomDetails,
  type JoinRoomResult,
  type QualitySample,
  type SessionInfo,
} from '@minimeet/protocol';
import { createJoinToken } from '@minimeet/host';
import type { RunningServer } from '../main.js';
import { deleteRedisKeys, TEST_REDIS_URL, uniqueRedisPrefix } from '../test/cluster.js';
import {
  api,
  basicAuth,
  createApiKey,
  expectError,
  registerUser,
  startTestServer,
  waitUntil,
} from '../test/harness.js';
import type { ClientSocket } from '../test/sockets.js';
import { UserRepository } from '../users/user.repository.js';
import { sessionEndedEventId, type AnalyticsEvent } from './analytics-events.js';
import { ANALYTICS_STREAM, type AnalyticsStream } from './analytics-stream.js';
import type {
  CallsPageView,
  CallTimelineView,
  LiveCallsView,
  SummaryView,
} from './analytics.dto.js';

const open: ClientSocket[] = [];
afterEach(() => {
  while (open.length) open.pop()!.disconnect();
});

async function connect(server: RunningServer, token: string): Promise<ClientSocket> {
  const socket: ClientSocket = io(server.url, {
    auth: { token, protocolVersion: PROTOCOL_VERSION },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  open.push(socket);
  await new Promise<SessionInfo>((resolve, reject) => {
    socket.once('session', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

function request(socket: ClientSocket, event: string, payload: unknown): Promise<AckResult<never>> {
  return (socket.timeout(5000).emitWithAck as (e: string, p: unknown) => Promise<never>)(
    event,
    payload,
  );
}

async function join(socket: ClientSocket, roomId: string): Promise<JoinRoomResult> {
  const result = (await request(socket, 'join_room', {
    roomId,
    client: { sdk: 'minimeet-sdk/0.1.0', browser: 'chrome', browserVersion: 156, os: 'linux' },
  })) as AckResult<JoinRoomResult>;
  if (!result.ok) throw new Error(`join failed: ${result.error.code}`);
  return result;
}

function sample(at: number, mos: number, level: QualitySample['level']): QualitySample {
  return {
    at,
    intervalMs: 5000,
    level,
    mos,
    legs: [
      {
        direction: 'inbound',
        kind: 'audio',
        source: 'microphone',
        bitrate: 32_000,
        packets: 250,
        packetsLost: level === 'poor' ? 25 : 0,
        jitterMs: 4,
        rttMs: 40,
        mos,
      },
      {
        direction: 'outbound',
        kind: 'video',
        source: 'camera',
        bitrate: 800_000,
        packets: 400,
        packetsLost: 0,
        fps: 30,
        relayed: false,
      },
    ],
  };
}

const ADMIN_SECRET = 'analytics-test-admin-secret-0123456789';
const redisPrefixes: string[] = [];
afterAll(async () => {
  for (const prefix of redisPrefixes) await deleteRedisKeys(prefix);
});

const BACKENDS: Array<{ name: string; env: () => Record<string, string> }> = [
  { name: 'the in-process stream', env: () => ({}) },
  {
    name: 'Redis Streams',
    env: () => {
      const prefix = uniqueRedisPrefix('analytics.socket');
      redisPrefixes.push(prefix);
      return { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix };
    },
  },
];

describe.each(BACKENDS)('call analytics over $name', ({ env }) => {
  let server: RunningServer;
  let owner: Awaited<ReturnType<typeof registerUser>>;
  let key: Awaited<ReturnType<typeof createApiKey>>;
  let n = 0;
  const guest = async (room: string, grants: Record<string, unknown> = {}) =>
    connect(
      server,
      await createJoinToken(key, {
        identity: `guest-${++n}`,
        name: `Guest ${n}`,
        grants: { room, ...grants },
      }),
    );
  const asHost = () => ({ headers: basicAuth(key.id, key.secret) });

  beforeAll(async () => {
    server = await startTestServer({
      ...env(),
      RECONNECT_GRACE_SECONDS: '1',
      RATE_LIMIT_QUALITY: '3/60',
      MESH_MAX_PARTICIPANTS: '2',
      // Guest rooms are `auto`: without the SFU they stay mesh, so the third join is refused.
      SFU_ENABLED: 'false',
      ADMIN_SECRET: ADMIN_SECRET,
    });
    owner = await registerUser(server);
    key = await createApiKey(server, owner.accessToken);
  });
  afterAll(() => server.close());

  it('records a call: legs with end reasons and client, quality aggregates, the summary', async () => {
    const room = `standup-${n}`;
    const a = await guest(room);
    const b = await guest(room);
    const ja = await join(a, room);
    const jb = await join(b, room);
    const now = Date.now();
    const reported = await request(a, 'quality_report', {
      roomId: room,
      samples: [sample(now, 4.3, 'excellent'), sample(now + 1000, 4.1, 'excellent')],
    });
    expect(reported).toEqual({ ok: true, accepted: 2 });
    expect(
      await request(b, 'quality_report', { roomId: room, samples: [sample(now, 2.4, 'poor')] }),
    ).toEqual({ ok: true, accepted: 1 });

    // The live view sees the call while it goes on.
    await waitUntil('the live call', async () => {
      const live = await api<LiveCallsView>(server, 'GET', '/api/analytics/live', asHost());
      return live.body.items.some((c) => c.roomId === room && c.participants === 2);
    });

    expect((await request(a, 'leave_room', { roomId: room })).ok).toBe(true);
    b.io.engine.close(); // dropped: it times out after the grace period
    const sessionId = await waitUntil('the call to end', async () => {
      const page = await api<CallsPageView>(
        server,
        'GET',
        `/api/analytics/calls?roomId=${room}&status=ended`,
        asHost(),
      );
      return page.body.items.length === 1;
    }).then(async () => {
      const page = await api<CallsPageView>(
        server,
        'GET',
        `/api/analytics/calls?roomId=${room}`,
        asHost(),
      );
      return page.body.items[0].id;
    });

    const timeline = await api<CallTimelineView>(
      server,
      'GET',
      `/api/analytics/calls/${sessionId}`,
      asHost(),
    );
    expect(timeline.status).toBe(200);
    expect(timeline.body.call).toMatchObject({ roomId: room, legs: 2, peakParticipants: 2 });
    const byId = new Map(timeline.body.legs.map((l) => [l.participantId, l]));
    const legA = byId.get(ja.participant.id)!;
    const legB = byId.get(jb.participant.id)!;
    expect(legA).toMatchObject({
      endReason: 'left',
      principalKind: 'guest',
      displayName: null,
      client: { sdk: 'minimeet-sdk/0.1.0', browser: 'chrome', os: 'linux' },
      qualityLevel: 'excellent',
    });
    expect(legA.quality?.mos).toMatchObject({ count: 2, min: 4.1, max: 4.3, mean: 4.2 });
    expect(legA.quality?.bitrateOut?.mean).toBe(800_000);
    expect(legA.series.map((p) => p.mos)).toEqual([4.3, 4.1]);
    expect(legB).toMatchObject({ endReason: 'timeout', qualityLevel: 'poor', reconnects: 1 });
    expect(legB.quality?.loss?.max).toBeCloseTo(25 / 275, 3);
    expect(legB.reconnectingSeconds).toBeGreaterThan(0.5);

    const summary = await api<SummaryView>(server, 'GET', '/api/analytics/summary', asHost());
    expect(summary.body.calls).toBeGreaterThanOrEqual(1);
    expect(summary.body.quality.poor).toBeGreaterThanOrEqual(1);
    expect(summary.body.days.length).toBeGreaterThanOrEqual(1);

    const metrics = (await api<string>(server, 'GET', '/api/metrics')).body;
    expect(metrics).toMatch(/^minimeet_call_joins_total\{outcome="joined"\} [1-9]/m);
    expect(metrics).toMatch(/^minimeet_call_quality_mos_count [1-9]/m);
    expect(metrics).toMatch(/^minimeet_call_session_duration_seconds_count [1-9]/m);
    expect(metrics).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });

  it('puts one session.ended on the stream after the last leg leaves, not before', async () => {
    const seen: AnalyticsEvent[] = [];
    await server.app
      .get<symbol, AnalyticsStream>(ANALYTICS_STREAM)
      .consume(`observer-${randomUUID()}`, (events) => {
        seen.push(...events);
        return Promise.resolve();
      });
    const room = `ending-${n}`;
    const a = await guest(room);
    const b = await guest(room);
    const ja = await join(a, room);
    const jb = await join(b, room);
    expect((await request(a, 'leave_room', { roomId: room })).ok).toBe(true);
    await waitUntil('the first leave on the stream', () =>
      seen.some((e) => e.type === 'participant.left' && e.data.participantId === ja.participant.id),
    );
    b.disconnect(); // a goodbye: it leaves at once
    await waitUntil('the session end on the stream', () =>
      seen.some((e) => e.type === 'session.ended' && e.data.roomId === room),
    );
    const ofRoom = seen.filter((e) => e.data.roomId === room).map((e) => e.type);
    const sessionOf = (e: AnalyticsEvent | undefined) =>
      e && 'sessionId' in e.data ? e.data.sessionId : null;
    expect(ofRoom.filter((t) => t !== 'quality.reported')).toEqual([
      'participant.joined',
      'participant.joined',
      'participant.left',
      'participant.left',
      'session.ended',
    ]);
    const end = seen.find((e) => e.type === 'session.ended' && e.data.roomId === room)!;
    const joinEvent = seen.find(
      (e) => e.type === 'participant.joined' && e.data.participantId === jb.participant.id,
    );
    expect(sessionOf(joinEvent)).toMatch(/^cs_/);
    expect(end.data).toEqual({ roomId: room, sessionId: sessionOf(joinEvent) });
    expect(end.id).toBe(sessionEndedEventId(sessionOf(joinEvent)!));
  });

  it('files reports under the caller’s own leg only, and limits them', async () => {
    const room = `limits-${n}`;
    const a = await guest(room);
    const stranger = await guest(room);
    await join(a, room);
    // Not in the call: nothing to report for, whatever it claims.
    const refused = await request(stranger, 'quality_report', {
      roomId: room,
      samples: [sample(Date.now(), 4, 'good')],
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_in_room' } });
    // A sample from long before the join is not this leg's.
    const stale = await request(a, 'quality_report', {
      roomId: room,
      samples: [sample(Date.now() - 3600_000, 4, 'good')],
    });
    expect(stale).toEqual({ ok: true, accepted: 0 });
    const one = { roomId: room, samples: [sample(Date.now(), 4, 'good')] };
    for (let i = 0; i < 2; i++)
      expect(await request(a, 'quality_report', one)).toEqual({ ok: true, accepted: 1 });
    expect(await request(a, 'quality_report', one)).toMatchObject({
      ok: false,
      error: { code: 'rate_limited' },
    });
    const invalid = await request(a, 'quality_report', { roomId: room, samples: [] });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
  });

  it('records failed joins by reason, and shows each viewer only its rooms (operators all)', async () => {
    const room = `full-${n}`;
    const a = await guest(room);
    const b = await guest(room);
    const c = await guest(room);
    await join(a, room);
    await join(b, room);
    expect(await request(c, 'join_room', { roomId: room })).toMatchObject({
      ok: false,
      error: { code: 'room_full' },
    });
    await waitUntil('the failed join to be recorded', async () => {
      const s = await api<SummaryView>(server, 'GET', '/api/analytics/summary', asHost());
      return (s.body.failedJoins.room_full ?? 0) >= 1;
    });
    // The owner sees the same with its access token.
    const own = await api<SummaryView>(server, 'GET', '/api/analytics/summary', {
      token: owner.accessToken,
    });
    expect(own.body.failedJoins.room_full).toBeGreaterThanOrEqual(1);

    const other = await registerUser(server);
    const theirs = await api<SummaryView>(server, 'GET', '/api/analytics/summary', {
      token: other.accessToken,
    });
    expect(theirs.body).toMatchObject({ calls: 0, failedJoins: {} });
    const live = await api<LiveCallsView>(server, 'GET', '/api/analytics/live', asHost());
    const call = live.body.items.find((i) => i.roomId === room)!;
    expectError(
      await api(server, 'GET', `/api/analytics/calls/${call.id}`, { token: other.accessToken }),
      404,
      'not_found',
    );
    await server.app.get(UserRepository, { strict: false }).setOperator(other.user.email, true);
    const operator = await api<CallTimelineView>(server, 'GET', `/api/analytics/calls/${call.id}`, {
      token: other.accessToken,
    });
    expect(operator.status).toBe(200);
    // The deployment's admin secret sees every room too.
    const admin = await api<CallTimelineView>(server, 'GET', `/api/analytics/calls/${call.id}`, {
      token: ADMIN_SECRET,
    });
    expect(admin.status).toBe(200);
    expectError(await api(server, 'GET', '/api/analytics/summary'), 401, 'unauthorized');
    expectError(
      await api(server, 'GET', '/api/analytics/summary?from=yesterday'),
      401,
      'unauthorized',
    );
    expectError(
      await api(
        server,
        'GET',
        '/api/analytics/summary?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z',
        asHost(),
      ),
      400,
      'validation_failed',
    );
  });
});

describe('a token that expires in the call', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startTestServer({ ACCESS_TOKEN_TTL: '4', SESSION_REFRESH_LEAD: '2' });
  });
  afterAll(() => server.close());

  it('ends the leg as token_expired, and the call with it', async () => {
    const user = await registerUser(server);
    const key = await createApiKey(server, user.accessToken);
    const created = await api<RoomDetails>(server, 'POST', '/api/rooms', {
      token: user.accessToken,
      json: { name: 'Expiring' },
    });
    expect(created.status).toBe(201);
    // A fresh token for the call: the setup may have used up most of the first one.
    const login = await api<AuthSession>(server, 'POST', '/api/auth/login', {
      json: { email: user.user.email, password: user.password },
    });
    const socket = await connect(server, login.body.accessToken);
    const ended = new Promise<{ reason: string }>((resolve) =>
      socket.once('session_ended', resolve),
    );
    const joined = await join(socket, created.body.id);
    expect((await ended).reason).toBe('token_expired');

    const asHost = { headers: basicAuth(key.id, key.secret) };
    let callId = '';
    await waitUntil('the call to end', async () => {
      const page = await api<CallsPageView>(
        server,
        'GET',
        `/api/analytics/calls?roomId=${created.body.id}&status=ended`,
        asHost,
      );
      callId = page.body.items[0]?.id ?? '';
      return callId !== '';
    });
    const timeline = await api<CallTimelineView>(
      server,
      'GET',
      `/api/analytics/calls/${callId}`,
      asHost,
    );
    expect(timeline.body.legs).toMatchObject([
      { participantId: joined.participant.id, endReason: 'token_expired' },
    ]);
  });
});
