import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { CALL_STATE, type CallState } from '../calls/call-state.js';
import { EventBus, type ServerEvents } from '../common/event-bus.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../common/logger.js';
import {
  sessionEndedEventId,
  type AnalyticsEvent,
  type AnalyticsEventMap,
  type AnalyticsEventType,
  type LegEndReason,
} from './analytics-events.js';
import { ANALYTICS_STREAM, type AnalyticsStream } from './analytics-stream.js';

/** How long the publisher remembers that a connection ended because its token expired. */
const EXPIRED_MEMORY_MS = 60_000;
/** Most sessions whose end it remembers having published (one publication per node suffices). */
const ENDED_MEMORY = 1000;

/**
 * Turns the call events of the internal event bus into analytics events on the stream. It runs
 * inside the emitter's call (the call path) and only ever queues: publishing never waits and
 * never throws, and a full backlog drops the event and counts it.
 *
 * Two facts the call events do not carry are added here: a leg the server ended because the
 * connection's token expired ends as `token_expired` (the call side says `removed`; the gateway
 * says `socket.token_expired` just before), and after each leave the live call state is read,
 * off the call path, to publish `session.ended` once nobody of that session is left.
 */
@Injectable()
export class AnalyticsPublisher implements OnModuleDestroy {
  private readonly unsubscribe: Array<() => void> = [];
  /** Connections ended for an expired token, with when: their `removed` legs are `token_expired`. */
  private readonly expired = new Map<string, number>();
  /** Sessions whose end this node published, oldest first. */
  private readonly ended = new Set<string>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EventBus) events: EventBus,
    @Inject(ANALYTICS_STREAM) private readonly stream: AnalyticsStream,
    @Inject(CALL_STATE) private readonly calls: CallState,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {
    if (!config.analytics.enabled) return;
    this.unsubscribe.push(
      events.on('socket.token_expired', ({ connectionId }) => {
        const now = Date.now();
        for (const [id, at] of this.expired) {
          if (now - at < EXPIRED_MEMORY_MS) break;
          this.expired.delete(id);
        }
        this.expired.set(connectionId, now);
      }),
      events.on('call.left', (e) => this.left(e)),
      events.on(
        'call.joined',
        (e) =>
          void this.publish('participant.joined', {
            roomId: e.roomId,
            sessionId: e.sessionId,
            participantId: e.participantId,
            principalId: e.principalId,
            principalKind: e.principalKind,
            sessionStarted: e.sessionStarted,
            topology: e.topology,
            client: {
              sdk: e.client?.sdk ?? null,
              browser: e.client?.browser ?? null,
              os: e.client?.os ?? null,
            },
            joinLatencyMs: e.latencyMs,
            displayName: this.config.analytics.storeNames ? e.displayName : null,
          }),
      ),
      events.on('call.reconnecting', (e) => void this.publish('participant.reconnecting', e)),
      events.on(
        'call.resumed',
        ({ roomId, sessionId, participantId }) =>
          void this.publish('participant.resumed', { roomId, sessionId, participantId }),
      ),
      events.on('moderation.action', (e) => void this.publish('moderation.action', { ...e })),
      events.on(
        'call.join_failed',
        (e) =>
          void this.publish('participant.join_failed', {
            roomId: e.roomId,
            principalId: e.principalId,
            principalKind: e.principalKind,
            reason: e.reason,
          }),
      ),
    );
  }

  /** Queues one event with a fresh id (or `id`); false when it was dropped. */
  publish<K extends AnalyticsEventType>(
    type: K,
    data: AnalyticsEventMap[K],
    id: string = randomUUID(),
  ): boolean {
    if (!this.config.analytics.enabled) return false;
    return this.stream.publish({ id, type, at: Date.now(), data } as AnalyticsEvent);
  }

  private left(e: ServerEvents['call.left']): Promise<void> {
    const tokenExpired =
      e.reason === 'removed' && e.socketId !== undefined && this.expired.has(e.socketId);
    const reason: LegEndReason = tokenExpired ? 'token_expired' : e.reason;
    this.publish('participant.left', {
      roomId: e.roomId,
      sessionId: e.sessionId,
      participantId: e.participantId,
      reason,
    });
    return this.endIfEmpty(e.roomId, e.sessionId);
  }

  /** Publishes `session.ended` when nobody of the session is left in the room's call. */
  private async endIfEmpty(roomId: string, sessionId: string): Promise<void> {
    if (this.ended.has(sessionId)) return;
    let remaining: Awaited<ReturnType<CallState['list']>>;
    try {
      remaining = await this.calls.list(roomId);
    } catch (err) {
      this.logger.warn({ err, roomId }, 'reading the call state for a session end failed');
      return;
    }
    // Someone who joined after the room emptied is in a new session: this one is still over.
    if (remaining.some((p) => p.sessionId === sessionId) || this.ended.has(sessionId)) return;
    this.ended.add(sessionId);
    if (this.ended.size > ENDED_MEMORY) this.ended.delete(this.ended.values().next().value!);
    this.publish('session.ended', { roomId, sessionId }, sessionEndedEventId(sessionId));
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }
}
