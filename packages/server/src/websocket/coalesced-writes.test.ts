import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coalesceWrites } from './coalesced-writes.js';

describe('coalesced socket writes', () => {
  let server: Server;
  let near: Socket;
  let far: Socket;
  let received = '';

  beforeEach(async () => {
    server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const accepted = once(server, 'connection');
    far = connect((server.address() as AddressInfo).port, '127.0.0.1');
    [near] = (await accepted) as [Socket];
    far.setEncoding('utf8');
    far.on('data', (chunk: string) => (received += chunk));
  });

  afterEach(async () => {
    near.destroy();
    far.destroy();
    await new Promise((resolve) => server.close(resolve));
    received = '';
  });

  /** Counts the writes that reach the operating system, and the chunks in each. */
  function countWrites(socket: Socket): number[] {
    const calls: number[] = [];
    const internal = socket as unknown as {
      _writev: (chunks: unknown[], cb: () => void) => void;
      _write: (chunk: unknown, encoding: string, cb: () => void) => void;
    };
    const writev = internal._writev.bind(socket);
    const writeOne = internal._write.bind(socket);
    internal._writev = (chunks, cb) => {
      calls.push(chunks.length);
      writev(chunks, cb);
    };
    internal._write = (chunk, encoding, cb) => {
      calls.push(1);
      writeOne(chunk, encoding, cb);
    };
    return calls;
  }

  it('sends what one turn writes, promise callbacks included, in one write', async () => {
    coalesceWrites(near);
    coalesceWrites(near);
    const calls = countWrites(near);
    near.write('a');
    near.write('b');
    await Promise.resolve().then(() => near.write('c'));
    await new Promise((resolve) => setImmediate(resolve));
    near.write('d');
    await waitFor(() => received === 'abcd');
    expect(calls).toEqual([3, 1]);
  });

  it('without it, each write is a write of its own', async () => {
    const calls = countWrites(near);
    near.write('a');
    near.write('b');
    near.write('c');
    await waitFor(() => received === 'abc');
    expect(calls.reduce((a, b) => a + b, 0)).toBe(3);
    expect(calls.length).toBeGreaterThan(1);
  });
});

async function waitFor(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(done()).toBe(true);
}
