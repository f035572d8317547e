/**
 * The acknowledged round trip of a gateway request beside a bare socket.io ack of the same payload,
 * in the same run: `ping`, and `update_media_state` in a room (schema, budget, room lookup,
 * broadcast to the others) beside a bare server that joins the same rooms and relays the same
 * payload to the others, each sequentially after a warm-up and from many clients at once.
 */
import { randomUUID } from 'node:crypto';
import { PROTOCOL_VERSION } from '@minimeet/protocol';
import { io, type Socket } from 'socket.io-client';
import { guestTokens } from './guests.js';
import { BARE_SERVER, freePort, spawnNode, startMinimeet, type Child } from './processes.js';
import { percentile, pool, printTable, round } from './stats.js';

const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 2000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 200);
const CLIENTS = Number(process.env.BENCH_SIGNAL_CLIENTS ?? 50);
const CLIENT_ROUND_TRIPS = Number(process.env.BENCH_SIGNAL_CLIENT_ROUND_TRIPS ?? 100);
// Rooms of the concurrent run hold this many, so each update reaches three others (the mesh maximum).
const ROOM_SIZE = 4;
const ACK_TIMEOUT_MS = 10_000;

/** Latencies of one case, in milliseconds, and its wall time. */
export interface Sample {
  latencies: number[];
  wallMs: number;
}

/** One request of a case: the event and the payload of the `n`-th round trip. */
type Request = (n: number) => { event: string; payload: object };

/** Sends one request and waits for its acknowledgement; an `{ ok: false }` answer is a failure. */
async function roundTrip(socket: Socket, event: string, payload: object): Promise<number> {
  const t0 = performance.now();
  const answer: unknown = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload);
  const ms = performance.now() - t0;
  if (typeof answer === 'object' && answer !== null && 'ok' in answer && answer.ok === false)
    throw new Error(`${event} was refused: ${JSON.stringify(answer)}`);
  return ms;
}

/** `rounds` round trips one after the other from one client. */
async function sequential(socket: Socket, request: Request, rounds: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let n = 0; n < rounds; n++) {
    const { event, payload } = request(n);
    latencies.push(await roundTrip(socket, event, payload));
  }
  return latencies;
}

/** A warm-up, then {@link ROUND_TRIPS} measured round trips from one client. */
async function sequentialCase(socket: Socket, request: Request): Promise<Sample> {
  await sequential(socket, request, WARMUP);
  const started = performance.now();
  const latencies = await sequential(socket, (n) => request(WARMUP + n), ROUND_TRIPS);
  return { latencies, wallMs: performance.now() - started };
}

/** Every client sends {@link CLIENT_ROUND_TRIPS} requests in sequence, all clients at once. */
async function concurrentCase(sockets: Socket[], request: (i: number) => Request): Promise<Sample> {
  await Promise.all(sockets.map((s, i) => sequential(s, request(i), 10)));
  const started = performance.now();
  const perClient = await Promise.all(
    sockets.map((s, i) => sequential(s, (n) => request(i)(10 + n), CLIENT_ROUND_TRIPS)),
  );
  return { latencies: perClient.flat(), wallMs: performance.now() - started };
}

/** Opens a socket.io connection and resolves at its `session` event (bounded). */
function open(url: string, auth?: object): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth,
    });
    const timer = setTimeout(() => {
      socket.disconnect();
      reject(new Error('no session within 20 s'));
    }, 20_000);
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

const ping: Request = (n) => ({ event: 'ping', payload: { t: n } });

/** An `update_media_state` payload that flips the camera's mute every time, so each one is news. */
function mediaState(roomId: string, streamId: string): (n: number) => object {
  return (n) => ({
    roomId,
    tracks: [
      { source: 'camera', kind: 'video', streamId: `${streamId}-v`, muted: n % 2 === 1 },
      { source: 'microphone', kind: 'audio', streamId: `${streamId}-a`, muted: false },
    ],
  });
}

export interface Results {
  pingSeq: Sample;
  pingConc: Sample;
  roomSeq?: Sample;
  roomConc?: Sample;
}

async function bare(): Promise<Results> {
  const port = await freePort();
  const server = await spawnNode(BARE_SERVER, { PORT: String(port) }, 'bare server ready');
  const url = `http://127.0.0.1:${port}`;
  try {
    const sockets = await pool(
      Array.from({ length: CLIENTS }, (_, i) => i),
      10,
      () => open(url),
    );
    const [one, listener] = await Promise.all([open(url), open(url)]);
    try {
      const roomOf = (i: number) => `bench-c-${Math.floor(i / ROOM_SIZE)}`;
      const results: Results = {
        pingSeq: await sequentialCase(one, ping),
        pingConc: await concurrentCase(sockets, () => ping),
      };
      // The same rooms as on minimeet: one listener beside the sequential client, rooms of 4.
      await Promise.all([
        one.emitWithAck('join', 'bench-seq'),
        listener.emitWithAck('join', 'bench-seq'),
        ...sockets.map((s, i) => s.emitWithAck('join', roomOf(i))),
      ]);
      const seqState = mediaState('bench-seq', randomUUID());
      results.roomSeq = await sequentialCase(one, (n) => ({
        event: 'relay',
        payload: seqState(n),
      }));
      results.roomConc = await concurrentCase(sockets, (i) => {
        const payload = mediaState(roomOf(i), randomUUID());
        return (n) => ({ event: 'relay', payload: payload(n) });
      });
      return results;
    } finally {
      for (const s of [...sockets, one, listener]) s.disconnect();
    }
  } finally {
    await server.stop();
  }
}

/** Joins `roomId`; resolves false when the server has no room calls yet. */
async function join(socket: Socket, roomId: string): Promise<boolean> {
  const answer = (await socket
    .timeout(ACK_TIMEOUT_MS)
    .emitWithAck('join_room', { roomId })
    .catch((error: unknown) => ({
      ok: false,
      error: error instanceof Error ? error.message : error,
    }))) as { ok: boolean; error?: unknown };
  if (!answer.ok) console.warn(`join_room failed: ${JSON.stringify(answer.error)}`);
  return answer.ok;
}

/** The minimeet cases against a server started with `env` on top of the bench's own settings. */
export async function minimeetSignalling(env: Record<string, string> = {}): Promise<Results> {
  const server: Child & { url: string } = await startMinimeet({
    ...env,
    RATE_LIMIT_REGISTER: '1000/60',
    // One bucket per connection; the bench must measure the request, never the budget.
    RATE_LIMIT_SOCKET_REQUESTS: '1000000/1',
  });
  try {
    const sign = await guestTokens(server.url);
    const roomOf = (i: number) => `bench-c-${Math.floor(i / ROOM_SIZE)}`;
    const sockets = await pool(
      Array.from({ length: CLIENTS }, (_, i) => i),
      10,
      async (i) =>
        open(server.url, {
          token: await sign(`guest-${i}`, roomOf(i)),
          protocolVersion: PROTOCOL_VERSION,
        }),
    );
    // The sequential room case: one client measures, one more sits in the room to be told.
    const [seq, listener] = await Promise.all(
      ['seq-0', 'seq-1'].map(async (identity) =>
        open(server.url, {
          token: await sign(identity, 'bench-seq'),
          protocolVersion: PROTOCOL_VERSION,
        }),
      ),
    );
    try {
      const results: Results = {
        pingSeq: await sequentialCase(seq, ping),
        pingConc: await concurrentCase(sockets, () => ping),
      };
      const joined =
        (await join(seq, 'bench-seq')) &&
        (await join(listener, 'bench-seq')) &&
        (await pool(sockets, 10, (s, i) => join(s, roomOf(i)))).every(Boolean);
      if (!joined) {
        console.warn('The server does not answer join_room yet: the room request case is skipped.');
        return results;
      }
      const seqState = mediaState('bench-seq', randomUUID());
      results.roomSeq = await sequentialCase(seq, (n) => ({
        event: 'update_media_state',
        payload: seqState(n),
      }));
      results.roomConc = await concurrentCase(sockets, (i) => {
        const payload = mediaState(roomOf(i), randomUUID());
        return (n) => ({ event: 'update_media_state', payload: payload(n) });
      });
      return results;
    } finally {
      for (const s of [...sockets, seq, listener]) s.disconnect();
    }
  } finally {
    await server.stop();
  }
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** A table row of one case's figures. */
export function row(label: string, s: Sample): Record<string, string | number> {
  return {
    case: label,
    'p50 ms': round(percentile(s.latencies, 50), 3),
    'p99 ms': round(percentile(s.latencies, 99), 3),
    'mean ms': round(mean(s.latencies), 3),
    'req/s': round((s.latencies.length / s.wallMs) * 1000, 0),
  };
}

function ratio(m: Sample, b: Sample): Record<string, string | number> {
  return {
    case: 'ratio minimeet / bare',
    'p50 ms': round(percentile(m.latencies, 50) / percentile(b.latencies, 50), 2),
    'p99 ms': round(percentile(m.latencies, 99) / percentile(b.latencies, 99), 2),
    'mean ms': round(mean(m.latencies) / mean(b.latencies), 2),
    'req/s': round(b.latencies.length / b.wallMs / (m.latencies.length / m.wallMs), 2),
  };
}

export async function signallingBench(): Promise<Array<Record<string, string | number>>> {
  const b = await bare();
  const m = await minimeetSignalling();
  const rows = [
    row(`bare ping × ${ROUND_TRIPS}, one client (baseline)`, b.pingSeq),
    row(`minimeet ping × ${ROUND_TRIPS}, one client`, m.pingSeq),
    ratio(m.pingSeq, b.pingSeq),
    row(`bare ping, ${CLIENTS} clients × ${CLIENT_ROUND_TRIPS} (baseline)`, b.pingConc),
    row(`minimeet ping, ${CLIENTS} clients × ${CLIENT_ROUND_TRIPS}`, m.pingConc),
    ratio(m.pingConc, b.pingConc),
  ];
  if (m.roomSeq && m.roomConc && b.roomSeq && b.roomConc) {
    rows.push(
      row(`bare relay to the room × ${ROUND_TRIPS}, room of 2 (baseline)`, b.roomSeq),
      row(`minimeet update_media_state × ${ROUND_TRIPS}, room of 2`, m.roomSeq),
      ratio(m.roomSeq, b.roomSeq),
      row(`bare relay, ${CLIENTS} clients in rooms of 4 (baseline)`, b.roomConc),
      row(`minimeet update_media_state, ${CLIENTS} clients in rooms of 4`, m.roomConc),
      ratio(m.roomConc, b.roomConc),
    );
  }
  printTable(
    'Acknowledged round trips, server in its own process (ratio: time, or throughput for req/s)',
    rows,
  );
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await signallingBench();
}
