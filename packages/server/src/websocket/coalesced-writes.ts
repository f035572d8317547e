import type { Duplex } from 'node:stream';

const COALESCED = Symbol('minimeet.coalescedWrites');

/**
 * Makes what one turn of the event loop writes to `socket` leave in one write: the first write of
 * a turn corks the socket, and it is uncorked once the turn's code, promise callbacks included, has
 * run (`process.nextTick` after them). The WebSocket library writes each frame on its own, so a
 * socket that is sent ten chat messages and an acknowledgement in one turn would otherwise cost
 * eleven system calls and as many TCP segments; now it costs one. Nothing waits longer than the
 * turn that wrote it. Applying it twice to a socket changes nothing.
 */
export function coalesceWrites(socket: Duplex): void {
  const marked = socket as Duplex & { [COALESCED]?: true };
  if (marked[COALESCED]) return;
  marked[COALESCED] = true;
  const write = socket.write.bind(socket);
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = ((...args: Parameters<Duplex['write']>) => {
    if (!corked && !socket.destroyed) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    return write(...args);
  }) as Duplex['write'];
}
