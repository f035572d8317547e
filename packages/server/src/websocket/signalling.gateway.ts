import { Inject, type BeforeApplicationShutdown } from '@nestjs/common';
import {
  WebSocketGateway,
  WebSocketServer,
  type OnGatewayConnection,
  type OnGatewayInit,
} from '@nestjs/websockets';
import {
  ErrorCode,
  PROTOCOL_VERSION,
  type AckResult,
  type ClientEventName,
  type ClientToServerEvents,
  type ConnectErrorData,
  type ErrorInfo,
} from '@minimeet/protocol';
import {
  authRefreshPayloadSchema,
  handshakeAuthSchema,
  pingPayloadSchema,
} from '@minimeet/protocol/schemas';
import type { Logger } from 'pino';
import type { ExtendedError } from 'socket.io';
import type { ZodType } from 'zod';
import { AppError } from '../common/app-error.js';
import { EventBus } from '../common/event-bus.js';
import { ROOT_LOGGER } from '../common/logger.js';
import { RATE_LIMITER, type RateLimiter } from '../common/rate-limiter.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { ConnectionAuthenticator } from '../auth/connection-authenticator.js';
import { endCodeOf, endMessageOf, type SessionRevocation } from '../auth/revoked-sessions.js';
import { SessionService } from '../auth/session.service.js';
import { CallService, type SocketGone } from '../calls/call.service.js';
import { CallsRealtime } from '../calls/calls.realtime.js';
import { ChatRealtime } from '../chat/chat.realtime.js';
import { SfuRealtime } from '../media/sfu.realtime.js';
import {
  principalChannel,
  type RealtimeClient,
  type RealtimeTransport,
  type RequestHandlers,
} from '../common/realtime.js';
import { ModerationRealtime } from '../moderation/moderation.realtime.js';
import { PresenceRealtime } from '../presence/presence.realtime.js';
import { QualityRealtime } from '../analytics/quality.realtime.js';
import { runRequest, splitArguments } from './ack-handler.js';
import { RequestBudget } from './request-budget.js';
import type { MinimeetServer, MinimeetSocket } from './socket-types.js';

type Handler = {
  schema: ZodType;
  run: (request: SocketRequest, payload: never) => Promise<object> | object;
};

/** One request on a socket: the socket, and the features' view of it. */
interface SocketRequest {
  socket: MinimeetSocket;
  client: RealtimeClient;
}

/** A feature's handlers in the gateway's table shape. */
function featureHandlers<E extends ClientEventName>(
  handlers: RequestHandlers<E>,
): Record<E, Handler> {
  const table = {} as Record<E, Handler>;
  for (const event of Object.keys(handlers) as E[]) {
    const handler = handlers[event];
    table[event] = {
      schema: handler.schema,
      run: (r, p: never) => handler.run(r.client, p),
    };
  }
  return table;
}

function connectError(code: ConnectErrorData['code'], message: string): ExtendedError {
  const err = new Error(message) as ExtendedError & { data: ConnectErrorData };
  err.data = { code, message };
  return err;
}

// Timers longer than this overflow setTimeout; such tokens are refreshed long before it matters.
const MAX_TIMER_MS = 2 ** 31 - 1;
const SHUTDOWN_FLUSH_MS = 1000;

/**
 * The one Socket.IO gateway: authenticates every handshake, tells the client who it is, keeps the
 * connection's token fresh, and dispatches client requests through validated, acknowledged handlers.
 */
@WebSocketGateway()
export class SignallingGateway
  implements OnGatewayInit, OnGatewayConnection, BeforeApplicationShutdown
{
  @WebSocketServer()
  private readonly server!: MinimeetServer;

  private readonly expiryTimers = new Map<string, NodeJS.Timeout[]>();
  private readonly handlers: Record<ClientEventName, Handler>;
  private readonly unsubscribe: Array<() => void> = [];
  private shuttingDown = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ConnectionAuthenticator) private readonly authenticator: ConnectionAuthenticator,
    @Inject(EventBus) private readonly events: EventBus,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(CallService) private readonly calls: CallService,
    @Inject(CallsRealtime) private readonly callsFeature: CallsRealtime,
    @Inject(SfuRealtime) private readonly sfu: SfuRealtime,
    @Inject(ChatRealtime) private readonly chat: ChatRealtime,
    @Inject(PresenceRealtime) private readonly presence: PresenceRealtime,
    @Inject(QualityRealtime) private readonly quality: QualityRealtime,
    @Inject(ModerationRealtime) private readonly moderation: ModerationRealtime,
    @Inject(SessionService) private readonly sessions: SessionService,
  ) {
    type P<E extends ClientEventName> = Parameters<ClientToServerEvents[E]>[0];
    this.handlers = {
      ping: {
        schema: pingPayloadSchema,
        run: (_r, p: P<'ping'>) => ({ t: p.t, serverTime: Date.now() }),
      },
      auth_refresh: {
        schema: authRefreshPayloadSchema,
        run: (r, p: P<'auth_refresh'>) => this.refresh(r.socket, p.token),
      },
      ...featureHandlers(this.callsFeature.handlers),
      ...featureHandlers(this.sfu.handlers),
      ...featureHandlers(this.chat.handlers),
      ...featureHandlers(this.presence.handlers),
      ...featureHandlers(this.quality.handlers),
      ...featureHandlers(this.moderation.handlers),
    };
  }

  afterInit(server: MinimeetServer): void {
    const realtime = this.realtimeTransport(server);
    this.callsFeature.attach(realtime);
    this.sfu.attach(realtime);
    this.chat.attach(realtime);
    this.presence.attach(realtime);
    this.moderation.attach(realtime);
    this.quality.attach();
    this.unsubscribe.push(
      this.events.on('api_key.revoked', ({ keyId }) => this.endKeySessions(keyId)),
      this.sessions.onSessionsEnded((revocation) => this.endRevokedSessions(revocation)),
    );
    server.use((socket, next) => {
      this.authenticateHandshake(socket).then(
        () => next(),
        (err: unknown) => next(err as ExtendedError),
      );
    });
  }

  handleConnection(socket: MinimeetSocket): void {
    const { principal } = socket.data;
    void socket.join(principalChannel(principal.id));
    for (const event of Object.keys(this.handlers) as ClientEventName[]) {
      (socket.on as (e: string, listener: (...args: unknown[]) => void) => void)(
        event,
        (...args) => void this.dispatch(socket, event, args),
      );
    }
    socket.onAny((event: string, ...args: unknown[]) => {
      if (Object.hasOwn(this.handlers, event)) return;
      const name = String(event).slice(0, 64);
      const error: ErrorInfo = {
        code: ErrorCode.ValidationFailed,
        message: `Unknown event: ${name}.`,
        details: { event: name },
      };
      const { ack } = splitArguments(name, args);
      if (ack) ack({ ok: false, error });
      else socket.emit('error_notice', error);
    });
    socket.once('disconnect', (reason) => this.closed(socket, reason));
    this.scheduleExpiry(socket);
    this.recheckSession(socket);
    socket.emit('session', {
      protocolVersion: PROTOCOL_VERSION,
      connectionId: socket.id,
      principal,
      tokenExpiresAt: socket.data.tokenExpiresAt.toISOString(),
      refreshLeadMs: this.config.auth.sessionRefreshLeadSeconds * 1000,
    });
    this.logger.info(
      { connectionId: socket.id, principalId: principal.id, kind: principal.kind },
      'socket connected',
    );
    this.events.emit('socket.connected', {
      connectionId: socket.id,
      principalId: principal.id,
      principalKind: principal.kind,
    });
  }

  private closed(socket: MinimeetSocket, reason: string): void {
    this.clearExpiry(socket.id);
    const how: SocketGone = this.shuttingDown
      ? 'shutdown'
      : reason === 'client namespace disconnect'
        ? 'goodbye'
        : reason === 'server namespace disconnect'
          ? 'removed'
          : 'dropped';
    this.calls
      .socketGone(socket.id, how)
      .catch((err: unknown) =>
        this.logger.error({ err, connectionId: socket.id }, 'ending the calls of a socket failed'),
      );
    const durationMs = Date.now() - socket.data.connectedAt;
    this.logger.info(
      { connectionId: socket.id, principalId: socket.data.principal.id, reason, durationMs },
      'socket closed',
    );
    this.events.emit('socket.disconnected', {
      connectionId: socket.id,
      principalId: socket.data.principal.id,
      reason,
      durationMs,
    });
  }

  /** Says goodbye to every client and waits (briefly) until the goodbyes are flushed. */
  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    this.calls.close();
    for (const off of this.unsubscribe.splice(0)) off();
    const closed: Promise<void>[] = [];
    for (const socket of this.server.sockets.sockets.values()) {
      closed.push(new Promise((resolve) => socket.conn.once('close', () => resolve())));
      socket.emit('session_ended', {
        reason: ErrorCode.ServerShutdown,
        message: 'The server is shutting down.',
      });
      socket.disconnect(true);
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(closed),
      new Promise((resolve) => {
        timer = setTimeout(resolve, SHUTDOWN_FLUSH_MS);
      }),
    ]);
    clearTimeout(timer);
  }

  private async authenticateHandshake(socket: MinimeetSocket): Promise<void> {
    const auth = handshakeAuthSchema.safeParse(socket.handshake.auth);
    if (!auth.success) {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      if (typeof token !== 'string' || token === '') {
        throw connectError(
          ErrorCode.TokenMissing,
          'The handshake must carry a token in auth.token.',
        );
      }
      const tokenIssue = auth.error.issues.some((i) => i.path[0] === 'token');
      throw tokenIssue
        ? connectError(ErrorCode.TokenInvalid, 'The token is not valid.')
        : connectError(
            ErrorCode.ProtocolMismatch,
            'The handshake must carry a numeric protocolVersion.',
          );
    }
    // Each handshake costs a signature check and a database read: bound them per address.
    const limit = await this.limiter.consume(
      `connect:${this.clientAddress(socket)}`,
      this.config.rateLimits.connect,
    );
    if (!limit.allowed) {
      throw connectError(
        ErrorCode.RateLimited,
        `Too many connection attempts; try again in ${Math.max(1, Math.ceil(limit.retryAfterMs / 1000))} s.`,
      );
    }
    if (auth.data.protocolVersion !== PROTOCOL_VERSION) {
      throw connectError(
        ErrorCode.ProtocolMismatch,
        `This server speaks protocol ${PROTOCOL_VERSION}; the client speaks ${auth.data.protocolVersion}.`,
      );
    }
    try {
      const { principal, expiresAt, apiKeyId, sessionId } = await this.authenticator.authenticate(
        auth.data.token,
      );
      socket.data = {
        budget: new RequestBudget(this.config.rateLimits.socketRequests),
        principal,
        tokenExpiresAt: expiresAt,
        connectedAt: Date.now(),
        ...(apiKeyId ? { apiKeyId } : {}),
        ...(sessionId ? { sessionId } : {}),
      };
    } catch (err) {
      if (
        err instanceof AppError &&
        (err.code === ErrorCode.TokenExpired ||
          err.code === ErrorCode.TokenInvalid ||
          err.code === ErrorCode.SessionRevoked ||
          err.code === ErrorCode.AccountDisabled)
      ) {
        throw connectError(err.code, err.message);
      }
      this.logger.error({ err }, 'handshake authentication failed');
      throw connectError(ErrorCode.InternalError, 'The server could not check the token.');
    }
  }

  /**
   * Answers one client request: through its acknowledgement when it has one, else (only when it
   * failed) with an `error_notice` naming the event. Arguments that cannot be a request (more than
   * one payload) are refused before the handler, like a payload that fails its schema.
   */
  private async dispatch(
    socket: MinimeetSocket,
    event: ClientEventName,
    args: readonly unknown[],
  ): Promise<void> {
    const handler = this.handlers[event];
    const { payload, ack, refusal } = splitArguments(event, args);
    const afterReply: Array<() => void> = [];
    const client: SocketRequest['client'] = {
      socketId: socket.id,
      principal: socket.data.principal,
      connected: () => socket.connected,
      afterReply: (fn) => afterReply.push(fn),
    };
    const result: AckResult = !socket.data.budget.take()
      ? {
          ok: false,
          error: {
            code: ErrorCode.RateLimited,
            message: 'Too many requests on this connection; slow down.',
          },
        }
      : refusal
        ? { ok: false, error: refusal.toInfo() }
        : await runRequest(
            event,
            handler.schema,
            payload,
            (p) => handler.run({ socket, client }, p as never),
            this.logger,
          );
    if (ack) {
      ack(result);
    } else if (!result.ok) {
      // Without an acknowledgement the client has no other way to tell which request failed.
      socket.emit('error_notice', {
        ...result.error,
        details: { ...result.error.details, event },
      } satisfies ErrorInfo);
    }
    // Broadcasts that must reach others only after the caller has its answer (e.g. a join).
    if (!result.ok) return;
    for (const fn of afterReply) {
      try {
        fn();
      } catch (err) {
        this.logger.error({ err, event }, 'a follow-up of a socket request failed');
      }
    }
  }

  /** How the features reach sockets: by socket id, or by named channel. */
  private realtimeTransport(server: MinimeetServer): RealtimeTransport {
    type Emit = (e: string, p: unknown) => boolean;
    return {
      toSocket: (socketId, event, payload) => {
        (server.to(socketId).emit as Emit)(event, payload);
      },
      toChannel: (channel, except, event, payload) => {
        const target = except ? server.to(channel).except(except) : server.to(channel);
        (target.emit as Emit)(event, payload);
      },
      enter: (socketId, channel) => server.in(socketId).socketsJoin(channel),
      exit: (socketId, channel) => server.in(socketId).socketsLeave(channel),
      exitAll: (channel, target) => server.in(channel).socketsLeave(target),
    };
  }

  private async refresh(
    socket: MinimeetSocket,
    token: string,
  ): Promise<{ tokenExpiresAt: string }> {
    const { principal, expiresAt, apiKeyId, sessionId } =
      await this.authenticator.authenticate(token);
    if (principal.id !== socket.data.principal.id) {
      throw new AppError(ErrorCode.Forbidden, 'The new token belongs to someone else.');
    }
    await this.calls.refreshPrincipal(socket.id, principal);
    socket.data.principal = principal;
    socket.data.tokenExpiresAt = expiresAt;
    socket.data.apiKeyId = apiKeyId;
    // From now on the connection belongs to the new token's session (another sign-in maybe).
    socket.data.sessionId = sessionId;
    this.scheduleExpiry(socket);
    return { tokenExpiresAt: expiresAt.toISOString() };
  }

  /** The client's address; behind a trusted proxy, the first hop of X-Forwarded-For, as for HTTP. */
  private clientAddress(socket: MinimeetSocket): string {
    const forwarded = socket.handshake.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    return this.config.http.trustProxy && first ? first : socket.handshake.address;
  }

  /** Ends every connection a revoked API key admitted: its tokens stop working at once. */
  private endKeySessions(keyId: string): void {
    for (const socket of this.server.sockets.sockets.values() as Iterable<MinimeetSocket>) {
      if (socket.data.apiKeyId !== keyId) continue;
      socket.emit('session_ended', {
        reason: ErrorCode.TokenInvalid,
        message: 'The API key that admitted this connection was revoked.',
      });
      socket.disconnect(true);
    }
  }

  /**
   * Ends this node's connections of sessions ended on any node (logout, a password change, a
   * reused refresh token, an account disabled).
   */
  private endRevokedSessions({ sessionIds, cause }: SessionRevocation): void {
    const ended = new Set(sessionIds);
    for (const socket of this.server.sockets.sockets.values() as Iterable<MinimeetSocket>) {
      const { sessionId } = socket.data;
      if (sessionId !== undefined && ended.has(sessionId)) this.endSession(socket, cause);
    }
  }

  /**
   * A session ended between its handshake's check and the socket's arrival here was not among the
   * sockets {@link endRevokedSessions} looked at: look once more, now that it is.
   */
  private recheckSession(socket: MinimeetSocket): void {
    const { sessionId } = socket.data;
    if (sessionId === undefined) return;
    this.sessions.endedBecause(sessionId).then(
      (cause) => {
        if (cause && socket.data.sessionId === sessionId && socket.connected)
          this.endSession(socket, cause);
      },
      (err: unknown) =>
        this.logger.error({ err, connectionId: socket.id }, 'checking a session failed'),
    );
  }

  private endSession(socket: MinimeetSocket, cause: SessionRevocation['cause']): void {
    socket.emit('session_ended', { reason: endCodeOf(cause), message: endMessageOf(cause) });
    socket.disconnect(true);
  }

  private scheduleExpiry(socket: MinimeetSocket): void {
    this.clearExpiry(socket.id);
    const msLeft = socket.data.tokenExpiresAt.getTime() - Date.now();
    if (msLeft > MAX_TIMER_MS) return;
    // A token shorter-lived than the lead would be told to refresh the moment it arrives.
    const lead = Math.min(this.config.auth.sessionRefreshLeadSeconds * 1000, msLeft / 2);
    const warn = setTimeout(
      () =>
        socket.emit('session_expiring', {
          tokenExpiresAt: socket.data.tokenExpiresAt.toISOString(),
        }),
      Math.max(0, msLeft - lead),
    );
    const end = setTimeout(
      () => {
        this.events.emit('socket.token_expired', { connectionId: socket.id });
        socket.emit('session_ended', {
          reason: ErrorCode.TokenExpired,
          message: 'The token expired and was not refreshed.',
        });
        socket.disconnect(true);
      },
      Math.max(0, msLeft),
    );
    warn.unref();
    end.unref();
    this.expiryTimers.set(socket.id, [warn, end]);
  }

  private clearExpiry(socketId: string): void {
    for (const timer of this.expiryTimers.get(socketId) ?? []) clearTimeout(timer);
    this.expiryTimers.delete(socketId);
  }
}
