import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AnalyticsEvent,
  AnalyticsEventMap,
  AnalyticsEventType,
} from '../analytics/analytics-events.js';
import { loadConfig } from '../config/config.js';
import { openDataSource } from '../database/data-source.js';
import { RoomRepository } from '../rooms/room.repository.js';
import { DATABASE_TARGETS, type TestDatabase } from '../test/databases.js';
import { UserRepository } from '../users/user.repository.js';
import type { WebhookPayload } from './webhook-events.js';
import { WebhookRepository } from './webhook.repository.js';

const T0 = 1_780_000_000_000;

function ev<K extends AnalyticsEventType>(
  type: K,
  at: number,
  data: AnalyticsEventMap[K],
): AnalyticsEvent {
  return { id: randomUUID(), type, at, data } as AnalyticsEvent;
}

describe.each(DATABASE_TARGETS)('WebhookRepository on $name', (target) => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let repo: WebhookRepository;
  let ownerId: string;
  let roomId: string;
  let endpointId: string;

  beforeAll(async () => {
    db = await target.create();
    dataSource = await openDataSource(loadConfig({ DATABASE_URL: db.url }).database);
    repo = new WebhookRepository(dataSource);
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
    endpointId = randomUUID();
    await repo.insertEndpoint({
      id: endpointId,
      ownerId,
      url: 'https://hooks.example.test/minimeet',
      description: '',
      eventTypes: 'room.started,room.ended,participant.joined,participant.left',
      secret: 'whsec_AAAA',
      previousSecret: null,
      previousSecretExpiresAt: null,
      status: 'active',
      disabledReason: null,
      consecutiveFailures: 0,
      createdAt: String(T0),
      updatedAt: String(T0),
    });
  });

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await db?.drop();
  });

  const joined = (participantId: string, at: number, first: boolean) =>
    ev('participant.joined', at, {
      roomId,
      sessionId: 'cs_1',
      participantId,
      principalId: `user-${participantId}`,
      principalKind: 'user',
      sessionStarted: first,
      topology: 'mesh',
      client: { sdk: null, browser: null, os: null },
      joinLatencyMs: 3,
      displayName: null,
    });
  const left = (participantId: string, at: number) =>
    ev('participant.left', at, { roomId, sessionId: 'cs_1', participantId, reason: 'left' });

  it('numbers a call’s events per room, derives room.started and room.ended (from session.ended), and dispatches a redelivered event once', async () => {
    const batch = [
      joined('pa_a', T0, true),
      joined('pa_b', T0 + 10, false),
      left('pa_a', T0 + 20),
      ev('participant.join_failed', T0 + 25, {
        roomId,
        principalId: 'guest-x',
        principalKind: 'guest',
        reason: 'room_full',
      }),
    ];
    expect(await repo.dispatch(batch, T0 + 30)).toEqual({
      applied: 4,
      duplicates: 0,
      // The endpoint does not subscribe to participant.join_failed.
      deliveries: 4,
    });
    const last = left('pa_b', T0 + 40);
    const end = ev('session.ended', T0 + 41, { roomId, sessionId: 'cs_1' });
    // The session's end is published by each node that saw the room empty: one room.ended.
    expect(await repo.dispatch([batch[1], last, end, end], T0 + 50)).toEqual({
      applied: 2,
      duplicates: 2,
      deliveries: 2,
    });

    const log = await repo.listDeliveries(endpointId, 100);
    const events = log
      .map((d) => JSON.parse(d.payload) as WebhookPayload)
      .sort((a, b) => a.data.sequence - b.data.sequence);
    expect(events.map((e) => [e.data.sequence, e.type])).toEqual([
      [1, 'room.started'],
      [2, 'participant.joined'],
      [3, 'participant.joined'],
      [4, 'participant.left'],
      [6, 'participant.left'],
      [7, 'room.ended'],
    ]);
    expect(events[1]).toEqual({
      type: 'participant.joined',
      timestamp: new Date(T0).toISOString(),
      data: {
        roomId,
        sequence: 2,
        sessionId: 'cs_1',
        participantId: 'pa_a',
        principalId: 'user-pa_a',
        principalKind: 'user',
        topology: 'mesh',
      },
    });
    expect(log.every((d) => d.status === 'pending' && d.attempts === 0)).toBe(true);
  });

  it('claims a due delivery once, and keeps the attempt schedule in the store', async () => {
    const due = await repo.dueDeliveries(T0 + 60, 100);
    expect(due.length).toBeGreaterThan(0);
    const [first] = due;
    expect(await repo.claim(first, T0 + 10_000)).toBe(true);
    expect(await repo.claim(first, T0 + 10_000)).toBe(false);
    await repo.recordAttempt(first.id, {
      status: 'pending',
      attempts: 1,
      statusCode: 500,
      error: 'HTTP 500',
      nextAttemptAt: T0 + 5000,
      now: T0 + 70,
    });
    expect((await repo.dueDeliveries(T0 + 4999, 100)).map((d) => d.id)).not.toContain(first.id);
    const again = (await repo.dueDeliveries(T0 + 5000, 100)).find((d) => d.id === first.id);
    expect(again).toMatchObject({ attempts: 1, lastStatusCode: 500, lastError: 'HTTP 500' });
  });

  it('disables an endpoint, failing its pending deliveries', async () => {
    expect(await repo.countFailure(endpointId)).toBe(1);
    expect(await repo.countFailure(endpointId)).toBe(2);
    await repo.disable(endpointId, 'Disabled after 2 failed attempts in a row.', T0 + 100);
    expect(await repo.findEndpoint(endpointId)).toMatchObject({
      status: 'disabled',
      disabledReason: 'Disabled after 2 failed attempts in a row.',
    });
    expect(await repo.dueDeliveries(T0 + 1_000_000, 100)).toEqual([]);
  });
});
