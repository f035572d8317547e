/**
 * (a) of issue 14: what call analytics costs the call path. The signalling and chat benchmarks'
 * minimeet cases run against the real server (its own process, SQLite file) with analytics on
 * (`ANALYTICS_ENABLED=true`, the default: publisher, in-process stream, recorder and webhook
 * dispatcher writing to the same SQLite file) and off (`ANALYTICS_ENABLED=false`: the baseline),
 * and off again as a control, in rounds whose order rotates (off, on, control; on, control, off;
 * …) so that the machine's drift and a warmer bench process hit all alike; each mode's rounds are
 * pooled. control / off is an A/A test: the noise floor of each case on this machine, printed
 * beside on / off. A third case makes analytics work on every request: guests join a
 * room of two, send a quality report of 3 samples and leave, over and over (each cycle is a leg,
 * its samples and, with the other guest staying, no session end; every 10th cycle the stayer
 * leaves and rejoins too, so sessions end and start).
 *
 * Goal: analytics on at most 5 % slower than off.
 *
 * Knobs: BENCH_ANALYTICS_ROUNDS (rounds per mode, default 2), BENCH_ANALYTICS_CYCLES (call
 * cycles per guest, default 150), BENCH_ANALYTICS_GUESTS (guests cycling at once, default 8),
 * BENCH_ANALYTICS_OVERHEAD_CASES (default `signalling,chat,cycles`), and those of the signalling
 * and chat benchmarks.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROTOCOL_VERSION } from '@minimeet/protocol';
import type { Socket } from 'socket.io-client';
import { chatRow, minimeetChat, type ChatSample } from './chat.bench.js';
import { guestTokens } from './guests.js';
import { machineLoad } from './infra.js';
import { startMinimeet } from './processes.js';
import { minimeetSignalling, row, type Sample } from './signalling.bench.js';
import { closeAll, openSocket, request } from './sockets.js';
import { percentile, printTable, round } from './stats.js';

const ROUNDS = Number(process.env.BENCH_ANALYTICS_ROUNDS ?? 2);
const CYCLES = Number(process.env.BENCH_ANALYTICS_CYCLES ?? 150);
const GUESTS = Number(process.env.BENCH_ANALYTICS_GUESTS ?? 8);
const CASES = new Set(
  (process.env.BENCH_ANALYTICS_OVERHEAD_CASES ?? 'signalling,chat,cycles').split(','),
);

// `control` is `off` run again as a mode of its own: control / off is the noise floor of this
// machine for each case (an A/A test), printed beside on / off so a ratio can be read against it.
type Mode = 'off' | 'on' | 'control';
const ENV: Record<Mode, Record<string, string>> = {
  off: { ANALYTICS_ENABLED: 'false' },
  on: { ANALYTICS_ENABLED: 'true' },
  control: { ANALYTICS_ENABLED: 'false' },
};
/** The modes in the order of each round: rotated, so that none always runs first. */
const MODES: Mode[] = ['off', 'on', 'control'];

/** The mode's settings with a SQLite file of its own, so no round sees another's rooms. */
function fresh(mode: Mode): Record<string, string> {
  const file = join(tmpdir(), `minimeet-analytics-overhead-${randomUUID()}.sqlite`);
  files.push(file);
  return { ...ENV[mode], DATABASE_URL: `sqlite:${file}` };
}
const files: string[] = [];
const NOISE_LABEL = 'noise floor: off again / off (same measure)';

/** A quality report of three samples, as the SDK sends one every 15 s by default. */
function report(roomId: string, now: number): object {
  return {
    roomId,
    samples: [0, 1, 2].map((k) => ({
      at: now - (2 - k) * 5000,
      intervalMs: 5000,
      level: 'good',
      mos: 4.1,
      legs: [
        {
          direction: 'inbound',
          kind: 'audio',
          source: 'microphone',
          bitrate: 32_000,
          packets: 250,
          packetsLost: 1,
          jitterMs: 4,
          rttMs: 40,
          mos: 4.1,
        },
        {
          direction: 'outbound',
          kind: 'video',
          source: 'camera',
          bitrate: 800_000,
          packets: 400,
          packetsLost: 0,
          fps: 30,
        },
      ],
    })),
  };
}

/** Join, report, leave, {@link CYCLES} times per guest, {@link GUESTS} guests at once. */
async function callCycles(env: Record<string, string>): Promise<Sample> {
  const server = await startMinimeet({
    ...env,
    RATE_LIMIT_REGISTER: '1000/60',
    RATE_LIMIT_SOCKET_REQUESTS: '1000000/1',
    RATE_LIMIT_QUALITY: '1000000/1',
  });
  const sockets: Socket[] = [];
  try {
    const sign = await guestTokens(server.url);
    const pairs = await Promise.all(
      Array.from({ length: GUESTS }, async (_, g) => {
        const room = `bench-cycle-${g}`;
        const auth = async (who: string) => ({
          token: await sign(`${who}-${g}`, room),
          protocolVersion: PROTOCOL_VERSION,
        });
        const stayer = await openSocket(server.url, await auth('stayer'));
        const mover = await openSocket(server.url, await auth('mover'));
        sockets.push(stayer, mover);
        return { room, stayer, mover };
      }),
    );
    const cycle = async (p: (typeof pairs)[number], n: number): Promise<number> => {
      const t0 = performance.now();
      if (n % 10 === 0) await request(p.stayer, 'join_room', { roomId: p.room });
      await request(p.mover, 'join_room', { roomId: p.room });
      await request(p.mover, 'quality_report', report(p.room, Date.now()));
      await request(p.mover, 'leave_room', { roomId: p.room });
      if (n % 10 === 9) await request(p.stayer, 'leave_room', { roomId: p.room });
      return performance.now() - t0;
    };
    // Warm-up: one full round of ten cycles per guest.
    await Promise.all(
      pairs.map(async (p) => {
        for (let n = 0; n < 10; n++) await cycle(p, n);
      }),
    );
    const started = performance.now();
    const perGuest = await Promise.all(
      pairs.map(async (p) => {
        const ms: number[] = [];
        for (let n = 0; n < CYCLES; n++) ms.push(await cycle(p, n));
        return ms;
      }),
    );
    return { latencies: perGuest.flat(), wallMs: performance.now() - started };
  } finally {
    closeAll(sockets);
    await server.stop();
  }
}

interface Round {
  signalling?: Awaited<ReturnType<typeof minimeetSignalling>>;
  chat?: Awaited<ReturnType<typeof minimeetChat>>;
  cycles?: Sample;
}

const poolSamples = (samples: Sample[]): Sample => ({
  latencies: samples.flatMap((s) => s.latencies),
  wallMs: samples.reduce((a, s) => a + s.wallMs, 0),
});

const poolChat = (samples: ChatSample[]): ChatSample => ({
  completed: samples.reduce((a, s) => a + s.completed, 0),
  lost: samples.reduce((a, s) => a + s.lost, 0),
  deliveries: samples.reduce((a, s) => a + s.deliveries, 0),
  wallMs: samples.reduce((a, s) => a + s.wallMs, 0),
  delivery: samples.flatMap((s) => s.delivery),
  ack: samples.flatMap((s) => s.ack),
});

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

/** on / off of a latency case: p50, p99, mean (time) and throughput (off / on, above 1 is slower). */
function ratio(
  on: Sample,
  off: Sample,
  label = 'ratio on / off (time; req/s as off / on)',
): Record<string, string | number> {
  return {
    case: label,
    'p50 ms': round(percentile(on.latencies, 50) / percentile(off.latencies, 50), 3),
    'p99 ms': round(percentile(on.latencies, 99) / percentile(off.latencies, 99), 3),
    'mean ms': round(mean(on.latencies) / mean(off.latencies), 3),
    'req/s': round(off.latencies.length / off.wallMs / (on.latencies.length / on.wallMs), 3),
  };
}

function chatRatio(
  on: ChatSample,
  off: ChatSample,
  label = 'ratio on / off (time; msgs/s as off / on)',
): Record<string, string | number> {
  const rate = (s: ChatSample) => s.completed / s.wallMs;
  return {
    case: label,
    'msgs/s': round(rate(off) / rate(on), 3),
    'deliveries/s': '',
    'delivery p50 ms': round(percentile(on.delivery, 50) / percentile(off.delivery, 50), 3),
    'delivery p99 ms': round(percentile(on.delivery, 99) / percentile(off.delivery, 99), 3),
    'ack p50 ms': round(percentile(on.ack, 50) / percentile(off.ack, 50), 3),
    'ack p99 ms': round(percentile(on.ack, 99) / percentile(off.ack, 99), 3),
    completed: '',
    lost: '',
  };
}

/** Runs the rounds and prints the three tables. */
export async function analyticsOverheadBench(): Promise<void> {
  console.log(`machine at the start: ${machineLoad()}`);
  const rounds: Record<Mode, Round[]> = { off: [], on: [], control: [] };
  for (let r = 0; r < ROUNDS; r++) {
    // Rotate which goes first, so that none always runs on a warmer bench process.
    const order = MODES.map((_, i) => MODES[(i + r) % MODES.length]);
    for (const mode of order) {
      rounds[mode].push({
        signalling: CASES.has('signalling') ? await minimeetSignalling(fresh(mode)) : undefined,
        chat: CASES.has('chat') ? await minimeetChat(ENV[mode]) : undefined,
        cycles: CASES.has('cycles') ? await callCycles(fresh(mode)) : undefined,
      });
      console.log(`round ${r + 1}, analytics ${mode}: done (${machineLoad()})`);
    }
  }
  console.log(`machine at the end: ${machineLoad()}`);
  for (const file of files)
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });

  const sig = (mode: Mode, key: 'pingSeq' | 'pingConc' | 'roomSeq' | 'roomConc') =>
    poolSamples(rounds[mode].map((x) => x.signalling?.[key]).filter((s): s is Sample => !!s));
  const signallingRows: Array<Record<string, string | number>> = [];
  const signallingCases = [
    ['pingSeq', 'ping, one client'],
    ['pingConc', 'ping, 50 clients'],
    ['roomSeq', 'update_media_state, room of 2'],
    ['roomConc', 'update_media_state, 50 clients in rooms of 4'],
  ] as const;
  for (const [key, label] of signallingCases) {
    const off = sig('off', key);
    const on = sig('on', key);
    if (off.latencies.length === 0 || on.latencies.length === 0) continue;
    signallingRows.push(
      row(`${label}, analytics off (baseline)`, off),
      row(`${label}, analytics on`, on),
      ratio(on, off),
      ratio(sig('control', key), off, NOISE_LABEL),
    );
  }
  if (CASES.has('cycles')) {
    const cycles = (mode: Mode) =>
      poolSamples(rounds[mode].map((x) => x.cycles).filter((s): s is Sample => !!s));
    signallingRows.push(
      row(
        `join + quality_report + leave, ${GUESTS} guests, analytics off (baseline)`,
        cycles('off'),
      ),
      row(`join + quality_report + leave, ${GUESTS} guests, analytics on`, cycles('on')),
      ratio(cycles('on'), cycles('off')),
      ratio(cycles('control'), cycles('off'), NOISE_LABEL),
    );
  }
  printTable(
    `(a) signalling with call analytics on against off, ${ROUNDS} rotated rounds each, pooled (goal: on at most 1.05× off; the noise floor is off against itself)`,
    signallingRows,
  );

  const chatRows: Array<Record<string, string | number>> = [];
  for (const [key, label] of [
    ['seq', 'one room, one message at a time'],
    ['one', 'one room, 32 in flight'],
    ['many', '10 rooms, 32 in flight in each'],
  ] as const) {
    const of = (mode: Mode) =>
      poolChat(rounds[mode].map((x) => x.chat?.[key]).filter((s): s is ChatSample => !!s));
    if (rounds.off.length === 0 || !rounds.off[0]?.chat) continue;
    chatRows.push(
      chatRow(`chat_message, ${label}, analytics off (baseline)`, of('off')),
      chatRow(`chat_message, ${label}, analytics on`, of('on')),
      chatRatio(of('on'), of('off')),
      chatRatio(of('control'), of('off'), NOISE_LABEL),
    );
  }
  printTable(
    `(a) chat with call analytics on against off, ${ROUNDS} rotated rounds each, pooled (goal: on at most 1.05× off; the noise floor is off against itself)`,
    chatRows,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await analyticsOverheadBench();
  process.exit(0);
}
