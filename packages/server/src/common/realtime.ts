import type {
  ClientEventName,
  ClientToServerEvents,
  Principal,
  ServerEventName,
  ServerToClientEvents,
} from '@minimeet/protocol';
import type { ZodType } from 'zod';

/** The payload of a client-to-server event. */
export type ClientPayload<E extends ClientEventName> = Parameters<ClientToServerEvents[E]>[0];

/** The payload of a server-to-client event. */
export type ServerPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];

/** The connection a socket request arrives on, as the gateway describes it to a feature. */
export interface RealtimeClient {
  /** The Socket.IO socket id. */
  socketId: string;
  /** Who the connection belongs to (checked at the handshake and at every token refresh). */
  principal: Principal;
  /** Whether the socket is still open; a request that outlives its socket should be undone. */
  connected(): boolean;
  /** Runs `fn` once the answer to the current request has been sent (and only if it succeeded). */
  afterReply(fn: () => void): void;
}

/** One request a feature answers: the schema its payload must pass, and what runs on it. */
export interface RequestHandler<E extends ClientEventName> {
  /** The payload schema from `@minimeet/protocol/schemas`. */
  schema: ZodType;
  /** Runs on a validated payload; returns the acknowledgement's fields, or throws an `AppError`. */
  run(client: RealtimeClient, payload: ClientPayload<E>): Promise<object> | object;
}

/** A feature's handlers, one per client event it owns. */
export type RequestHandlers<E extends ClientEventName> = { [K in E]: RequestHandler<K> };

/**
 * How a feature reaches sockets without knowing Socket.IO. The gateway implements it. Sockets are
 * addressed by id and groups of sockets by named channels, so that a cross-node Socket.IO adapter
 * delivers to sockets on other nodes as well.
 */
export interface RealtimeTransport {
  /** Emits an event to one socket. */
  toSocket<E extends ServerEventName>(socketId: string, event: E, payload: ServerPayload<E>): void;
  /** Emits an event to every socket in a channel, except one (the sender) when given. */
  toChannel<E extends ServerEventName>(
    channel: string,
    except: string | null,
    event: E,
    payload: ServerPayload<E>,
  ): void;
  /** Adds a socket to a channel. */
  enter(socketId: string, channel: string): void;
  /** Removes a socket from a channel. */
  exit(socketId: string, channel: string): void;
  /** Removes every socket of `channel` from `target` (e.g. all of a user's sockets from a room's chat). */
  exitAll(channel: string, target: string): void;
}

/**
 * A piece of the wire protocol served over the one Socket.IO gateway: chat, presence. The gateway
 * merges the handler sets, so the compiler still demands a handler for every client event.
 */
export interface RealtimeFeature<E extends ClientEventName> {
  /** The feature's request handlers. */
  readonly handlers: RequestHandlers<E>;
  /** Hands the feature its way to the sockets; called once the Socket.IO server exists. */
  attach(transport: RealtimeTransport): void;
}

/** The channel every socket of one principal is in; features address a user's devices through it. */
export const principalChannel = (principalId: string): string => `principal:${principalId}`;

/** The channel of a room's call: every socket of a participant in it. */
export const callChannel = (roomId: string): string => `call:${roomId}`;
