import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { EventBus } from '../common/event-bus.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import type { AnalyticsEventMap, AnalyticsEventType } from './analytics-events.js';
import { ANALYTICS_STREAM, type AnalyticsStream } from './analytics-stream.js';

/**
 * Turns the call events of the internal event bus into analytics events on the stream. It runs
 * inside the emitter's call (the call path) and only ever queues: publishing never waits and
 * never throws, and a full backlog drops the event and counts it.
 */
@Injectable()
export class AnalyticsPublisher implements OnModuleDestroy {
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EventBus) events: EventBus,
    @Inject(ANALYTICS_STREAM) private readonly stream: AnalyticsStream,
  ) {
    if (!config.analytics.enabled) return;
    this.unsubscribe.push(
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
      events.on(
        'call.left',
        (e) =>
          void this.publish('participant.left', {
            roomId: e.roomId,
            sessionId: e.sessionId,
            participantId: e.participantId,
            reason: e.reason,
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

  /** Queues one event with a fresh id; false when it was dropped. */
  publish<K extends AnalyticsEventType>(type: K, data: AnalyticsEventMap[K]): boolean {
    if (!this.config.analytics.enabled) return false;
    return this.stream.publish({
      id: randomUUID(),
      type,
      at: Date.now(),
      data,
    } as Parameters<AnalyticsStream['publish']>[0]);
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }
}
