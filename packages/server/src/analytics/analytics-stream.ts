import type { AnalyticsEvent } from './analytics-events.js';

/**
 * Receives a batch of events in stream order. Resolving acknowledges the whole batch; throwing
 * leaves it unacknowledged, and it is delivered again (to this consumer or, if this one dies,
 * to another), so a consumer must be idempotent by event id.
 */
export type AnalyticsConsumer = (events: AnalyticsEvent[]) => Promise<void>;

/** What a stream adapter reports for metrics. */
export interface AnalyticsStreamStats {
  /** Events published on this node and not yet handed to the stream (or, in process, not yet consumed). */
  backlog: number;
  /** Events this node dropped because the backlog was full. */
  dropped: number;
  /** Events this node published (accepted into the backlog). */
  published: number;
}

/**
 * The analytics event stream: producers publish without ever waiting, consumer groups each receive
 * every event at least once. A port: the in-process queue serves one node, Redis Streams (a
 * consumer group per consumer name, one consumer per node) a deployment of several.
 */
export interface AnalyticsStream {
  /**
   * Queues an event and returns at once, never throwing: the call path calls it. Returns false
   * when the bounded backlog is full and the event was dropped (and counted).
   */
  publish(event: AnalyticsEvent): boolean;
  /**
   * Starts delivering every event to `group` (each group gets them all; within a group each
   * event goes to one of its consumers, one per node). Call once per group, before traffic.
   */
  consume(group: string, handler: AnalyticsConsumer): Promise<void>;
  /** Counters for metrics. */
  stats(): AnalyticsStreamStats;
  /**
   * How many events of a group wait in the shared stream (not yet delivered, or delivered and
   * not acknowledged); the in-process queue reports its local backlog.
   */
  lag(group: string): Promise<number>;
  /** Stops consuming and flushes what it can within `timeoutMs`. */
  close(timeoutMs?: number): Promise<void>;
}

/** DI token of the {@link AnalyticsStream} port. */
export const ANALYTICS_STREAM = Symbol('ANALYTICS_STREAM');

/** Tuning shared by the adapters. */
export interface AnalyticsStreamOptions {
  /** Most events a node keeps waiting before it drops new ones. */
  maxBacklog: number;
  /** Most events handed to a consumer at once. */
  batchSize: number;
  /** How long to wait before delivering a batch again after its consumer threw, in ms. */
  retryDelayMs: number;
  /**
   * How long the in-process queue lets a batch gather after its first event before it is handed
   * over (at once when `batchSize` are waiting), in ms: the recorder's transaction runs on the
   * event loop with SQLite, so a few large batches cost the call path far less than many small ones.
   */
  lingerMs?: number;
}
