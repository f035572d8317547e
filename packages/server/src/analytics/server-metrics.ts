import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { EventBus } from '../common/event-bus.js';
import type { LegSample } from './analytics-events.js';

/** Where the deployment-wide figures come from (the shared call state and the stream), read at each scrape. */
export interface MetricsSources {
  /** Rooms with a call and participants in calls, across every node. */
  calls(): Promise<{ rooms: number; participants: number }>;
  /** This node's analytics backlog and drops, and the recorder group's lag in the shared stream. */
  analytics(): Promise<{ backlog: number; dropped: number; published: number; lag: number }>;
}

/**
 * The server's Prometheus metrics, through prom-client: the process and Node.js defaults (CPU,
 * memory, event-loop lag), this node's counters (accounts, connections, joins, relayed signals,
 * quality), and deployment-wide gauges read from the shared state at each scrape. Names follow the
 * Prometheus conventions: base units (seconds, ratios), `_total` on counters only, no room or user
 * ids in labels. Each app instance has a registry of its own.
 */
@Injectable()
export class ServerMetrics implements OnModuleDestroy {
  /** The registry `/api/metrics` renders. */
  readonly registry = new Registry();
  private sources: MetricsSources | null = null;
  private readonly unsubscribe: Array<() => void>;
  private readonly kinds = new Map<string, 'user' | 'guest'>();
  private readonly joinDuration: Histogram<'outcome'>;
  private readonly joins: Counter<'outcome'>;
  private readonly sessionDuration: Histogram;
  private readonly mos: Histogram;
  private readonly loss: Histogram;
  private readonly samplesRejected: Counter<'reason'>;
  private readonly webhookDeliveries: Counter<'outcome'>;

  constructor(@Inject(EventBus) events: EventBus) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const counter = (name: string, help: string) =>
      new Counter({ name: `minimeet_${name}`, help, registers });
    const registrations = counter('registrations_total', 'Accounts created.');
    const logins = counter('logins_total', 'Successful password logins.');
    const logouts = counter('logouts_total', 'Logouts.');
    const reuses = counter(
      'refresh_token_reuse_total',
      'Refresh tokens presented twice (families revoked).',
    );
    const opened = counter('socket_connections_opened_total', 'Socket.IO connections accepted.');
    const closed = counter('socket_connections_closed_total', 'Socket.IO connections closed.');
    const connectionSeconds = counter(
      'socket_connection_seconds_total',
      'Time closed connections stayed open, in seconds.',
    );
    const relayed = counter(
      'signalling_messages_relayed_total',
      'WebRTC offers, answers and candidates relayed by this node.',
    );
    const open = new Gauge({
      name: 'minimeet_socket_connections',
      help: 'Open Socket.IO connections on this node.',
      labelNames: ['kind'],
      registers,
    });
    open.set({ kind: 'user' }, 0);
    open.set({ kind: 'guest' }, 0);
    this.joins = new Counter({
      name: 'minimeet_call_joins_total',
      help: 'join_room requests answered by this node (resumes excluded), by outcome: joined or the error code.',
      labelNames: ['outcome'],
      registers,
    });
    this.joinDuration = new Histogram({
      name: 'minimeet_call_join_duration_seconds',
      help: 'Time from a join_room request to its seat (or refusal) on the server.',
      labelNames: ['outcome'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.sessionDuration = new Histogram({
      name: 'minimeet_call_session_duration_seconds',
      help: 'Length of ended call sessions (first join to last leave), counted once by the node that recorded the end.',
      buckets: [30, 60, 300, 600, 1800, 3600, 7200, 14_400],
      registers,
    });
    this.mos = new Histogram({
      name: 'minimeet_call_quality_mos',
      help: 'Audio MOS estimates (1 to 5) of the quality samples reported to this node.',
      buckets: [1.5, 2, 2.5, 3, 3.5, 3.8, 4, 4.2, 4.4, 5],
      registers,
    });
    this.loss = new Histogram({
      name: 'minimeet_call_quality_packet_loss_ratio',
      help: 'Inbound packet loss (0 to 1) of the quality samples reported to this node.',
      buckets: [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1],
      registers,
    });
    this.samplesRejected = new Counter({
      name: 'minimeet_call_quality_samples_rejected_total',
      help: 'Quality samples refused by this node, by reason (stale, future, rate_limited).',
      labelNames: ['reason'],
      registers,
    });
    this.webhookDeliveries = new Counter({
      name: 'minimeet_webhook_deliveries_total',
      help: 'Webhook delivery attempts, by outcome (succeeded, retrying: failed and scheduled again, failed: given up).',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of ['succeeded', 'retrying', 'failed'])
      this.webhookDeliveries.inc({ outcome }, 0);
    const sources = () => this.sources;
    new Gauge({
      name: 'minimeet_call_rooms',
      help: 'Rooms with a call in progress, deployment-wide (every node reports the same value: aggregate with max).',
      labelNames: ['topology'],
      registers,
      async collect() {
        const counts = await sources()?.calls();
        // Every call runs on the mesh until the SFU exists.
        this.set({ topology: 'mesh' }, counts?.rooms ?? 0);
      },
    });
    new Gauge({
      name: 'minimeet_call_participants',
      help: 'Participants in calls, including those reconnecting, deployment-wide (aggregate with max).',
      labelNames: ['topology'],
      registers,
      async collect() {
        const counts = await sources()?.calls();
        this.set({ topology: 'mesh' }, counts?.participants ?? 0);
      },
    });
    let droppedSeen = 0;
    let publishedSeen = 0;
    new Gauge({
      name: 'minimeet_analytics_backlog_events',
      help: 'Analytics events waiting on this node to enter the stream (or, in process, to be recorded).',
      registers,
      async collect() {
        this.set((await sources()?.analytics())?.backlog ?? 0);
      },
    });
    new Gauge({
      name: 'minimeet_analytics_stream_lag_events',
      help: 'Analytics events not yet recorded: undelivered or unacknowledged in the shared stream (deployment-wide with Redis: aggregate with max).',
      registers,
      async collect() {
        this.set((await sources()?.analytics())?.lag ?? 0);
      },
    });
    new Counter({
      name: 'minimeet_analytics_events_dropped_total',
      help: 'Analytics events this node dropped because its backlog was full.',
      registers,
      async collect() {
        const dropped = (await sources()?.analytics())?.dropped ?? droppedSeen;
        if (dropped > droppedSeen) this.inc(dropped - droppedSeen);
        droppedSeen = dropped;
      },
    });
    new Counter({
      name: 'minimeet_analytics_events_published_total',
      help: 'Analytics events this node published.',
      registers,
      async collect() {
        const published = (await sources()?.analytics())?.published ?? publishedSeen;
        if (published > publishedSeen) this.inc(published - publishedSeen);
        publishedSeen = published;
      },
    });

    this.unsubscribe = [
      events.on('user.registered', () => registrations.inc()),
      events.on('user.logged_in', () => logins.inc()),
      events.on('user.logged_out', () => logouts.inc()),
      events.on('auth.refresh_reused', () => reuses.inc()),
      events.on('socket.connected', (e) => {
        opened.inc();
        this.kinds.set(e.connectionId, e.principalKind);
        open.inc({ kind: e.principalKind });
      }),
      events.on('socket.disconnected', (e) => {
        closed.inc();
        connectionSeconds.inc(e.durationMs / 1000);
        const kind = this.kinds.get(e.connectionId);
        this.kinds.delete(e.connectionId);
        if (kind) open.dec({ kind });
      }),
      events.on('call.joined', (e) => {
        this.joins.inc({ outcome: 'joined' });
        this.joinDuration.observe({ outcome: 'joined' }, e.latencyMs / 1000);
      }),
      events.on('call.join_failed', (e) => {
        this.joins.inc({ outcome: e.reason });
        this.joinDuration.observe({ outcome: 'refused' }, e.latencyMs / 1000);
      }),
      events.on('call.signal_relayed', () => relayed.inc()),
    ];
  }

  /** Hands the metrics their deployment-wide sources; until then those gauges read 0. */
  setSources(sources: MetricsSources): void {
    this.sources = sources;
  }

  /** Counts the quality of one accepted sample. */
  observeSample(sample: LegSample): void {
    if (sample.mosX100 !== null) this.mos.observe(sample.mosX100 / 100);
    if (sample.lossBp !== null) this.loss.observe(sample.lossBp / 10_000);
  }

  /** Counts samples refused for `reason`. */
  rejectSamples(reason: 'stale' | 'future' | 'rate_limited', count: number): void {
    if (count > 0) this.samplesRejected.inc({ reason }, count);
  }

  /** Counts one webhook delivery attempt by its outcome. */
  countWebhookAttempt(outcome: 'succeeded' | 'retrying' | 'failed'): void {
    this.webhookDeliveries.inc({ outcome });
  }

  /** Counts a session the recorder found ended, once. */
  observeSessionEnded(durationMs: number): void {
    this.sessionDuration.observe(durationMs / 1000);
  }

  /** The exposition text. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** The content type of {@link render}'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe) off();
    this.registry.clear();
  }
}
