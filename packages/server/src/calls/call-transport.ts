import type { ServerEventName } from '@minimeet/protocol';
import type { RealtimeTransport, ServerPayload } from '../common/realtime.js';

/** The payload of a server-to-client event. */
export type EventPayload<E extends ServerEventName> = ServerPayload<E>;

/** The channel that carries a room's call broadcasts. */
export const callChannel = (roomId: string): string => `call:${roomId}`;

/**
 * The call service's view of the one {@link RealtimeTransport}: sockets by id, a room's call by
 * room id (its channel), so that a cross-node Socket.IO adapter delivers to other nodes as well.
 */
export interface CallTransport {
  /** Emits an event to one socket. */
  toSocket<E extends ServerEventName>(socketId: string, event: E, payload: EventPayload<E>): void;
  /** Emits an event to every socket in a room's call, except one (the sender) when given. */
  toRoom<E extends ServerEventName>(
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

/** The call view of a realtime transport. */
export function callTransportOver(realtime: RealtimeTransport): CallTransport {
  return {
    toSocket: (socketId, event, payload) => realtime.toSocket(socketId, event, payload),
    toRoom: (roomId, except, event, payload) =>
      realtime.toChannel(callChannel(roomId), except, event, payload),
    enter: (socketId, roomId) => realtime.enter(socketId, callChannel(roomId)),
    exit: (socketId, roomId) => realtime.exit(socketId, callChannel(roomId)),
  };
}
