import {
  PROTOCOL_VERSION,
  ServerEvent,
  type Ack,
  type AckResult,
  type ClientEventName,
  type ClientToServerEvents,
  type ConnectErrorData,
  type HandshakeAuth,
  type ServerEventName,
  type ServerToClientEvents,
  type SessionEndedPayload,
  type SessionInfo,
} from '@minimeet/protocol';
import { io, type Socket } from 'socket.io-client';
import {
  ConnectionError,
  ConnectionErrorReason,
  InvalidStateError,
  MinimeetError,
  SdkErrorCode,
  connectionErrorReasonOf,
} from '../errors.js';
import type { SignalTransport } from '../options.js';
import { TypedEmitter } from '../utils/TypedEmitter.js';
import { basePath } from '../utils/url.js';
import { SDK_NAME } from '../version.js';

type MinimeetSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

// The typed socket cannot take an event name that is a type parameter; these two calls are the
// only places that step around it, and the names and payloads are checked at their call sites.
interface UntypedSocket {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  emit(event: string, ...args: unknown[]): unknown;
}

/** The payload of the client request `E`. */
export type RequestPayload<E extends ClientEventName> = Parameters<ClientToServerEvents[E]>[0];

/** What the server answers to the client request `E` when it succeeds, without the `ok` flag. */
export type RequestResult<E extends ClientEventName> =
  Parameters<ClientToServerEvents[E]>[1] extends Ack<infer R> ? R : never;

/** Options of one {@link SignalClient.request}. */
export interface RequestOptions {
  /** How long to wait for the answer; the client's `requestTimeoutMs` by default. */
  timeoutMs?: number;
}

/** What the {@link SignalClient} needs to know; the client passes its resolved options. */
export interface SignalClientOptions {
  /** Socket.IO endpoint path, appended to the server URL's own path. */
  path: string;
  /** Transports in order of preference. */
  transports: SignalTransport[];
  /** Time allowed from opening the socket to the server's `session` event. */
  connectTimeoutMs: number;
  /** Default time allowed for a request's answer. */
  requestTimeoutMs: number;
}

/** How an established connection ended without the client asking for it. */
export interface SignalCloseInfo {
  /** Socket.IO's reason, such as `transport close` or `io server disconnect`. */
  reason: string;
  /** What the server said in `session_ended` just before it closed the connection, if it did. */
  sessionEnded: SessionEndedPayload | undefined;
}

/** Callbacks through which the {@link SignalClient} reports to its owner. */
export interface SignalClientCallbacks {
  /** An established connection closed without `close()` being called. */
  onClose(info: SignalCloseInfo): void;
}

function isConnectErrorData(value: unknown): value is ConnectErrorData {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

function isAckResult(value: unknown): value is AckResult {
  if (typeof value !== 'object' || value === null) return false;
  const { ok, error } = value as { ok?: unknown; error?: unknown };
  if (ok === true) return true;
  return ok === false && typeof error === 'object' && error !== null;
}

function connectErrorOf(error: Error): ConnectionError {
  const { data } = error as Error & { data?: unknown };
  if (isConnectErrorData(data)) {
    return new ConnectionError(connectionErrorReasonOf(data.code), data.message, { cause: error });
  }
  if (error.message === 'timeout') {
    return new ConnectionError(
      ConnectionErrorReason.Timeout,
      'The server did not answer in time.',
      {
        cause: error,
      },
    );
  }
  return new ConnectionError(
    ConnectionErrorReason.ServerUnreachable,
    `The server could not be reached (${error.message}).`,
    { cause: error },
  );
}

/**
 * The signalling connection: the one place that speaks Socket.IO. Each `connect()` opens a fresh
 * socket with the token in the handshake and resolves with the server's `session`; requests go
 * out as acknowledged emits with typed results; server events are re-emitted under their wire
 * names, and listeners stay registered across reconnections.
 */
export class SignalClient extends TypedEmitter<ServerToClientEvents> {
  private socket: MinimeetSocket | undefined;
  private failPendingConnect: ((error: ConnectionError) => void) | undefined;
  private sessionEnded: SessionEndedPayload | undefined;
  // When the current connection last brought anything from the server (a packet or a heartbeat).
  private lastReceivedAt = Number.NEGATIVE_INFINITY;
  private readonly pendingRequests = new Set<(error: MinimeetError) => void>();

  /** Creates an idle signalling client. */
  constructor(
    private readonly options: SignalClientOptions,
    private readonly callbacks: SignalClientCallbacks,
  ) {
    super();
  }

  /** Whether a connection is open and its session has begun. */
  get isConnected(): boolean {
    return this.socket?.connected === true && this.failPendingConnect === undefined;
  }

  /**
   * Opens a new connection to `serverUrl` with `token`, closing any previous one, and resolves
   * with the server's `session`; rejects with a {@link ConnectionError} when the server refuses,
   * cannot be reached, takes too long, or `close()` is called first.
   */
  connect(serverUrl: URL, token: string): Promise<SessionInfo> {
    this.close();
    const auth: HandshakeAuth = { token, protocolVersion: PROTOCOL_VERSION, sdk: SDK_NAME };
    // Reconnection is the MinimeetClient's job, so that each attempt can fetch a fresh token.
    const socket: MinimeetSocket = io(serverUrl.origin, {
      path: `${basePath(serverUrl)}${this.options.path}`,
      transports: this.options.transports,
      tryAllTransports: true,
      reconnection: false,
      autoConnect: false,
      forceNew: true,
      timeout: this.options.connectTimeoutMs,
      auth,
    });
    this.socket = socket;
    this.sessionEnded = undefined;
    const received = () => {
      if (socket === this.socket) this.lastReceivedAt = performance.now();
    };
    socket.io.on('packet', received);
    socket.io.on('ping', received);
    socket.on(ServerEvent.SessionEnded, (payload) => {
      if (socket === this.socket) this.sessionEnded = payload;
    });
    for (const event of Object.values(ServerEvent)) this.forward(socket, event);
    socket.on('disconnect', (reason) => this.handleDisconnect(socket, reason));

    return new Promise<SessionInfo>((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        this.failPendingConnect = undefined;
        socket.off(ServerEvent.Session, onSession);
        socket.off('connect_error', onConnectError);
      };
      const fail = (error: ConnectionError) => {
        settle();
        this.discard(socket);
        reject(error);
      };
      const onSession = (info: SessionInfo) => {
        settle();
        resolve(info);
      };
      const onConnectError = (error: Error) => fail(connectErrorOf(error));
      const timer = setTimeout(
        () =>
          fail(
            new ConnectionError(
              ConnectionErrorReason.Timeout,
              `The server did not accept the connection within ${this.options.connectTimeoutMs} ms.`,
            ),
          ),
        this.options.connectTimeoutMs,
      );
      this.failPendingConnect = fail;
      socket.once(ServerEvent.Session, onSession);
      socket.on('connect_error', onConnectError);
      socket.connect();
    });
  }

  /**
   * Sends request `event` and resolves with the server's answer; rejects with a
   * {@link MinimeetError} carrying the server's code on `{ ok: false }`, `timeout` when no answer
   * comes in time, `disconnected` when the connection closes first, and with
   * {@link InvalidStateError} when there is no connection.
   */
  request<E extends ClientEventName>(
    event: E,
    payload: RequestPayload<E>,
    options: RequestOptions = {},
  ): Promise<RequestResult<E>> {
    const socket = this.socket;
    if (!socket || !this.isConnected) {
      return Promise.reject(new InvalidStateError(`Cannot send ${event} without a connection.`));
    }
    const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs;
    return new Promise<RequestResult<E>>((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        this.pendingRequests.delete(fail);
      };
      const fail = (error: MinimeetError) => {
        finish();
        reject(error);
      };
      const timer = setTimeout(
        () =>
          fail(
            new MinimeetError(
              SdkErrorCode.Timeout,
              `The server did not answer ${event} within ${timeoutMs} ms.`,
            ),
          ),
        timeoutMs,
      );
      this.pendingRequests.add(fail);
      const ack = (result: unknown) => {
        if (!this.pendingRequests.has(fail)) return;
        if (!isAckResult(result)) {
          fail(
            new MinimeetError(SdkErrorCode.InvalidResponse, `The answer to ${event} is malformed.`),
          );
        } else if (result.ok) {
          finish();
          const { ok: _ok, ...rest } = result;
          resolve(rest as RequestResult<E>);
        } else {
          fail(MinimeetError.fromInfo(result.error));
        }
      };
      (socket as unknown as UntypedSocket).emit(event, payload, ack);
    });
  }

  /**
   * Closes the connection without reporting it through `onClose`; a pending `connect()` rejects
   * with `Cancelled` and pending requests with `disconnected`. Safe to call at any time.
   */
  close(): void {
    if (this.failPendingConnect) {
      this.failPendingConnect(
        new ConnectionError(
          ConnectionErrorReason.Cancelled,
          'The connection was closed before it opened.',
        ),
      );
    } else if (this.socket) {
      this.discard(this.socket);
    }
  }

  /**
   * Whether the current connection has brought anything from the server (an answer, an event, a
   * heartbeat) since `time` (a `performance.now()` reading): a slow answer on a connection that
   * still delivers is not a dead connection.
   */
  receivedSince(time: number): boolean {
    return this.socket !== undefined && this.lastReceivedAt >= time;
  }

  /**
   * Closes an established connection as if it had dropped, reported through `onClose` with
   * `reason`: for a connection that the owner found dead (no answer to a ping) before Socket.IO's
   * own heartbeat would. Does nothing without an established connection.
   */
  drop(reason: string): void {
    const socket = this.socket;
    if (!socket || this.failPendingConnect) return;
    this.discard(socket);
    this.callbacks.onClose({ reason, sessionEnded: undefined });
  }

  private forward(socket: MinimeetSocket, event: ServerEventName): void {
    (socket as unknown as UntypedSocket).on(event, (...args: unknown[]) => {
      if (socket === this.socket) {
        this.emit(event, ...(args as Parameters<ServerToClientEvents[typeof event]>));
      }
    });
  }

  private handleDisconnect(socket: MinimeetSocket, reason: string): void {
    if (socket !== this.socket) return;
    if (this.failPendingConnect) {
      this.failPendingConnect(
        new ConnectionError(
          ConnectionErrorReason.ConnectionLost,
          `The connection closed before the session began (${reason}).`,
        ),
      );
      return;
    }
    const sessionEnded = this.sessionEnded;
    this.discard(socket);
    this.callbacks.onClose({ reason, sessionEnded });
  }

  private discard(socket: MinimeetSocket): void {
    if (socket === this.socket) {
      this.socket = undefined;
      this.sessionEnded = undefined;
    }
    socket.removeAllListeners();
    socket.io.off('packet');
    socket.io.off('ping');
    socket.disconnect();
    const pending = [...this.pendingRequests];
    this.pendingRequests.clear();
    for (const fail of pending) {
      fail(
        new MinimeetError(
          SdkErrorCode.Disconnected,
          'The connection closed before the server answered.',
        ),
      );
    }
  }
}
