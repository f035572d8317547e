import type { ServerToClientEvents } from '@minimeet/protocol';

/** A server-to-client event name. */
type EventName = keyof ServerToClientEvents;

/** The payload of a server-to-client event. */
export type EventPayload<E extends EventName> = Parameters<ServerToClientEvents[E]>[0];

/**
 * How the call service reaches sockets without knowing Socket.IO: the gateway implements it and
 * hands it over with {@link CallService.attach}. Sockets are addressed by id, rooms by room id, so
 * that a cross-node Socket.IO adapter delivers to sockets on other nodes as well.
 */
export interface CallTransport {
  /** Emits an event to one socket. */
  toSocket<E extends EventName>(socketId: string, event: E, payload: EventPayload<E>): void;
  /** Emits an event to every socket in a room's call, except one (the sender) when given. */
  toRoom<E extends EventName>(
    roomId: string,
    except: string | null,
    event: E,
    payload: EventPayload<E>,
  ): void;
  /** Adds a socket to a room's broadcast channel. */
  enter(socketId: string, roomId: string): void;
  /** Removes a socket from a room's broadcast channel. */
  exit(socketId: string, roomId: string): void;
}
