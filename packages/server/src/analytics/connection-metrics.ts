import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { EventBus } from '../common/event-bus.js';

/**
 * Counts what happens to accounts and connections, from the internal event bus, and renders the
 * counts in the Prometheus text format.
 */
@Injectable()
export class ConnectionMetrics implements OnModuleDestroy {
  private readonly counters = {
    registrations: 0,
    logins: 0,
    logouts: 0,
    refreshReuses: 0,
    connectionsOpened: 0,
    connectionsClosed: 0,
    connectionSecondsTotal: 0,
    signalsRelayed: 0,
  };
  /** Participants in each room's call (including those within their reconnect grace period). */
  private readonly callParticipants = new Map<string, number>();
  private readonly open = new Map<'user' | 'guest', number>([
    ['user', 0],
    ['guest', 0],
  ]);
  private readonly kinds = new Map<string, 'user' | 'guest'>();
  private readonly unsubscribe: Array<() => void>;

  constructor(@Inject(EventBus) events: EventBus) {
    this.unsubscribe = [
      events.on('user.registered', () => void this.counters.registrations++),
      events.on('user.logged_in', () => void this.counters.logins++),
      events.on('user.logged_out', () => void this.counters.logouts++),
      events.on('auth.refresh_reused', () => void this.counters.refreshReuses++),
      events.on('socket.connected', (e) => {
        this.counters.connectionsOpened++;
        this.kinds.set(e.connectionId, e.principalKind);
        this.open.set(e.principalKind, (this.open.get(e.principalKind) ?? 0) + 1);
      }),
      events.on('socket.disconnected', (e) => {
        this.counters.connectionsClosed++;
        this.counters.connectionSecondsTotal += e.durationMs / 1000;
        const kind = this.kinds.get(e.connectionId);
        this.kinds.delete(e.connectionId);
        if (kind) this.open.set(kind, Math.max(0, (this.open.get(kind) ?? 0) - 1));
      }),
      events.on('call.joined', (e) => {
        this.callParticipants.set(e.roomId, (this.callParticipants.get(e.roomId) ?? 0) + 1);
      }),
      events.on('call.left', (e) => {
        const left = (this.callParticipants.get(e.roomId) ?? 0) - 1;
        if (left > 0) this.callParticipants.set(e.roomId, left);
        else this.callParticipants.delete(e.roomId);
      }),
      events.on('call.signal_relayed', () => void this.counters.signalsRelayed++),
    ];
  }

  /** The number of open connections of each kind. */
  openConnections(kind: 'user' | 'guest'): number {
    return this.open.get(kind) ?? 0;
  }

  /** The counters in Prometheus text exposition format 0.0.4. */
  render(): string {
    const c = this.counters;
    return [
      metric('registrations_total', 'counter', 'Accounts created.', [['', c.registrations]]),
      metric('logins_total', 'counter', 'Successful password logins.', [['', c.logins]]),
      metric('logouts_total', 'counter', 'Logouts.', [['', c.logouts]]),
      metric(
        'refresh_token_reuse_total',
        'counter',
        'Refresh tokens presented twice (families revoked).',
        [['', c.refreshReuses]],
      ),
      metric('socket_connections_opened_total', 'counter', 'Socket.IO connections accepted.', [
        ['', c.connectionsOpened],
      ]),
      metric('socket_connections_closed_total', 'counter', 'Socket.IO connections closed.', [
        ['', c.connectionsClosed],
      ]),
      metric('socket_connection_seconds_total', 'counter', 'Time closed connections stayed open.', [
        ['', Number(c.connectionSecondsTotal.toFixed(3))],
      ]),
      metric('socket_connections', 'gauge', 'Open Socket.IO connections.', [
        ['{kind="user"}', this.openConnections('user')],
        ['{kind="guest"}', this.openConnections('guest')],
      ]),
      metric('call_rooms', 'gauge', 'Rooms with a call in progress.', [
        ['', this.callParticipants.size],
      ]),
      metric('call_participants', 'gauge', 'Participants in calls, including those reconnecting.', [
        ['', [...this.callParticipants.values()].reduce((a, b) => a + b, 0)],
      ]),
      metric(
        'signalling_messages_relayed_total',
        'counter',
        'WebRTC offers, answers and candidates relayed.',
        [['', c.signalsRelayed]],
      ),
    ].join('');
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe) off();
  }
}

/** One metric family: HELP and TYPE lines, then a sample per label set. */
function metric(
  name: string,
  type: 'counter' | 'gauge',
  help: string,
  samples: Array<[labels: string, value: number]>,
): string {
  const full = `minimeet_${name}`;
  const lines = [
    `# HELP ${full} ${help}`,
    `# TYPE ${full} ${type}`,
    ...samples.map(([labels, value]) => `${full}${labels} ${value}`),
  ];
  return `${lines.join('\n')}\n`;
}
