import type {
  ClientToServerEvents,
  ServerEventName,
  ServerToClientEvents,
} from '@minimeet/protocol';
import type { Socket } from 'socket.io-client';

/** A typed socket.io-client socket of the minimeet protocol. */
export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The payload of a server-to-client event. */
export type EventPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];

/**
 * Resolves with the first `event` the socket receives (from now on) that matches; rejects naming
 * the event once `timeoutMs` has passed.
 */
export function waitForEvent<E extends ServerEventName>(
  socket: ClientSocket,
  event: E,
  match: (payload: EventPayload<E>) => boolean = () => true,
  timeoutMs = 5000,
): Promise<EventPayload<E>> {
  return new Promise((resolve, reject) => {
    const listener = (payload: EventPayload<E>) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event as 'session', listener);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      socket.off(event as 'session', listener);
      reject(new Error(`no matching ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on(event as 'session', listener);
  });
}
