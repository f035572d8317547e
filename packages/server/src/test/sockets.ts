import {
  PROTOCOL_VERSION,
  type AckResult,
  type ClientToServerEvents,
  type ServerEventName,
  type ServerToClientEvents,
} from '@minimeet/protocol';
import { io, type Socket } from 'socket.io-client';

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

const openSockets: ClientSocket[] = [];

/**
 * Opens a socket to a test server with a token (an access or a join token) and resolves once the
 * server's `session` has arrived, so requests may follow; rejects with the `connect_error`. Close
 * what it opened with {@link closeSockets} (in an `afterEach`).
 */
export function connectSocket(server: { url: string }, token: string): Promise<ClientSocket> {
  const socket: ClientSocket = io(server.url, {
    auth: { token, protocolVersion: PROTOCOL_VERSION },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  openSockets.push(socket);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no session within 5 s')), 5000);
    socket.once('session', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Disconnects every socket {@link connectSocket} opened. */
export function closeSockets(): void {
  while (openSockets.length) openSockets.pop()!.disconnect();
}

/**
 * Emits an event with any arguments (the typed `emit` allows only well-formed ones) followed by
 * an acknowledgement, and resolves with the answer; rejects after `timeoutMs` without one.
 */
export function emitRaw<T extends object = object>(
  socket: ClientSocket,
  event: string,
  args: unknown[],
  timeoutMs = 5000,
): Promise<AckResult<T>> {
  const timed = socket.timeout(timeoutMs) as unknown as {
    emitWithAck(e: string, ...a: unknown[]): Promise<AckResult<T>>;
  };
  return timed.emitWithAck(event, ...args);
}
