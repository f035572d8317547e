import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In, LessThanOrEqual, type Repository } from 'typeorm';
import type { AnalyticsEvent } from '../analytics/analytics-events.js';
import { sql, SqlRunner, type Row, type SqlPlan } from '../analytics/analytics-sql.repository.js';
import { WebhookDeliveryEntity } from './webhook-delivery.entity.js';
import { WebhookEndpointEntity } from './webhook-endpoint.entity.js';
import {
  DISPATCHED_TYPES,
  parseEventTypes,
  webhookBody,
  type WebhookEventDraft,
} from './webhook-events.js';

/** A new delivery's message id (`msg_` and 32 hex digits). */
export function newMessageId(): string {
  return `msg_${randomUUID().replaceAll('-', '')}`;
}

/** What one {@link WebhookRepository.dispatch} did. */
export interface DispatchOutcome {
  /** Analytics events turned into webhook events now. */
  applied: number;
  /** Events skipped because an earlier delivery of the batch had dispatched them. */
  duplicates: number;
  /** Delivery rows created. */
  deliveries: number;
}

const num = (value: unknown): number => Number(value ?? 0);

/**
 * Webhook endpoints, their deliveries (with the attempt schedule), the per-room sequence numbers
 * and the dispatcher's receipts, in the relational store.
 */
@Injectable()
export class WebhookRepository {
  private readonly db: SqlRunner;
  private readonly endpoints: Repository<WebhookEndpointEntity>;
  private readonly deliveries: Repository<WebhookDeliveryEntity>;

  constructor(@Inject(DataSource) dataSource: DataSource) {
    this.db = new SqlRunner(dataSource);
    this.endpoints = dataSource.getRepository(WebhookEndpointEntity);
    this.deliveries = dataSource.getRepository(WebhookDeliveryEntity);
  }

  /** Stores a new endpoint and returns it. */
  async insertEndpoint(endpoint: WebhookEndpointEntity): Promise<WebhookEndpointEntity> {
    await this.endpoints.insert(endpoint);
    return this.endpoints.findOneByOrFail({ id: endpoint.id });
  }

  /** An endpoint by id, or null. */
  findEndpoint(id: string): Promise<WebhookEndpointEntity | null> {
    return this.endpoints.findOneBy({ id });
  }

  /** An account's endpoints, oldest first. */
  listEndpoints(ownerId: string): Promise<WebhookEndpointEntity[]> {
    return this.endpoints.find({ where: { ownerId }, order: { createdAt: 'ASC' } });
  }

  /** How many endpoints an account has. */
  countEndpoints(ownerId: string): Promise<number> {
    return this.endpoints.countBy({ ownerId });
  }

  /** Changes an endpoint's fields and returns it. */
  async updateEndpoint(
    id: string,
    patch: Partial<Omit<WebhookEndpointEntity, 'id' | 'ownerId' | 'createdAt'>>,
  ): Promise<WebhookEndpointEntity> {
    await this.endpoints.update({ id }, patch);
    return this.endpoints.findOneByOrFail({ id });
  }

  /** Deletes an endpoint and its delivery log. */
  async deleteEndpoint(id: string): Promise<void> {
    await this.deliveries.delete({ endpointId: id });
    await this.endpoints.delete({ id });
  }

  /** An endpoint's most recent deliveries, newest first. */
  listDeliveries(endpointId: string, limit: number): Promise<WebhookDeliveryEntity[]> {
    return this.deliveries.find({
      where: { endpointId },
      order: { createdAt: 'DESC', sequence: 'DESC' },
      take: limit,
    });
  }

  /** Pending deliveries whose next attempt is due, the most overdue first. */
  dueDeliveries(now: number, limit: number): Promise<WebhookDeliveryEntity[]> {
    return this.deliveries.find({
      where: { status: 'pending', nextAttemptAt: LessThanOrEqual(String(now)) },
      order: { nextAttemptAt: 'ASC' },
      take: limit,
    });
  }

  /**
   * Takes a due delivery for one attempt by moving its next attempt to `leaseUntil` (so a node
   * that dies mid-attempt leaves it to be retried then); false when another node took it first.
   */
  async claim(delivery: WebhookDeliveryEntity, leaseUntil: number): Promise<boolean> {
    const result = await this.deliveries.update(
      { id: delivery.id, status: 'pending', nextAttemptAt: delivery.nextAttemptAt ?? undefined },
      { nextAttemptAt: String(leaseUntil) },
    );
    return (result.affected ?? 0) === 1;
  }

  /** Records an attempt's outcome: the delivery's new state and the attempt count. */
  async recordAttempt(
    id: string,
    outcome: {
      status: 'pending' | 'succeeded' | 'failed';
      attempts: number;
      statusCode: number | null;
      error: string | null;
      nextAttemptAt: number | null;
      now: number;
    },
  ): Promise<void> {
    await this.deliveries.update(
      { id },
      {
        status: outcome.status,
        attempts: outcome.attempts,
        lastStatusCode: outcome.statusCode,
        lastError: outcome.error?.slice(0, 255) ?? null,
        nextAttemptAt: outcome.nextAttemptAt === null ? null : String(outcome.nextAttemptAt),
        updatedAt: String(outcome.now),
      },
    );
  }

  /** Counts a failed attempt against an endpoint; returns its failures in a row. */
  async countFailure(endpointId: string): Promise<number> {
    await this.endpoints.increment({ id: endpointId }, 'consecutiveFailures', 1);
    const row = await this.endpoints.findOneBy({ id: endpointId });
    return row?.consecutiveFailures ?? 0;
  }

  /** Clears an endpoint's failures in a row after a success. */
  async resetFailures(endpointId: string): Promise<void> {
    await this.endpoints.update({ id: endpointId }, { consecutiveFailures: 0 });
  }

  /** Disables an active endpoint, saying why; its pending deliveries fail. */
  async disable(endpointId: string, reason: string, now: number): Promise<void> {
    await this.endpoints.update(
      { id: endpointId, status: 'active' },
      { status: 'disabled', disabledReason: reason.slice(0, 255), updatedAt: String(now) },
    );
    await this.failPending([endpointId], 'The endpoint is disabled.', now);
  }

  /** Gives up the pending deliveries of these endpoints. */
  async failPending(endpointIds: string[], error: string, now: number): Promise<void> {
    if (endpointIds.length === 0) return;
    await this.deliveries.update(
      { endpointId: In(endpointIds), status: 'pending' },
      { status: 'failed', lastError: error, nextAttemptAt: null, updatedAt: String(now) },
    );
  }

  /** Deletes receipts and finished deliveries older than `before`; returns how many rows went. */
  async sweep(before: number): Promise<number> {
    let deleted = await this.db.run('DELETE FROM webhook_receipts WHERE received_at < ?', [before]);
    deleted += await this.db.run(
      "DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < ?",
      [before],
    );
    return deleted;
  }

  /**
   * Turns a batch of analytics events into webhook events with their room sequence numbers and
   * one delivery per subscribed active endpoint of the room's owner, in one transaction with a
   * receipt per event, so an event delivered twice is dispatched once.
   */
  dispatch(events: readonly AnalyticsEvent[], now = Date.now()): Promise<DispatchOutcome> {
    const relevant = events.filter((e) => DISPATCHED_TYPES.has(e.type));
    if (relevant.length === 0) return Promise.resolve({ applied: 0, duplicates: 0, deliveries: 0 });
    return this.db.transaction(() => this.dispatchPlan(relevant, now));
  }

  private *dispatchPlan(events: readonly AnalyticsEvent[], now: number): SqlPlan<DispatchOutcome> {
    const outcome: DispatchOutcome = { applied: 0, duplicates: 0, deliveries: 0 };
    const owners = new Map<string, string | null>();
    const targets = new Map<string, Row[]>();
    const insertIgnore =
      this.db.dialect === 'mysql'
        ? 'INSERT IGNORE INTO webhook_rooms (room_id, last_sequence, open_legs) VALUES (?, 0, 0)'
        : 'INSERT INTO webhook_rooms (room_id, last_sequence, open_legs) VALUES (?, 0, 0) ON CONFLICT DO NOTHING';
    for (const event of events) {
      const roomId = event.data.roomId;
      if (!owners.has(roomId)) {
        const [row] = yield sql('SELECT owner_id FROM rooms WHERE id = ?', [roomId]);
        owners.set(roomId, row && typeof row.owner_id === 'string' ? row.owner_id : null);
      }
      const owner = owners.get(roomId) ?? null;
      if (owner !== null && !targets.has(owner)) {
        targets.set(
          owner,
          yield sql(
            "SELECT id, event_types FROM webhook_endpoints WHERE owner_id = ? AND status = 'active'",
            [owner],
          ),
        );
      }
      const endpoints = owner === null ? [] : (targets.get(owner) ?? []);
      // Nobody to tell: no receipt, no sequence number (receivers see numbers rise, not gapless).
      if (endpoints.length === 0) {
        outcome.applied++;
        continue;
      }
      const seen = yield sql('SELECT event_id FROM webhook_receipts WHERE event_id = ?', [
        event.id,
      ]);
      if (seen.length > 0) {
        outcome.duplicates++;
        continue;
      }
      yield sql('INSERT INTO webhook_receipts (event_id, received_at) VALUES (?, ?)', [
        event.id,
        now,
      ]);
      outcome.applied++;
      yield sql(insertIgnore, [roomId]);
      const drafts: WebhookEventDraft[] = [];
      switch (event.type) {
        case 'participant.joined': {
          const d = event.data;
          if (d.sessionStarted) {
            drafts.push({
              type: 'room.started',
              roomId,
              at: event.at,
              data: { sessionId: d.sessionId },
            });
          }
          drafts.push({
            type: 'participant.joined',
            roomId,
            at: event.at,
            data: {
              sessionId: d.sessionId,
              participantId: d.participantId,
              principalId: d.principalId,
              principalKind: d.principalKind,
              topology: d.topology,
            },
          });
          break;
        }
        case 'participant.left': {
          const d = event.data;
          drafts.push({
            type: 'participant.left',
            roomId,
            at: event.at,
            data: { sessionId: d.sessionId, participantId: d.participantId, reason: d.reason },
          });
          break;
        }
        case 'session.ended':
          drafts.push({
            type: 'room.ended',
            roomId,
            at: event.at,
            data: { sessionId: event.data.sessionId },
          });
          break;
        case 'participant.join_failed':
          drafts.push({
            type: 'participant.join_failed',
            roomId,
            at: event.at,
            data: { principalKind: event.data.principalKind, reason: event.data.reason },
          });
          break;
        case 'participant.reconnecting':
        case 'participant.resumed':
        case 'quality.reported':
        case 'moderation.action':
          break;
      }
      for (const draft of drafts) {
        yield sql('UPDATE webhook_rooms SET last_sequence = last_sequence + 1 WHERE room_id = ?', [
          roomId,
        ]);
        const [room] = yield sql('SELECT last_sequence FROM webhook_rooms WHERE room_id = ?', [
          roomId,
        ]);
        const sequence = num(room?.last_sequence);
        const body = webhookBody(draft, sequence);
        for (const endpoint of endpoints) {
          const types = parseEventTypes(String(endpoint.event_types));
          if (!types.includes(draft.type)) continue;
          yield sql(
            'INSERT INTO webhook_deliveries (id, endpoint_id, event_type, room_id, sequence, payload, status, attempts, next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)',
            [
              newMessageId(),
              String(endpoint.id),
              draft.type,
              roomId,
              sequence,
              body,
              'pending',
              now,
              now,
              now,
            ],
          );
          outcome.deliveries++;
        }
      }
    }
    return outcome;
  }
}
