import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { openDataSource } from '../database/data-source.js';
import { RoomRepository } from '../rooms/room.repository.js';
import { DATABASE_TARGETS, type TestDatabase } from '../test/databases.js';
import { UserRepository } from '../users/user.repository.js';
import type {
  AnalyticsEvent,
  AnalyticsEventMap,
  AnalyticsEventType,
  LegEndReason,
} from './analytics-events.js';
import { AnalyticsStoreRepository, summarise } from './analytics-store.repository.js';

const T0 = 1_780_000_000_000;

function ev<K extends AnalyticsEventType>(
  type: K,
  at: number,
  data: AnalyticsEventMap[K],
): AnalyticsEvent {
  return { id: randomUUID(), type, at, data } as AnalyticsEvent;
}

describe('summarise (a session from its legs)', () => {
  it('counts the peak of overlapping legs, not a hand-over at one instant', () => {
    expect(
      summarise([
        { joined: 0, left: 100 },
        { joined: 100, left: 200 },
        { joined: 150, left: 180 },
      ]),
    ).toEqual({
      startedAt: 0,
      endedAt: 200,
      durationMs: 200,
      legs: 3,
      peak: 2,
      participantMs: 230,
    });
  });

  it('stays open while a leg is open or its join has not arrived', () => {
    expect(
      summarise([
        { joined: 0, left: 10 },
        { joined: null, left: 20 },
      ])?.endedAt,
    ).toBeNull();
    expect(summarise([{ joined: 0, left: null }])?.endedAt).toBeNull();
    expect(summarise([{ joined: null, left: 5 }])).toBeNull();
  });
});

describe.each(DATABASE_TARGETS)('AnalyticsStoreRepository on $name', (target) => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: AnalyticsStoreRepository;
  let ownerId: string;
  let roomId: string;

  beforeAll(async () => {
    db = await target.create();
    dataSource = await openDataSource(loadConfig({ DATABASE_URL: db.url }).database);
    store = new AnalyticsStoreRepository(dataSource);
    ownerId = randomUUID();
    await new UserRepository(dataSource).create({
      id: ownerId,
      email: `${ownerId}@example.test`,
      passwordHash: '$argon2id$test',
      displayName: 'Owner',
      avatarUrl: null,
    });
    roomId = `room-${randomUUID()}`;
    await new RoomRepository(dataSource).insert({
      id: roomId,
      name: 'Standup',
      visibility: 'private',
      passwordHash: null,
      capacity: 4,
      topology: 'auto',
      ownerId,
    });
  });

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await db?.drop();
  });

  const session = (id: string) =>
    dataSource.query<Array<Record<string, unknown>>>(
      `SELECT * FROM call_sessions WHERE id = '${id}'`,
    );
  const legs = (sessionId: string) =>
    dataSource.query<Array<Record<string, unknown>>>(
      `SELECT * FROM call_legs WHERE session_id = '${sessionId}' ORDER BY id`,
    );

  const joined = (sessionId: string, participantId: string, at: number, first = false) =>
    ev('participant.joined', at, {
      roomId,
      sessionId,
      participantId,
      principalId: `user-${participantId}`,
      principalKind: 'user',
      sessionStarted: first,
      topology: 'mesh',
      client: { sdk: '@minimeet/sdk/0.1.0', browser: 'chrome', os: 'linux' },
      joinLatencyMs: 12.4,
      displayName: null,
    });
  const left = (
    sessionId: string,
    participantId: string,
    at: number,
    reason: LegEndReason = 'left',
  ) => ev('participant.left', at, { roomId, sessionId, participantId, reason });

  it('derives a session from its legs: start, end, peak, participant time, the room owner', async () => {
    const sid = `cs_${randomUUID().slice(0, 12)}`;
    await store.apply([joined(sid, 'pa_a1', T0, true), joined(sid, 'pa_b1', T0 + 1000)]);
    expect((await session(sid))[0]).toMatchObject({ owner_id: ownerId, legs: 2 });
    expect((await session(sid))[0]?.ended_at).toBeNull();
    await store.apply([left(sid, 'pa_a1', T0 + 61_000), left(sid, 'pa_b1', T0 + 121_000)]);
    const [row] = await session(sid);
    expect(Number(row?.started_at)).toBe(T0);
    expect(Number(row?.ended_at)).toBe(T0 + 121_000);
    expect(Number(row?.duration_ms)).toBe(121_000);
    expect(Number(row?.participant_ms)).toBe(61_000 + 120_000);
    expect(row?.peak_participants).toBe(2);
    const [a] = await legs(sid);
    expect(a).toMatchObject({
      end_reason: 'left',
      browser: 'chrome',
      os: 'linux',
      join_latency_ms: 12,
    });
  });

  it('applies an event delivered twice once, in one batch or across batches', async () => {
    const sid = `cs_${randomUUID().slice(0, 12)}`;
    const j = joined(sid, 'pa_d1', T0, true);
    const r1 = ev('participant.reconnecting', T0 + 1000, {
      roomId,
      sessionId: sid,
      participantId: 'pa_d1',
    });
    const r2 = ev('participant.resumed', T0 + 4000, {
      roomId,
      sessionId: sid,
      participantId: 'pa_d1',
    });
    expect(await store.apply([j, r1, r1])).toMatchObject({ applied: 2, duplicates: 1 });
    expect(await store.apply([j, r1, r2])).toMatchObject({ applied: 1, duplicates: 2 });
    await store.apply([r2, left(sid, 'pa_d1', T0 + 10_000)]);
    const [leg] = await legs(sid);
    expect(leg?.reconnects).toBe(1);
    expect(Number(leg?.reconnecting_ms)).toBe(3000);
  });

  it('comes out the same when a leave arrives before its join', async () => {
    const sid = `cs_${randomUUID().slice(0, 12)}`;
    await store.apply([joined(sid, 'pa_o1', T0, true), left(sid, 'pa_o2', T0 + 5000, 'timeout')]);
    // The second leg's join is still on its way: the session stays open.
    expect((await session(sid))[0]?.ended_at).toBeNull();
    await store.apply([left(sid, 'pa_o1', T0 + 6000)]);
    expect((await session(sid))[0]?.ended_at).toBeNull();
    await store.apply([joined(sid, 'pa_o2', T0 + 2000)]);
    const [row] = await session(sid);
    expect(Number(row?.ended_at)).toBe(T0 + 6000);
    expect(row?.peak_participants).toBe(2);
    const rows = await legs(sid);
    expect(rows.map((l) => [l.id, l.end_reason, Number(l.joined_at)])).toEqual([
      ['pa_o1', 'left', T0],
      ['pa_o2', 'timeout', T0 + 2000],
    ]);
  });

  it('records failed joins with the room owner, or none for an unknown room', async () => {
    const f1 = ev('participant.join_failed', T0, {
      roomId,
      principalId: 'guest:x:y',
      principalKind: 'guest',
      reason: 'room_full',
    });
    const f2 = ev('participant.join_failed', T0, {
      roomId: 'no-such-room',
      principalId: 'u',
      principalKind: 'user',
      reason: 'not_found',
    });
    await store.apply([f1, f2, f1]);
    const rows = await dataSource.query<Array<Record<string, unknown>>>(
      `SELECT id, owner_id, reason FROM call_join_failures WHERE id IN ('${f1.id}', '${f2.id}') ORDER BY reason`,
    );
    expect(rows.map((r) => [r.reason, r.owner_id])).toEqual([
      ['not_found', null],
      ['room_full', ownerId],
    ]);
  });

  it('ends open legs as interrupted, and sweeps what is past its retention', async () => {
    const sid = `cs_${randomUUID().slice(0, 12)}`;
    await store.apply([joined(sid, 'pa_i1', T0, true)]);
    expect(await store.closeInterrupted()).toBeGreaterThanOrEqual(1);
    expect((await legs(sid))[0]?.end_reason).toBe('interrupted');
    expect(Number((await session(sid))[0]?.ended_at)).toBe(T0);
    expect(
      await store.sweep({
        sessionsBefore: T0 + 1,
        samplesBefore: T0 + 1,
        receiptsBefore: Date.now() + 1,
      }),
    ).toBeGreaterThan(0);
    expect(await session(sid)).toEqual([]);
    expect(await legs(sid)).toEqual([]);
  });
});
