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
  };
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
    ];
  }

  /** The number of open connections of each kind. */
  openConnections(kind: 'user' | 'guest'): number {
    return this.open.get(kind) ?? 0;
  }

  /** The counters in Prometheus text exposition format 0.0.4. */
  render(): string {
    const c = this.counters;
    const lines = [
      '# HELP minimeet_registrations_total Accounts created.',
      '# TYPE minimeet_registrations_total counter',
      `minimeet_registrations_total ${c.registrations}`,
      '# HELP minimeet_logins_total Successful password logins.',
      '# TYPE minimeet_logins_total counter',
      `minimeet_logins_total ${c.logins}`,
      '# HELP minimeet_logouts_total Logouts.',
      '# TYPE minimeet_logouts_total counter',
      `minimeet_logouts_total ${c.logouts}`,
      '# HELP minimeet_refresh_token_reuse_total Refresh tokens presented twice (families revoked).',
      '# TYPE minimeet_refresh_token_reuse_total counter',
      `minimeet_refresh_token_reuse_total ${c.refreshReuses}`,
      '# HELP minimeet_socket_connections_opened_total Socket.IO connections accepted.',
      '# TYPE minimeet_socket_connections_opened_total counter',
      `minimeet_socket_connections_opened_total ${c.connectionsOpened}`,
      '# HELP minimeet_socket_connections_closed_total Socket.IO connections closed.',
      '# TYPE minimeet_socket_connections_closed_total counter',
      `minimeet_socket_connections_closed_total ${c.connectionsClosed}`,
      '# HELP minimeet_socket_connection_seconds_total Time closed connections stayed open.',
      '# TYPE minimeet_socket_connection_seconds_total counter',
      `minimeet_socket_connection_seconds_total ${c.connectionSecondsTotal.toFixed(3)}`,
      '# HELP minimeet_socket_connections Open Socket.IO connections.',
      '# TYPE minimeet_socket_connections gauge',
      `minimeet_socket_connections{kind="user"} ${this.openConnections('user')}`,
      `minimeet_socket_connections{kind="guest"} ${this.openConnections('guest')}`,
    ];
    return `${lines.join('\n')}\n`;
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe) off();
  }
}
