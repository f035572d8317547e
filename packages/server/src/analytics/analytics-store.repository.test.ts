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
import { AnalyticsQueryRepository } from './analytics-query.repository.js';
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

  describe('daily rollups', () => {
    const DAY = 86_400_000;
    const D0 = Math.floor(T0 / DAY) * DAY; // midnight UTC of T0's day
    let owner: string;
    let room: string;
    let queries: AnalyticsQueryRepository;

    beforeAll(async () => {
      queries = new AnalyticsQueryRepository(dataSource);
      owner = randomUUID();
      await new UserRepository(dataSource).create({
        id: owner,
        email: `${owner}@example.test`,
        passwordHash: '$argon2id$test',
        displayName: 'Rollup owner',
        avatarUrl: null,
      });
      room = `room-${randomUUID()}`;
      await new RoomRepository(dataSource).insert({
        id: room,
        name: 'Rollups',
        visibility: 'private',
        passwordHash: null,
        capacity: 4,
        topology: 'auto',
        ownerId: owner,
      });
    });

    const inRoom = <K extends AnalyticsEventType>(type: K, at: number, data: object) =>
      ev(type, at, { roomId: room, ...data } as AnalyticsEventMap[K]);
    const join = (sid: string, pid: string, at: number) =>
      inRoom('participant.joined', at, {
        sessionId: sid,
        participantId: pid,
        principalId: `user-${pid}`,
        principalKind: 'user',
        sessionStarted: false,
        topology: 'mesh',
        client: { sdk: null, browser: 'firefox', os: 'macos' },
        joinLatencyMs: 5,
        displayName: null,
      });
    const leave = (sid: string, pid: string, at: number) =>
      inRoom('participant.left', at, { sessionId: sid, participantId: pid, reason: 'left' });
    const fail = (at: number, reason: string) =>
      inRoom('participant.join_failed', at, {
        principalId: 'guest:g',
        principalKind: 'guest',
        reason,
      });
    /** Ranges that cut days in the middle, cover whole days, and fall inside one day. */
    const ranges = (): Array<[number, number]> => [
      [D0 - 3 * DAY, D0 + 4 * DAY],
      [D0 - DAY + 3_600_000, D0 + 2 * DAY + 7_200_000],
      [D0, D0 + DAY],
      [D0 + 3_600_000, D0 + 5 * 3_600_000],
    ];
    const expectRollupsAgree = async () => {
      for (const scope of [{ ownerId: owner }, 'all'] as const) {
        for (const [from, to] of ranges()) {
          expect(await queries.summary(scope, from, to)).toEqual(
            await queries.summaryFromSessions(scope, from, to),
          );
        }
      }
    };

    it('summaries read from the rollups agree with the sessions, whatever order events arrive in', async () => {
      const s1 = `cs_${randomUUID().slice(0, 12)}`;
      const s2 = `cs_${randomUUID().slice(0, 12)}`;
      const s3 = `cs_${randomUUID().slice(0, 12)}`;
      // s1: a call of two on day 0; s2: a call across midnight into day 1; s3: live on day 1.
      await store.apply([join(s1, 'pa_r1', D0 + 3_600_000), join(s1, 'pa_r2', D0 + 3_660_000)]);
      await store.apply([leave(s1, 'pa_r2', D0 + 7_200_000), fail(D0 + 100, 'room_full')]);
      await expectRollupsAgree();
      await store.apply([leave(s1, 'pa_r1', D0 + 7_260_000), join(s2, 'pa_r3', D0 + DAY - 60_000)]);
      // A leave before its join (a batch taken over from a dead node arrives late).
      await store.apply([leave(s2, 'pa_r4', D0 + DAY + 600_000), fail(D0 + DAY + 5, 'forbidden')]);
      await store.apply([
        join(s2, 'pa_r4', D0 + DAY - 120_000),
        leave(s2, 'pa_r3', D0 + DAY + 60_000),
      ]);
      await store.apply([join(s3, 'pa_r5', D0 + DAY + 3_600_000), fail(D0 + DAY + 9, 'forbidden')]);
      await expectRollupsAgree();

      const day0 = await queries.summary({ ownerId: owner }, D0, D0 + DAY);
      // s2 moved to day 0 when its earlier join arrived.
      expect(day0).toMatchObject({ calls: 2, peakParticipants: 2, failedJoins: { room_full: 1 } });
      expect(day0.meanDurationMs).toBe((3_660_000 + 720_000) / 2);
      const week = await queries.summary({ ownerId: owner }, D0 - 3 * DAY, D0 + 4 * DAY);
      expect(week).toMatchObject({ calls: 3, failedJoins: { room_full: 1, forbidden: 2 } });
      expect(week.days.map((d) => [d.day, d.calls])).toEqual([
        [new Date(D0).toISOString().slice(0, 10), 2],
        [new Date(D0 + DAY).toISOString().slice(0, 10), 1],
      ]);
      const rows = await dataSource.query<Array<Record<string, unknown>>>(
        `SELECT day, calls, ended FROM call_daily_rollups WHERE owner_id = '${owner}' ORDER BY day`,
      );
      expect(rows.map((r) => [Number(r.day), Number(r.calls), Number(r.ended)])).toEqual([
        [D0 / DAY, 2, 2],
        [D0 / DAY + 1, 1, 0],
      ]);

      // The live call is interrupted (a restart): its day is counted again.
      await store.closeInterrupted();
      await expectRollupsAgree();
      // A rebuild from scratch gives the same rows.
      await store.rebuildRollups();
      await expectRollupsAgree();
      expect((await queries.summary({ ownerId: owner }, D0 - DAY, D0 + 2 * DAY)).calls).toBe(3);
    });

    it.skipIf(target.name === 'sqlite')(
      'two nodes recording sessions of one account and day at once count each once',
      async () => {
        const other = await openDataSource(loadConfig({ DATABASE_URL: db.url }).database);
        try {
          const nodes = [store, new AnalyticsStoreRepository(other)];
          const base = D0 + 3 * DAY;
          const batches = Array.from({ length: 16 }, (_, i) => {
            const sid = `cs_${randomUUID().slice(0, 12)}`;
            const pid = `pa_n${i}_${randomUUID().slice(0, 6)}`;
            return [join(sid, pid, base + i * 1000), leave(sid, pid, base + i * 1000 + 30_000)];
          });
          // Each node applies its half; a batch that loses a deadlock is delivered again, as the stream does.
          const applyWithRetry = async (
            node: AnalyticsStoreRepository,
            events: AnalyticsEvent[],
          ) => {
            for (let attempt = 0; ; attempt++) {
              try {
                return await node.apply(events);
              } catch (err) {
                if (attempt >= 5) throw err;
              }
            }
          };
          await Promise.all(batches.map((events, i) => applyWithRetry(nodes[i % 2], events)));
          const summary = await queries.summary({ ownerId: owner }, base, base + DAY);
          expect(summary.calls).toBe(16);
          expect(summary.participantMs).toBe(16 * 30_000);
          expect(summary).toEqual(
            await queries.summaryFromSessions({ ownerId: owner }, base, base + DAY),
          );
        } finally {
          await other.destroy();
        }
      },
    );
  });
});
