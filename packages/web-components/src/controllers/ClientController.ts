import {
  ClientEvent,
  ConnectionState,
  type ClientEventCallbacks,
  type ConnectionError,
  type MinimeetClient,
  type Principal,
} from '@minimeet/sdk';
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** What an element needs to know to show a client's connection. */
export interface ConnectionSnapshot {
  /** Where the connection stands. */
  readonly state: ConnectionState;
  /** Who the server authenticated; kept while reconnecting, undefined when disconnected. */
  readonly principal: Principal | undefined;
  /** The reconnect attempt under way or scheduled, from 1; 0 unless reconnecting. */
  readonly reconnectAttempt: number;
  /**
   * Why the connection dropped (while reconnecting) or ended (when disconnected); undefined when
   * connecting, connected, or disconnected on purpose.
   */
  readonly error: ConnectionError | undefined;
}

/** One change of a client's {@link ConnectionState}, with the facts that came with it. */
export interface ConnectionTransition extends ConnectionSnapshot {
  /** The state before this change. */
  readonly previousState: ConnectionState;
}

/** Options of a {@link ClientController}. */
export interface ClientControllerOptions {
  /**
   * Called once per state change while the host is connected to the document, after the SDK has
   * reported everything that belongs to the change (such as the error of a disconnection).
   */
  onTransition?: (transition: ConnectionTransition) => void;
}

const IDLE: ConnectionSnapshot = {
  state: ConnectionState.Disconnected,
  principal: undefined,
  reconnectAttempt: 0,
  error: undefined,
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * A Lit reactive controller that binds a {@link MinimeetClient}'s connection to an element: it
 * listens to the client's connection events while the host is in the document, keeps a
 * {@link ConnectionSnapshot}, and asks the host to re-render when it changes. It never opens or
 * closes a connection itself.
 *
 * @example
 * ```ts
 * class MyStatus extends LitElement {
 *   private readonly connection = new ClientController(this);
 *   protected override willUpdate() {
 *     this.connection.setClient(this.client);
 *   }
 * }
 * ```
 */
export class ClientController implements ReactiveController {
  private readonly host: ReactiveControllerHost;
  private readonly onTransition: ((transition: ConnectionTransition) => void) | undefined;
  private client: MinimeetClient | undefined;
  private attached = false;
  private current: ConnectionSnapshot = IDLE;
  // State changes whose companion events (error, attempt) may still arrive in the same tick.
  private pending: Mutable<ConnectionTransition>[] = [];

  /** Creates the controller and adds it to `host`. */
  constructor(host: ReactiveControllerHost, options: ClientControllerOptions = {}) {
    this.host = host;
    this.onTransition = options.onTransition;
    host.addController(this);
  }

  /** The latest known state of the bound client's connection. */
  get snapshot(): ConnectionSnapshot {
    return this.current;
  }

  /** Binds another client (or none); listeners move with it and the host re-renders. */
  setClient(client: MinimeetClient | undefined): void {
    if (client === this.client) return;
    this.unsubscribe();
    this.pending = [];
    this.client = client;
    this.current = this.readClient();
    if (this.attached) this.subscribe();
    this.host.requestUpdate();
  }

  /** Subscribes to the bound client when the host enters the document. */
  hostConnected(): void {
    this.attached = true;
    // The client may have moved on while the host was out of the document.
    const latest = this.readClient();
    if (latest.state !== this.current.state || latest.principal !== this.current.principal) {
      this.current = latest;
      this.host.requestUpdate();
    }
    this.subscribe();
  }

  /** Unsubscribes when the host leaves the document, so a detached element holds no listeners. */
  hostDisconnected(): void {
    this.attached = false;
    this.unsubscribe();
    this.pending = [];
  }

  private readonly handleStateChanged: ClientEventCallbacks[ClientEvent.ConnectionStateChanged] = (
    state,
    previousState,
  ) => {
    this.current = {
      state,
      principal: this.client?.principal,
      reconnectAttempt: 0,
      error: undefined,
    };
    this.pending.push({ ...this.current, previousState });
    if (this.pending.length === 1) queueMicrotask(() => this.flush());
    this.host.requestUpdate();
  };

  private readonly handleReconnecting: ClientEventCallbacks[ClientEvent.Reconnecting] = (cause) => {
    this.patch(ConnectionState.Reconnecting, { error: cause });
  };

  private readonly handleReconnectScheduled: ClientEventCallbacks[ClientEvent.ReconnectScheduled] =
    (attempt) => {
      this.patch(ConnectionState.Reconnecting, { reconnectAttempt: attempt });
    };

  private readonly handleDisconnected: ClientEventCallbacks[ClientEvent.Disconnected] = (error) => {
    this.patch(ConnectionState.Disconnected, { error });
  };

  // Adds what a companion event says to the current state and to the change not yet announced.
  private patch(state: ConnectionState, facts: Partial<ConnectionSnapshot>): void {
    if (this.current.state !== state) return;
    this.current = { ...this.current, ...facts };
    const last = this.pending.at(-1);
    if (last?.state === state) Object.assign(last, facts);
    this.host.requestUpdate();
  }

  private flush(): void {
    const transitions = this.pending;
    this.pending = [];
    if (!this.attached) return;
    for (const transition of transitions) this.onTransition?.(transition);
  }

  private readClient(): ConnectionSnapshot {
    const client = this.client;
    if (!client) return IDLE;
    return { ...IDLE, state: client.state, principal: client.principal };
  }

  private subscribe(): void {
    const client = this.client;
    if (!client) return;
    client.on(ClientEvent.ConnectionStateChanged, this.handleStateChanged);
    client.on(ClientEvent.Reconnecting, this.handleReconnecting);
    client.on(ClientEvent.ReconnectScheduled, this.handleReconnectScheduled);
    client.on(ClientEvent.Disconnected, this.handleDisconnected);
  }

  private unsubscribe(): void {
    const client = this.client;
    if (!client) return;
    client.off(ClientEvent.ConnectionStateChanged, this.handleStateChanged);
    client.off(ClientEvent.Reconnecting, this.handleReconnecting);
    client.off(ClientEvent.ReconnectScheduled, this.handleReconnectScheduled);
    client.off(ClientEvent.Disconnected, this.handleDisconnected);
  }
}
