/** Raw socket.io clients for the chat and presence benches: open, request, and wait (all bounded). */
import { io, type Socket } from 'socket.io-client';

/** How long one acknowledged request may take before the bench calls it a failure. */
export const ACK_TIMEOUT_MS = 15_000;

/** Opens a socket.io connection and resolves at its `session` event (bounded). */
export function openSocket(url: string, auth?: object, timeoutMs = 30_000): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth,
    });
    const timer = setTimeout(() => {
      socket.disconnect();
      reject(new Error(`no session within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('session', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('connect_error', (err: Error & { data?: unknown }) => {
      clearTimeout(timer);
      socket.disconnect();
      reject(new Error(`connect_error: ${err.message} ${JSON.stringify(err.data ?? '')}`));
    });
  });
}

/** The error of a refused acknowledged request, with the server's code. */
export class RequestRefused extends Error {
  constructor(
    readonly event: string,
    readonly code: string,
    message: string,
  ) {
    super(`${event} was refused: ${code}: ${message}`);
  }
}

/** Sends an acknowledged request; resolves with the answer, throws {@link RequestRefused} on `{ ok: false }`. */
export async function request<T extends object = Record<string, unknown>>(
  socket: Socket,
  event: string,
  payload: unknown,
  timeoutMs = ACK_TIMEOUT_MS,
): Promise<T> {
  const answer = (await socket.timeout(timeoutMs).emitWithAck(event, payload)) as
    { ok: true } | { ok: false; error?: { code?: string; message?: string } };
  if (typeof answer !== 'object' || answer === null || answer.ok !== true) {
    const error = (answer as { error?: { code?: string; message?: string } } | null)?.error;
    throw new RequestRefused(
      event,
      error?.code ?? 'unknown',
      error?.message ?? JSON.stringify(answer),
    );
  }
  return answer as unknown as T;
}

/** Resolves when `done()` is true, polling every few milliseconds; rejects after `timeoutMs`. */
export async function waitFor(
  what: string,
  done: () => boolean,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Disconnects every socket (never throws). */
export function closeAll(sockets: Iterable<Socket | undefined>): void {
  for (const s of sockets) s?.disconnect();
}
