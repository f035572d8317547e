/**
 * Chat throughput: messages per second through the real server (its own process, persistence on:
 * the default SQLite store in a file of a temp directory, search index included) to rooms of 4
 * members, beside a bare socket.io server that broadcasts the same payload to the same rooms and
 * acknowledges, in the same run.
 *
 * In each room one member sends and the three others are subscribed. The sender keeps a bounded
 * window of messages in flight: a message leaves the window when it is acknowledged *and* all
 * three others have received it, so the figure is a sustained rate, not a queue filling up.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, PROTOCOL_VERSION } from '@minimeet/protocol';
import type { Socket } from 'socket.io-client';
import { machineLoad } from './infra.js';
import { BARE_SERVER, freePort, spawnNode, startMinimeet } from './processes.js';
import { closeAll, openSocket, request, RequestRefused } from './sockets.js';
import { percentile, pool, printTable, round } from './stats.js';
import { FAST_ACCOUNTS_ENV, createRoom, joinRoom, registerUser, type BenchUser } from './users.js';

// Each case sends for this long (after a warm-up), and never more than MAX_MESSAGES per sender.
const DURATION_MS = Number(process.env.BENCH_CHAT_SECONDS ?? 8) * 1000;
const WARMUP_MS = Number(process.env.BENCH_CHAT_WARMUP_SECONDS ?? 2) * 1000;
const MAX_MESSAGES = Number(process.env.BENCH_CHAT_MAX_MESSAGES ?? 200_000);
const WINDOW = Number(process.env.BENCH_CHAT_WINDOW ?? 32);
const ROOMS = Number(process.env.BENCH_CHAT_ROOMS ?? 10);
const ROOM_SIZE = 4;
// A message that has not reached all receivers this long after it was sent counts as lost.
const DELIVERY_TIMEOUT_MS = 15_000;

/** One room of the bench: who sends and who must receive. */
interface RoomRig {
  roomId: string;
  sender: Socket;
  receivers: Socket[];
}

/** What a server case needs: rooms ready to chat, and how to send one message. */
interface Rig {
  rooms: RoomRig[];
  send(socket: Socket, roomId: string, clientId: string, text: string): Promise<unknown>;
}

/** The figures of one case. */
export interface ChatSample {
  /** Messages acknowledged and received by all three others. */
  completed: number;
  /** Messages that missed an acknowledgement or a delivery. */
  lost: number;
  /** Deliveries counted at receivers. */
  deliveries: number;
  wallMs: number;
  /** Send → arrival at each receiver, ms. */
  delivery: number[];
  /** Send → acknowledgement, ms. */
  ack: number[];
}

/** A message in flight: when it left, and how many receivers still wait for it. */
interface InFlight {
  t0: number;
  remaining: number;
  done: () => void;
}

/** Words for message texts, so the search index has real work on every insert. */
const WORDS =
  'meeting agenda notes camera screen share call later today tomorrow review design budget release deploy coffee lunch thanks question answer'.split(
    ' ',
  );

function text(n: number): string {
  const words: string[] = [];
  for (let i = 0; i < 8 + (n % 7); i++) words.push(WORDS[(n * 7 + i * 13) % WORDS.length]);
  return `${words.join(' ')} #${n}`;
}

/**
 * Sends from each room's sender for `durationMs` (at most {@link MAX_MESSAGES} each) with
 * `window` messages in flight per sender, and counts deliveries at the receivers.
 */
async function throughput(
  rig: Rig,
  rooms: RoomRig[],
  durationMs: number,
  window = WINDOW,
): Promise<ChatSample> {
  const inFlight = new Map<string, InFlight>();
  const sample: ChatSample = {
    completed: 0,
    lost: 0,
    deliveries: 0,
    wallMs: 0,
    delivery: [],
    ack: [],
  };
  const onMessage = (event: { message: { clientId: string } }) => {
    const entry = inFlight.get(event.message.clientId);
    if (!entry) return;
    sample.delivery.push(performance.now() - entry.t0);
    sample.deliveries++;
    if (--entry.remaining === 0) entry.done();
  };
  for (const room of rooms) for (const r of room.receivers) r.on('chat_message', onMessage);
  const started = performance.now();
  const deadline = started + durationMs;
  try {
    await Promise.all(
      rooms.map(async (room) => {
        let next = 0;
        const prefix = randomUUID().slice(0, 8);
        const worker = async () => {
          while (next < MAX_MESSAGES && performance.now() < deadline) {
            const n = next++;
            const clientId = `${prefix}-${n}`;
            let timer: NodeJS.Timeout | undefined;
            const delivered = new Promise<boolean>((resolve) => {
              inFlight.set(clientId, {
                t0: performance.now(),
                remaining: room.receivers.length,
                done: () => resolve(true),
              });
              timer = setTimeout(() => resolve(false), DELIVERY_TIMEOUT_MS);
            });
            const t0 = inFlight.get(clientId)!.t0;
            const acked = await rig.send(room.sender, room.roomId, clientId, text(n)).then(
              () => true,
              (error: unknown) => {
                console.warn(
                  `send failed: ${error instanceof Error ? error.message : String(error)}`,
                );
                return false;
              },
            );
            if (acked) sample.ack.push(performance.now() - t0);
            const allReceived = await delivered;
            clearTimeout(timer);
            inFlight.delete(clientId);
            if (acked && allReceived) sample.completed++;
            else sample.lost++;
          }
        };
        await Promise.all(Array.from({ length: window }, worker));
      }),
    );
  } finally {
    sample.wallMs = performance.now() - started;
    for (const room of rooms) for (const r of room.receivers) r.off('chat_message', onMessage);
  }
  return sample;
}

/** The cases of one server. */
export interface ChatResults {
  /** One room, one message at a time: the cost of a message without queueing. */
  seq: ChatSample;
  /** One room, {@link WINDOW} in flight. */
  one: ChatSample;
  /** {@link ROOMS} rooms at once, {@link WINDOW} in flight in each. */
  many: ChatSample;
}

/** Every case on one server, after a warm-up. */
async function runCases(rig: Rig): Promise<ChatResults> {
  const [first] = rig.rooms;
  await throughput(rig, [first], WARMUP_MS);
  const seq = await throughput(rig, [first], Math.min(DURATION_MS, 3000), 1);
  const one = await throughput(rig, [first], DURATION_MS);
  const many = await throughput(rig, rig.rooms, DURATION_MS);
  return { seq, one, many };
}

async function bare(): Promise<ChatResults> {
  const port = await freePort();
  const server = await spawnNode(BARE_SERVER, { PORT: String(port) }, 'bare server ready');
  const url = `http://127.0.0.1:${port}`;
  const sockets: Socket[] = [];
  try {
    const rooms: RoomRig[] = [];
    for (let r = 0; r < ROOMS; r++) {
      const members = await pool(Array.from({ length: ROOM_SIZE }), 4, () => openSocket(url));
      sockets.push(...members);
      const roomId = `bench-chat-${r}`;
      await Promise.all(members.map((s) => request(s, 'join', roomId)));
      rooms.push({ roomId, sender: members[0], receivers: members.slice(1) });
    }
    return await runCases({
      rooms,
      send: (socket, roomId, clientId, body) =>
        request(socket, 'chat', { roomId, clientId, text: body }),
    });
  } finally {
    closeAll(sockets);
    await server.stop();
  }
}

/**
 * The minimeet cases against a server started with `env` on top of the bench's own settings, or
 * undefined when the server does not answer chat yet.
 */
export async function minimeetChat(
  env: Record<string, string> = {},
): Promise<ChatResults | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'minimeet-chat-bench-'));
  try {
    const server = await startMinimeet({
      ...env,
      ...FAST_ACCOUNTS_ENV,
      DATABASE_URL: `sqlite:${join(dir, 'minimeet.sqlite')}`,
      // The per-user chat limit would cap the rate the bench is here to measure.
      RATE_LIMIT_CHAT: '1000000/1',
    });
    const sockets: Socket[] = [];
    try {
      return await minimeetCases(server.url, sockets);
    } finally {
      closeAll(sockets);
      await server.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Users, rooms and subscriptions on a running server, then the cases; opened sockets go in `sockets`. */
async function minimeetCases(url: string, sockets: Socket[]): Promise<ChatResults | undefined> {
  const run = randomUUID().slice(0, 8);
  const users = await pool(
    Array.from({ length: ROOMS * ROOM_SIZE }, (_, i) => i),
    8,
    (i) => registerUser(url, run, i),
  );
  const rooms: RoomRig[] = [];
  for (let r = 0; r < ROOMS; r++) {
    const members: BenchUser[] = users.slice(r * ROOM_SIZE, (r + 1) * ROOM_SIZE);
    const roomId = await createRoom(url, members[0], `Chat bench ${r}`);
    for (const m of members.slice(1)) await joinRoom(url, m, roomId);
    const connected = await Promise.all(
      members.map(async (m) => {
        const socket = await openSocket(url, {
          token: m.accessToken,
          protocolVersion: PROTOCOL_VERSION,
        });
        sockets.push(socket);
        return socket;
      }),
    );
    try {
      await Promise.all(connected.map((s) => request(s, 'chat_subscribe', { roomId, limit: 1 })));
    } catch (error) {
      if (error instanceof RequestRefused && error.code === ErrorCode.FeatureUnavailable) {
        console.warn('The server does not answer chat yet: only the baseline is measured.');
        return undefined;
      }
      throw error;
    }
    rooms.push({ roomId, sender: connected[0], receivers: connected.slice(1) });
  }
  return runCases({
    rooms,
    send: (socket, roomId, clientId, body) =>
      request(socket, 'chat_message', { roomId, clientId, text: body }),
  });
}

const rate = (s: ChatSample) => (s.completed / s.wallMs) * 1000;

/** A table row of one case's figures. */
export function chatRow(label: string, s: ChatSample): Record<string, string | number> {
  return {
    case: label,
    'msgs/s': round(rate(s), 0),
    'deliveries/s': round((s.deliveries / s.wallMs) * 1000, 0),
    'delivery p50 ms': round(percentile(s.delivery, 50), 2),
    'delivery p99 ms': round(percentile(s.delivery, 99), 2),
    'ack p50 ms': round(percentile(s.ack, 50), 2),
    'ack p99 ms': round(percentile(s.ack, 99), 2),
    completed: s.completed,
    lost: s.lost,
  };
}

function ratio(m: ChatSample, b: ChatSample): Record<string, string | number> {
  return {
    case: 'ratio minimeet / bare',
    'msgs/s': round(rate(m) / rate(b), 2),
    'deliveries/s': '',
    'delivery p50 ms': round(percentile(m.delivery, 50) / percentile(b.delivery, 50), 2),
    'delivery p99 ms': round(percentile(m.delivery, 99) / percentile(b.delivery, 99), 2),
    'ack p50 ms': round(percentile(m.ack, 50) / percentile(b.ack, 50), 2),
    'ack p99 ms': round(percentile(m.ack, 99) / percentile(b.ack, 99), 2),
    completed: '',
    lost: '',
  };
}

/** Runs the chat throughput bench and prints its table. */
export async function chatBench(): Promise<Array<Record<string, string | number>>> {
  console.log(`machine at the start: ${machineLoad()}`);
  const b = await bare();
  const m = await minimeetChat();
  const rows: Array<Record<string, string | number>> = [];
  const cases = [
    ['seq', `1 room of ${ROOM_SIZE}, one message at a time`],
    ['one', `1 room of ${ROOM_SIZE}, ${WINDOW} in flight`],
    ['many', `${ROOMS} rooms of ${ROOM_SIZE}, ${WINDOW} in flight in each`],
  ] as const;
  for (const [key, label] of cases) {
    rows.push(chatRow(`bare broadcast, ${label} (baseline)`, b[key]));
    if (m) rows.push(chatRow(`minimeet chat_message, ${label}`, m[key]), ratio(m[key], b[key]));
  }
  console.log(`machine at the end: ${machineLoad()}`);
  printTable(
    'Chat through the server, one sender and three subscribers per room, SQLite file store (ratio: throughput, or time for latencies)',
    rows,
  );
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await chatBench();
}
