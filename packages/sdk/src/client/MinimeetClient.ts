import {
  ErrorCode,
  type IceServersResponse,
  type Principal,
  type SessionInfo,
} from '@minimeet/protocol';
import type { ChatChannel } from '../chat/ChatChannel.js';
import { ChatManager } from '../chat/ChatManager.js';
import { resolveClientOptions } from '../defaults.js';
import {
  ConnectionError,
  ConnectionErrorReason,
  InvalidStateError,
  MinimeetError,
  SdkErrorCode,
  UnsupportedError,
  connectionErrorReasonOf,
} from '../errors.js';
import { ClientEvent, RoomEvent, type ClientEventCallbacks } from '../events.js';
import type {
  JoinRoomOptions,
  MessageSearchOptions,
  MinimeetClientOptions,
  ReconnectOptions,
  ResolvedClientOptions,
  TokenRequest,
  TokenSource,
} from '../options.js';
import { PresenceManager } from '../presence/PresenceManager.js';
import { Room } from '../room/Room.js';
import { RoomState } from '../room/RoomState.js';
import { searchMessages, type MessageSearchResults } from '../search/MessageSearch.js';
import { getJson, type RestContext } from '../utils/rest.js';
import type { ConnectionChange, SignalChannel } from '../signaling/SignalChannel.js';
import { SignalClient, type SignalCloseInfo } from '../signaling/SignalClient.js';
import { backoffDelay } from '../utils/backoff.js';
import { onNetworkSignal, type NetworkSignal } from '../utils/networkEvents.js';
import { withTimeout } from '../utils/timeout.js';
import { TypedEmitter } from '../utils/TypedEmitter.js';
import { basePath, parseServerUrl } from '../utils/url.js';
import { ConnectionState } from './ConnectionState.js';
import { TokenRefresher } from './TokenRefresher.js';

type Timer = ReturnType<typeof setTimeout>;

// A provider error with one of these codes means the user must sign in again; retrying is futile.
const AUTH_FAILURE_CODES: ReadonlySet<string> = new Set([
  ErrorCode.Unauthorized,
  ErrorCode.TokenInvalid,
  ErrorCode.TokenExpired,
  ErrorCode.TokenReused,
  ErrorCode.SessionRevoked,
  ErrorCode.AccountDisabled,
  ErrorCode.InvalidCredentials,
  ErrorCode.Forbidden,
]);

// A provider that keeps handing out tokens the server calls expired will not get better.
const MAX_EXPIRED_REFUSALS = 2;

const SCHEMES = ['http:', 'https:', 'ws:', 'wss:'] as const;

/**
 * The entry point of the SDK: one authenticated connection to a minimeet server. It connects
 * with a token or a token provider, reports its {@link ConnectionState} through typed events,
 * keeps the token fresh, and reconnects with exponential backoff after the connection drops.
 *
 * @example
 * ```ts
 * const client = createClient();
 * client.on(ClientEvent.ConnectionStateChanged, (state) => console.log(state));
 * const session = await client.connect('https://meet.example.com', auth.tokenProvider);
 * ```
 */
export class MinimeetClient extends TypedEmitter<ClientEventCallbacks> {
  /**
   * Presence across the app: follow users, set busy and a status text; reports this connection
   * away while the page is hidden or the user idle.
   */
  readonly presence: PresenceManager;
  private readonly options: ResolvedClientOptions;
  private readonly signal: SignalClient;
  private readonly chats: ChatManager;
  private connectionState = ConnectionState.Disconnected;
  private currentSession: SessionInfo | undefined;
  private serverUrl: URL | undefined;
  private tokenSource: TokenSource | undefined;
  // Bumped whenever the client starts over or stops; async work from an older epoch gives up.
  private epoch = 0;
  private reconnectAttempts = 0;
  private expiredRefusals = 0;
  private reconnectTimer: Timer | undefined;
  private readonly tokens: TokenRefresher;
  // The rooms joined through this client that have not ended: while there are any, a call is up.
  private readonly rooms = new Set<Room>();
  private stopNetworkWatch: (() => void) | undefined;
  // The browser said the network came back while an attempt ran: if it fails, retry at once.
  private retryAtOnce = false;
  private probing: SessionInfo | undefined;
  private readonly networkChangeListeners = new Set<() => void>();

  /** Creates a disconnected client; throws TypeError on an invalid option. */
  constructor(options: MinimeetClientOptions = {}) {
    super();
    this.options = resolveClientOptions(options);
    this.signal = new SignalClient(this.options, {
      onClose: (info) => this.handleConnectionClosed(info),
    });
    this.tokens = new TokenRefresher(
      {
        session: () => this.currentSession,
        isOpen: (session) => this.isOpen(session),
        canRefresh: () => typeof this.tokenSource === 'function',
        fetchToken: (currentExpiresAt) =>
          this.resolveToken({ reason: 'refresh', currentExpiresAt }),
        send: (token) => this.signal.request('auth_refresh', { token }),
        refreshed: (session) => {
          this.currentSession = session;
          this.emit(ClientEvent.TokenRefreshed, new Date(session.tokenExpiresAt));
        },
        failed: (error) => this.emit(ClientEvent.TokenRefreshFailed, asMinimeetError(error)),
      },
      this.options.reconnect,
    );
    this.signal.on('session_expiring', (payload) => {
      this.emit(ClientEvent.SessionExpiring, new Date(payload.tokenExpiresAt));
      if (this.currentSession?.tokenExpiresAt === payload.tokenExpiresAt)
        void this.tokens.refresh();
    });
    this.signal.on('error_notice', (error) => {
      this.emit(ClientEvent.ServerNoticeReceived, MinimeetError.fromInfo(error));
    });
    this.chats = new ChatManager(this.signalChannel(), () => this.currentSession?.principal.id);
    this.presence = new PresenceManager(
      this.signalChannel(),
      this.options.presence,
      () => this.currentSession?.principal.kind === 'user',
    );
  }

  /** Where the connection stands. */
  get state(): ConnectionState {
    return this.connectionState;
  }

  /** The server's description of the current connection; kept while reconnecting. */
  get session(): SessionInfo | undefined {
    return this.currentSession;
  }

  /** Who the server authenticated this client as; kept while reconnecting. */
  get principal(): Principal | undefined {
    return this.currentSession?.principal;
  }

  /**
   * Connects to the server at `serverUrl` and resolves with the session once the server has
   * authenticated the token. Give a {@link TokenProvider} rather than a string so that the client
   * can renew the token before it expires and fetch a fresh one for each reconnect.
   *
   * Rejects with TypeError on a bad argument, {@link InvalidStateError} unless disconnected, and
   * {@link ConnectionError} when the connection fails, with the reason the server gave.
   */
  async connect(serverUrl: string, token: TokenSource): Promise<SessionInfo> {
    const url = parseServerUrl(serverUrl, 'serverUrl', SCHEMES);
    if (typeof token === 'string' ? token.length === 0 : typeof token !== 'function') {
      throw new TypeError('token must be a non-empty string or a function that returns one.');
    }
    if (this.connectionState !== ConnectionState.Disconnected) {
      throw new InvalidStateError(`connect() needs a disconnected client; it is ${this.state}.`);
    }
    const epoch = ++this.epoch;
    this.serverUrl = url;
    this.tokenSource = token;
    this.watchNetwork();
    this.setState(ConnectionState.Connecting);
    try {
      const session = await this.openSession(epoch);
      if (epoch !== this.epoch) throw cancelled();
      this.sessionOpened(session);
      // A state listener may have called disconnect() already.
      if (epoch !== this.epoch) throw cancelled();
      this.presence.handleConnected();
      this.emit(ClientEvent.Connected, session);
      return session;
    } catch (error) {
      const connectionError = asConnectionError(error);
      if (epoch === this.epoch) this.stop(connectionError);
      throw connectionError;
    }
  }

  /**
   * Closes the connection and stops reconnecting and refreshing; the state becomes
   * `Disconnected` and `Disconnected` is emitted once, without an error. A pending `connect()`
   * rejects with reason `Cancelled`. Safe to call in any state.
   */
  disconnect(): Promise<void> {
    this.stop(undefined);
    return Promise.resolve();
  }

  /**
   * Measures the round trip to the server in milliseconds; rejects with
   * {@link InvalidStateError} unless connected, and with {@link MinimeetError} on timeout.
   */
  async ping(): Promise<number> {
    if (this.connectionState !== ConnectionState.Connected) {
      throw new InvalidStateError(`ping() needs a connected client; it is ${this.state}.`);
    }
    const started = performance.now();
    await this.signal.request('ping', { t: Date.now() });
    return performance.now() - started;
  }

  /**
   * Joins the call of room `roomId` and resolves with the {@link Room} once the server has
   * admitted this client; with `audio`/`video`, the microphone and camera are captured first and
   * published with the join.
   *
   * Rejects with TypeError on a bad argument, {@link InvalidStateError} unless connected,
   * {@link MinimeetError} with the server's code (`room_full`, `room_password_required`,
   * `forbidden`, `not_found`, …) when the join is refused, {@link UnsupportedError} when the
   * browser lacks WebRTC, and the browser's `DOMException` when capturing media fails.
   *
   * @example
   * ```ts
   * const room = await client.joinRoom('standup', { audio: true, video: true });
   * room.on(RoomEvent.ParticipantJoined, (p) => console.log(`${p.name} joined`));
   * ```
   */
  async joinRoom(roomId: string, options: JoinRoomOptions = {}): Promise<Room> {
    if (typeof roomId !== 'string' || roomId.length === 0) {
      throw new TypeError('roomId must be a non-empty string.');
    }
    if (this.connectionState !== ConnectionState.Connected) {
      throw new InvalidStateError(`joinRoom() needs a connected client; it is ${this.state}.`);
    }
    const room = await Room.join(this.signalChannel(), roomId, options, (id) => this.chat(id));
    if (room.state === RoomState.Disconnected) return room;
    this.rooms.add(room);
    room.once(RoomEvent.Disconnected, () => this.rooms.delete(room));
    return room;
  }

  /**
   * The conversation of room `roomId`, opened now if it is not open yet (the same object until it
   * is closed): its recent history loads at once and new messages arrive live. Being in the
   * room's call is not needed; a room member is enough.
   *
   * Throws TypeError on a bad argument and {@link InvalidStateError} unless the client is
   * connected or reconnecting. A refusal by the server (`forbidden`, `not_found`) closes the
   * conversation: `synced()` rejects with it and `ChatEvent.Closed` carries it.
   *
   * @example
   * ```ts
   * const chat = client.chat('standup');
   * chat.on(ChatEvent.MessageReceived, (message) => show(message));
   * await chat.send('Hello!');
   * ```
   */
  chat(roomId: string): ChatChannel {
    if (typeof roomId !== 'string' || roomId.length === 0) {
      throw new TypeError('roomId must be a non-empty string.');
    }
    if (
      this.connectionState !== ConnectionState.Connected &&
      this.connectionState !== ConnectionState.Reconnecting
    ) {
      throw new InvalidStateError(`chat() needs a connected client; it is ${this.state}.`);
    }
    return this.chats.open(roomId);
  }

  /**
   * Searches the chat messages of the rooms this user belongs to, newest first (or by relevance),
   * and resolves with a page of hits, each with a snippet and the offsets of the matches in it;
   * `next()` fetches the next page. The query takes words (all must match), `"quoted phrases"`
   * and prefixes (`meet*`); any text is accepted.
   *
   * Rejects with TypeError on a bad argument, {@link InvalidStateError} when the client is
   * disconnected, and {@link MinimeetError} with the server's code (`unauthorized`,
   * `validation_failed`, `rate_limited`) or the SDK's (`timeout`, `network_error`).
   *
   * @example
   * ```ts
   * const results = await client.search('budget "next quarter"', { roomId: 'standup' });
   * for (const hit of results.items) console.log(hit.snippet, hit.highlights);
   * const more = await results.next();
   * ```
   */
  async search(query: string, options: MessageSearchOptions = {}): Promise<MessageSearchResults> {
    return searchMessages(this.restContext('search()'), query, options);
  }

  /**
   * Fetches the server's STUN/TURN servers (`GET /api/ice-servers`) with TURN credentials minted
   * for this principal that last a few minutes (`ttlSeconds`): for a connection check before
   * joining (a call gets its own at join). The list is empty when the server configures none.
   *
   * Rejects with {@link InvalidStateError} when the client is disconnected, and
   * {@link MinimeetError} with the server's code (`unauthorized`, `token_invalid`, `rate_limited`)
   * or the SDK's (`timeout`, `network_error`, `invalid_response`).
   *
   * @example
   * ```ts
   * const { iceServers } = await client.getIceServers();
   * const pc = new RTCPeerConnection({ iceServers, iceTransportPolicy: 'relay' });
   * ```
   */
  async getIceServers(): Promise<IceServersResponse> {
    const body = await getJson(
      this.restContext('getIceServers()'),
      '/ice-servers',
      'the ICE servers',
    );
    if (!isIceServersResponse(body)) {
      throw new MinimeetError(
        SdkErrorCode.InvalidResponse,
        'The server sent malformed ICE servers.',
      );
    }
    return body;
  }

  // Where REST calls go and with which token; `method` names the caller in the error.
  private restContext(method: string): RestContext {
    const url = this.serverUrl;
    if (this.connectionState === ConnectionState.Disconnected || !url) {
      throw new InvalidStateError(`${method} needs a connected client; it is ${this.state}.`);
    }
    const fetchImpl =
      this.options.fetch ??
      (typeof globalThis.fetch === 'function'
        ? (input: string, init: RequestInit) => globalThis.fetch(input, init)
        : undefined);
    if (!fetchImpl) throw new UnsupportedError('No fetch is available; pass one in options.fetch.');
    const protocol =
      url.protocol === 'wss:' ? 'https:' : url.protocol === 'ws:' ? 'http:' : url.protocol;
    return {
      apiBase: `${protocol}//${url.host}${basePath(url)}/api`,
      token: (fresh) => this.restToken(fresh),
      fetch: fetchImpl,
      timeoutMs: this.options.requestTimeoutMs,
    };
  }

  // A token for a REST call: the fixed one, or the provider's current one (a fresh one on request).
  private async restToken(fresh: boolean): Promise<string> {
    const source = this.tokenSource;
    if (typeof source === 'string') return source;
    if (typeof source !== 'function') {
      throw new InvalidStateError('The client has no token; connect() first.');
    }
    const request: TokenRequest = fresh
      ? { reason: 'refresh', currentExpiresAt: new Date().toISOString() }
      : { reason: 'api' };
    const token = await withTimeout(
      new Promise<string>((resolve) => resolve(source(request))),
      this.options.tokenTimeoutMs,
      () =>
        new MinimeetError(
          SdkErrorCode.Timeout,
          `The token provider did not answer within ${this.options.tokenTimeoutMs} ms.`,
        ),
    );
    if (typeof token !== 'string' || token.length === 0) {
      throw new MinimeetError(ErrorCode.TokenMissing, 'The token provider returned no token.');
    }
    return token;
  }

  private signalChannel(): SignalChannel {
    const signal = this.signal;
    const isConnected = () => this.connectionState === ConnectionState.Connected;
    return {
      get isConnected() {
        return isConnected();
      },
      request: (event, payload) => signal.request(event, payload),
      subscribe: (event, listener) => {
        signal.on(event, listener);
        return () => void signal.off(event, listener);
      },
      onConnectionChange: (listener: (change: ConnectionChange) => void) => {
        const dropped = () => listener({ type: 'dropped' });
        const restored = (session: SessionInfo) => listener({ type: 'restored', session });
        const closed = () => listener({ type: 'closed' });
        const networkChanged = () => listener({ type: 'network_changed' });
        this.on(ClientEvent.Reconnecting, dropped);
        this.on(ClientEvent.Reconnected, restored);
        this.on(ClientEvent.Disconnected, closed);
        this.networkChangeListeners.add(networkChanged);
        return () => {
          this.off(ClientEvent.Reconnecting, dropped);
          this.off(ClientEvent.Reconnected, restored);
          this.off(ClientEvent.Disconnected, closed);
          this.networkChangeListeners.delete(networkChanged);
        };
      },
      verify: () => void this.probe(false),
    };
  }

  // While the client is not disconnected, it listens to what the browser says about the network.
  private watchNetwork(): void {
    if (!this.options.reconnect.retryOnNetworkChange || this.stopNetworkWatch) return;
    this.stopNetworkWatch = onNetworkSignal((signal) => this.handleNetworkSignal(signal));
  }

  private handleNetworkSignal(signal: NetworkSignal): void {
    const networkMoved = signal !== 'visible';
    if (this.connectionState === ConnectionState.Connected) {
      // `offline` alone proves nothing: a short loss may leave the connection working.
      if (signal !== 'offline') void this.probe(networkMoved);
      return;
    }
    if (this.connectionState !== ConnectionState.Reconnecting || signal === 'offline') return;
    if (this.reconnectTimer !== undefined) {
      // Waiting out a backoff delay: the reason to wait is gone, try now.
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = undefined;
      void this.reconnect(this.epoch);
    } else if (networkMoved) {
      // An attempt is running, perhaps begun on the old network: if it fails, do not wait.
      this.retryAtOnce = true;
    }
  }

  /**
   * Pings the server over the open connection; with no answer within `probeTimeoutMs`, the
   * connection counts as lost (the reconnect path takes over). After a network change that the
   * connection survived, rooms are told, since their media paths may not have.
   */
  private async probe(afterNetworkChange: boolean): Promise<void> {
    const session = this.currentSession;
    if (!session || !this.isOpen(session) || this.probing === session) return;
    this.probing = session;
    const sentAt = performance.now();
    try {
      await this.signal.request(
        'ping',
        { t: Date.now() },
        {
          timeoutMs: this.options.reconnect.probeTimeoutMs,
        },
      );
    } catch (error) {
      if (!this.isOpen(session)) return;
      // Dead only if nothing at all came meanwhile; a busy page or server answers late but answers.
      const silent = !this.signal.receivedSince(sentAt);
      if (error instanceof MinimeetError && error.code === SdkErrorCode.Timeout && silent) {
        this.signal.drop(`no answer to a ping within ${this.options.reconnect.probeTimeoutMs} ms`);
      }
      return;
    } finally {
      if (this.probing === session) this.probing = undefined;
    }
    if (afterNetworkChange && this.isOpen(session)) {
      for (const listener of [...this.networkChangeListeners]) listener();
    }
  }

  private setState(next: ConnectionState): void {
    const previous = this.connectionState;
    if (previous === next) return;
    this.connectionState = next;
    this.emit(ClientEvent.ConnectionStateChanged, next, previous);
  }

  private async openSession(epoch: number): Promise<SessionInfo> {
    const token = await this.resolveToken({
      reason: this.connectionState === ConnectionState.Reconnecting ? 'reconnect' : 'connect',
    });
    if (epoch !== this.epoch) throw cancelled();
    return this.signal.connect(this.serverUrl!, token);
  }

  private async resolveToken(request: TokenRequest): Promise<string> {
    const source = this.tokenSource;
    let token: unknown = source;
    if (typeof source === 'function') {
      try {
        token = await withTimeout(
          new Promise<string>((resolve) => resolve(source(request))),
          this.options.tokenTimeoutMs,
          () =>
            new MinimeetError(
              SdkErrorCode.Timeout,
              `The token provider did not answer within ${this.options.tokenTimeoutMs} ms.`,
            ),
        );
      } catch (error) {
        throw new ConnectionError(
          ConnectionErrorReason.TokenProviderFailed,
          `The token provider failed: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
    }
    if (typeof token !== 'string' || token.length === 0) {
      throw new ConnectionError(
        ConnectionErrorReason.TokenMissing,
        'The token provider returned no token.',
      );
    }
    return token;
  }

  private sessionOpened(session: SessionInfo): void {
    this.currentSession = session;
    this.retryAtOnce = false;
    this.reconnectAttempts = 0;
    this.expiredRefusals = 0;
    this.setState(ConnectionState.Connected);
    this.tokens.start(session);
  }

  private handleConnectionClosed(info: SignalCloseInfo): void {
    if (this.connectionState !== ConnectionState.Connected) return;
    this.tokens.cancel();
    const cause = info.sessionEnded
      ? new ConnectionError(
          connectionErrorReasonOf(info.sessionEnded.reason),
          info.sessionEnded.message,
        )
      : new ConnectionError(
          ConnectionErrorReason.ConnectionLost,
          `The connection to the server was lost (${info.reason}).`,
        );
    if (!this.options.reconnect.enabled || !this.isRetryable(cause)) {
      this.stop(cause);
      return;
    }
    this.reconnectAttempts = 0;
    const epoch = this.epoch;
    this.setState(ConnectionState.Reconnecting);
    // A state listener may have called disconnect() already.
    if (epoch !== this.epoch) return;
    this.emit(ClientEvent.Reconnecting, cause);
    // A listener may have called disconnect(); then there is nothing left to reconnect.
    if (epoch === this.epoch) this.scheduleReconnect(cause);
  }

  private isRetryable(error: ConnectionError): boolean {
    switch (error.reason) {
      case ConnectionErrorReason.TokenMissing:
      case ConnectionErrorReason.TokenInvalid:
      case ConnectionErrorReason.ProtocolMismatch:
      case ConnectionErrorReason.Cancelled:
        return false;
      case ConnectionErrorReason.TokenExpired:
        return (
          typeof this.tokenSource === 'function' && this.expiredRefusals < MAX_EXPIRED_REFUSALS
        );
      case ConnectionErrorReason.TokenProviderFailed:
        return !(error.cause instanceof MinimeetError && AUTH_FAILURE_CODES.has(error.cause.code));
      case ConnectionErrorReason.RateLimited:
      case ConnectionErrorReason.ServerUnreachable:
      case ConnectionErrorReason.ServerShutdown:
      case ConnectionErrorReason.ConnectionLost:
      case ConnectionErrorReason.Timeout:
      case ConnectionErrorReason.Internal:
        return true;
    }
  }

  private scheduleReconnect(lastError: ConnectionError): void {
    const { reconnect } = this.options;
    if (this.reconnectAttempts >= reconnect.maxAttempts) {
      this.stop(lastError);
      return;
    }
    const delayMs = this.retryAtOnce
      ? 0
      : backoffDelay(this.reconnectAttempts, this.backoff(lastError));
    this.retryAtOnce = false;
    const epoch = this.epoch;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.reconnect(epoch);
    }, delayMs);
    this.emit(ClientEvent.ReconnectScheduled, this.reconnectAttempts + 1, delayMs, lastError);
  }

  // In a call the delay is capped lower, so that the participant resumes within its grace period;
  // a server that asks to slow down (rate_limited) still gets the long delays.
  private backoff(lastError: ConnectionError): Required<ReconnectOptions> {
    const { reconnect } = this.options;
    if (this.rooms.size === 0 || lastError.reason === ConnectionErrorReason.RateLimited) {
      return reconnect;
    }
    return { ...reconnect, maxDelayMs: Math.min(reconnect.maxDelayMs, reconnect.inCallMaxDelayMs) };
  }

  private async reconnect(epoch: number): Promise<void> {
    this.reconnectAttempts += 1;
    let session: SessionInfo;
    try {
      session = await this.openSession(epoch);
    } catch (error) {
      if (epoch !== this.epoch) return;
      const connectionError = asConnectionError(error);
      if (connectionError.reason === ConnectionErrorReason.TokenExpired) this.expiredRefusals += 1;
      if (this.isRetryable(connectionError)) this.scheduleReconnect(connectionError);
      else this.stop(connectionError);
      return;
    }
    if (epoch !== this.epoch) return;
    this.sessionOpened(session);
    if (epoch === this.epoch) this.emit(ClientEvent.Reconnected, session);
  }

  // Every await may outlive the connection (a drop, a reconnect, disconnect()); then the result
  // is dropped, because it belongs to a connection that no longer exists.
  private isOpen(session: SessionInfo): boolean {
    return session === this.currentSession && this.connectionState === ConnectionState.Connected;
  }

  // The one way into Disconnected: stops every timer and socket, and reports the change once.
  private stop(error: ConnectionError | undefined): void {
    this.epoch += 1;
    this.stopNetworkWatch?.();
    this.stopNetworkWatch = undefined;
    this.retryAtOnce = false;
    this.tokens.cancel();
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.signal.close();
    this.currentSession = undefined;
    if (this.connectionState === ConnectionState.Disconnected) return;
    this.setState(ConnectionState.Disconnected);
    this.emit(ClientEvent.Disconnected, error);
  }
}

/** Creates a {@link MinimeetClient}; throws TypeError on an invalid option. */
export function createClient(options?: MinimeetClientOptions): MinimeetClient {
  return new MinimeetClient(options);
}

function cancelled(): ConnectionError {
  return new ConnectionError(
    ConnectionErrorReason.Cancelled,
    'disconnect() was called before the connection opened.',
  );
}

function asConnectionError(error: unknown): ConnectionError {
  if (error instanceof ConnectionError) return error;
  return new ConnectionError(
    ConnectionErrorReason.Internal,
    error instanceof Error ? error.message : String(error),
    { cause: error },
  );
}

function asMinimeetError(error: unknown): MinimeetError {
  if (error instanceof MinimeetError) return error;
  return new MinimeetError(
    ErrorCode.InternalError,
    error instanceof Error ? error.message : String(error),
    {
      cause: error,
    },
  );
}

function isIceServersResponse(value: unknown): value is IceServersResponse {
  if (typeof value !== 'object' || value === null) return false;
  const { iceServers, ttlSeconds } = value as Partial<IceServersResponse>;
  return (
    typeof ttlSeconds === 'number' &&
    Array.isArray(iceServers) &&
    iceServers.every(
      (server) =>
        typeof server === 'object' &&
        server !== null &&
        Array.isArray(server.urls) &&
        server.urls.every((u) => typeof u === 'string'),
    )
  );
}
