/**
 * Issue 15, forwarding capacity and cost of the SFU: minimeet's mediasoup adapter (one worker, the
 * server's own settings) beside Janus's VideoRoom (the original design's media server) carrying
 * the same load in the same run, and beside mediasoup's documented figure of about 500 consumers
 * per worker.
 *
 * The load: synthetic WebRTC peers on werift (ICE, DTLS, SRTP like a browser): P publishers each
 * send one synthetic VP8 stream (vp8-source.ts: ~540 kbit/s, ~63 packets/s, a key frame every
 * 2 s); subscribers each receive every publisher's stream on one connection, so a subscriber adds
 * P forwarded streams (P consumers on mediasoup, P subscribed streams on Janus). Both media
 * servers run in a network namespace the bench creates (a veth pair to the host, where the peers
 * are), one after the other, never at once.
 *
 * The cost: the media server's process CPU time from `/proc/<pid>/stat` (all its threads) over a
 * steady window at each step, as a share of one core. CPU per forwarded packet is the slope of a
 * least-squares line through (packets per second due, CPU) over the steps both servers ran
 * (due: sent × subscribers); per stream, that at the stream's nominal packet rate; the first step, with no
 * subscriber, is what taking in the P streams costs with nobody watching. The consumer ceiling: mediasoup's subscribers
 * are ramped up in steps (bounded in count and in time) until the worker uses 80 % of a core; the
 * largest step below that is the measured ceiling, and the CPU per packet over every step gives
 * the estimate where the ramp stopped first. Every step reports how many of the packets the SFU was
 * due to forward the subscribers received: a step under 95 % (the machine, shared and with the
 * bench on the same two cores, did not keep up) is left out of the fits, and two in a row end
 * the ramp. One decrypting probe subscriber checks that what arrives is the synthetic VP8.
 *
 * Needs root (network namespace, veth pair), iproute2, Debian's `janus` and the built mediasoup
 * worker (`node scripts/mediasoup-worker.mjs`). Every process, the namespace and temporary folders
 * are removed at the end, on failure and on SIGINT/SIGTERM.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createNetworkNamespace, type NetworkNamespace } from '@minimeet/server/testing';
import { openCpuWindow } from './capacity/cpu.js';
import { startJanus } from './capacity/janus-sfu.js';
import { startMediasoup } from './capacity/mediasoup-sfu.js';
import type { Publisher, SfuUnderTest, Subscriber } from './capacity/sfu.js';
import { DEFAULT_SHAPE, shapeRates } from './capacity/vp8-source.js';
import { machineLoad } from './infra.js';
import { pool, printTable, round } from './stats.js';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const PUBLISHERS = num('BENCH_CAPACITY_PUBLISHERS', 4);
/** Subscribers added per step while both servers are compared, then per step of the ramp. */
const COMPARE_STEP = num('BENCH_CAPACITY_COMPARE_STEP', 15);
const COMPARE_STEPS = num('BENCH_CAPACITY_COMPARE_STEPS', 3);
const RAMP_STEP = num('BENCH_CAPACITY_RAMP_STEP', 25);
const MAX_CONSUMERS = num('BENCH_CAPACITY_MAX_CONSUMERS', 1200);
const RAMP_BUDGET_S = num('BENCH_CAPACITY_RAMP_BUDGET_S', 150);
const SETTLE_S = num('BENCH_CAPACITY_SETTLE_S', 3);
const WINDOW_S = num('BENCH_CAPACITY_WINDOW_S', 6);
/** Share of one core the ceiling is measured at. */
const CEILING = 0.8;
/** mediasoup's documentation: a worker "can typically handle over ~500 consumers in total". */
const DOCUMENTED_CONSUMERS = 500;
const MIN_DELIVERY = 0.95;
const CONNECT_CONCURRENCY = 4;

const RATES = shapeRates(DEFAULT_SHAPE);

/** One steady window at one step. */
interface Step {
  streams: number;
  /** Share of one core the media server used. */
  cores: number;
  /** RTP packets per second the subscribers received, and what they were due (what was sent). */
  receivedPps: number;
  expectedPps: number;
  /** Share of one core the bench process (all peers) used. */
  benchCores: number;
  /** Subscribers that received nothing in the window. */
  silent: number;
  /** Seconds it took to connect the subscribers this step added. */
  connectS: number;
}

/** Things to undo, newest first, however the bench ends. */
const cleanups: Array<{ what: string; run: () => Promise<void>; sync: () => void }> = [];

async function cleanUp(): Promise<void> {
  while (cleanups.length > 0) {
    const cleanup = cleanups.pop()!;
    try {
      await cleanup.run();
    } catch (error) {
      console.error(`clean-up of ${cleanup.what} failed:`, error);
      cleanup.sync();
    }
  }
}

function trapSignals(): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: cleaning up (media servers, namespace) before exiting`);
    void cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  // Last resort when the process exits without the awaited clean-up (a crash): kill and delete.
  const onExit = () => {
    for (const cleanup of cleanups.splice(0).reverse()) cleanup.sync();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('exit', onExit);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    process.off('exit', onExit);
  };
}

function killSync(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function registerNamespace(ns: NetworkNamespace): void {
  cleanups.push({
    what: `network namespace ${ns.name}`,
    run: () => ns.destroy(),
    sync: () => {
      try {
        execFileSync('/usr/sbin/ip', ['netns', 'del', ns.name], { stdio: 'ignore' });
      } catch {
        // already gone
      }
    },
  });
}

function registerServer(sfu: SfuUnderTest): () => Promise<void> {
  const entry = { what: sfu.name, run: () => sfu.stop(), sync: () => killSync(sfu.pid) };
  cleanups.push(entry);
  return async () => {
    cleanups.splice(cleanups.indexOf(entry), 1);
    await sfu.stop();
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Measures one steady window with `subscribers` receiving. */
async function measure(
  sfu: SfuUnderTest,
  publishers: readonly Publisher[],
  subscribers: readonly Subscriber[],
  connectS: number,
): Promise<Step> {
  await sleep(SETTLE_S * 1000);
  const streams = subscribers.reduce((n, s) => n + s.streams, 0);
  const before = subscribers.map((s) => s.counter.packets);
  const sentBefore = publishers.reduce((n, p) => n + p.source.packetsSent, 0);
  const benchBefore = process.cpuUsage();
  const t0 = performance.now();
  const window = await openCpuWindow(sfu.pid);
  await sleep(WINDOW_S * 1000);
  const cores = await window.stop();
  const seconds = (performance.now() - t0) / 1000;
  const bench = process.cpuUsage(benchBefore);
  const received = subscribers.map((s, i) => s.counter.packets - before[i]);
  // Every subscriber receives every publisher: each packet sent is due once to each of them.
  const sent = publishers.reduce((n, p) => n + p.source.packetsSent, 0) - sentBefore;
  return {
    streams,
    cores,
    receivedPps: received.reduce((a, b) => a + b, 0) / seconds,
    expectedPps: (sent * subscribers.length) / seconds,
    benchCores: (bench.user + bench.system) / 1e6 / seconds,
    silent: received.filter((n) => n === 0).length,
    connectS,
  };
}

/** Adds `count` subscribers to every publisher (the first one ever is the decrypting probe). */
async function addSubscribers(
  sfu: SfuUnderTest,
  publishers: readonly Publisher[],
  subscribers: Subscriber[],
  count: number,
): Promise<number> {
  const t0 = performance.now();
  const added = await pool(Array.from({ length: count }), CONNECT_CONCURRENCY, (_, i) =>
    sfu.subscribe(publishers, subscribers.length === 0 && i === 0 ? 'probe' : 'count'),
  );
  subscribers.push(...added);
  return (performance.now() - t0) / 1000;
}

/** Least-squares line through the points: y = intercept + slope × x. */
function fit(points: ReadonlyArray<readonly [number, number]>): {
  slope: number;
  intercept: number;
} {
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  const slope = sxx === 0 ? Number.NaN : sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

/**
 * Whether the subscribers received what the SFU was due to forward. A step below that is a moment
 * the machine (shared, 2 cores) did not keep up: the SFU's CPU there is not a steady cost, and the
 * fits leave it out.
 */
const delivered = (s: Step) => s.streams === 0 || s.receivedPps >= s.expectedPps * MIN_DELIVERY;

/**
 * CPU (cores) against packets per second the SFU was due to forward (sent × subscribers): on a
 * busy machine the receivers lose some after the SFU has done its work, so what arrived would
 * overstate the cost per packet.
 */
const perPacket = (steps: readonly Step[]) =>
  fit(steps.filter(delivered).map((s) => [s.expectedPps, s.cores] as const));

interface Run {
  name: string;
  steps: Step[];
  /** Why the ramp stopped (mediasoup only). */
  stoppedBecause?: string;
  probe: Subscriber | undefined;
}

/** Publishers, then subscribers step by step; `ramp` goes on past the comparison steps. */
async function drive(sfu: SfuUnderTest, ramp: boolean): Promise<Run> {
  const publishers: Publisher[] = [];
  for (let i = 0; i < PUBLISHERS; i++) publishers.push(await sfu.publish());
  const subscribers: Subscriber[] = [];
  const steps: Step[] = [];
  const report = (step: Step) => {
    steps.push(step);
    console.log(
      `  ${sfu.name}: ${step.streams} streams, ${round(step.cores * 100)} % of a core, ` +
        `${round((step.receivedPps / Math.max(1, step.expectedPps)) * 100)} % delivered, ` +
        `bench ${round(step.benchCores * 100)} % (subscribers connected in ${round(step.connectS)} s)`,
    );
  };
  report(await measure(sfu, publishers, subscribers, 0));
  for (let i = 0; i < COMPARE_STEPS; i++) {
    const connectS = await addSubscribers(sfu, publishers, subscribers, COMPARE_STEP);
    report(await measure(sfu, publishers, subscribers, connectS));
  }
  let stoppedBecause: string | undefined;
  if (ramp) {
    const deadline = Date.now() + RAMP_BUDGET_S * 1000;
    for (;;) {
      const last = steps.at(-1)!;
      if (last.cores >= CEILING) {
        stoppedBecause = `reached ${CEILING * 100} % of a core`;
        break;
      }
      if (last.streams + RAMP_STEP * PUBLISHERS > MAX_CONSUMERS) {
        stoppedBecause = `the next step would pass BENCH_CAPACITY_MAX_CONSUMERS (${MAX_CONSUMERS})`;
        break;
      }
      if (Date.now() > deadline) {
        stoppedBecause = `the ramp's time budget (BENCH_CAPACITY_RAMP_BUDGET_S = ${RAMP_BUDGET_S} s) ran out`;
        break;
      }
      // One short step can be a burst of the machine's other work; two in a row end the ramp.
      if (
        steps.slice(-2).every((s) => s.streams > 0 && s.receivedPps < s.expectedPps * MIN_DELIVERY)
      ) {
        stoppedBecause = `delivery fell below ${MIN_DELIVERY * 100} % twice in a row (the machine could not keep up)`;
        break;
      }
      const connectS = await addSubscribers(sfu, publishers, subscribers, RAMP_STEP);
      report(await measure(sfu, publishers, subscribers, connectS));
    }
  }
  return { name: sfu.name, steps, stoppedBecause, probe: subscribers[0] };
}

const pct = (x: number, digits = 1) => `${round(x * 100, digits)} %`;

function stepRows(run: Run): Array<Record<string, string | number>> {
  return run.steps.map((s) => ({
    server: run.name,
    'forwarded streams': s.streams,
    'server CPU (of a core)': pct(s.cores),
    'delivered pkt/s': `${Math.round(s.receivedPps)} of ${Math.round(s.expectedPps)}`,
    delivered:
      s.streams === 0
        ? ''
        : `${pct(s.receivedPps / s.expectedPps)}${delivered(s) ? '' : ' (not in the fits)'}`,
    'silent subscribers': s.silent,
    'bench CPU (of a core)': pct(s.benchCores),
    'connect s': round(s.connectS),
  }));
}

/** Checks the probe decrypted the synthetic VP8 (throws when the media path is broken). */
function checkProbe(run: Run): void {
  const probe = run.probe?.counter;
  if (!probe || probe.packets === 0 || probe.vp8Packets !== probe.packets) {
    throw new Error(
      `${run.name}: the decrypting probe subscriber got ${probe?.packets ?? 0} packets, ` +
        `${probe?.vp8Packets ?? 0} of them the synthetic VP8: the media path is broken`,
    );
  }
}

/** Runs the capacity bench; returns the summary rows. */
export async function sfuCapacityBench(): Promise<Array<Record<string, string | number>>> {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'The SFU capacity bench needs root: it creates a network namespace and a veth pair ' +
        '(`ip netns add`, `ip link add … type veth`) for Janus and the mediasoup worker. ' +
        'Run it as root, e.g. `sudo pnpm --filter @minimeet/bench run bench:sfu-capacity`.',
    );
  }
  if (!existsSync(process.env.JANUS_PATH ?? '/usr/bin/janus')) {
    throw new Error('The SFU capacity bench needs Janus: `apt-get install janus` (Debian 1.1.2).');
  }
  console.log(
    `\nSFU forwarding capacity: ${PUBLISHERS} publishers of synthetic VP8 ` +
      `(~${Math.round(RATES.kbps)} kbit/s, ~${Math.round(RATES.packetsPerSecond)} packets/s each), ` +
      `subscribers receiving all of them over werift; windows of ${WINDOW_S} s after ${SETTLE_S} s`,
  );
  console.log(`machine at the start: ${machineLoad()}`);
  const untrap = trapSignals();
  try {
    const ns = await createNetworkNamespace();
    registerNamespace(ns);

    const janus = await startJanus(ns);
    const stopJanus = registerServer(janus);
    const janusRun = await drive(janus, false);
    await stopJanus();

    const mediasoup = await startMediasoup(ns);
    const stopMediasoup = registerServer(mediasoup);
    const mediasoupRun = await drive(mediasoup, true);
    await stopMediasoup();

    await cleanUp();
    console.log(`machine at the end: ${machineLoad()}`);
    checkProbe(janusRun);
    checkProbe(mediasoupRun);

    printTable('Every step (server CPU from /proc/<pid>/stat over the window)', [
      ...stepRows(janusRun),
      ...stepRows(mediasoupRun),
    ]);

    const compared = mediasoupRun.steps.slice(0, COMPARE_STEPS + 1);
    const msPacket = perPacket(compared).slope;
    const janusPacket = perPacket(janusRun.steps).slope;
    const ratio = (a: number, b: number) =>
      Number.isFinite(a / b) ? `${round(a / b, 2)}×` : 'n/a (too few steps delivered in full)';
    const summary: Array<Record<string, string | number>> = [
      {
        figure: `CPU per forwarded packet (µs), over 0–${compared.at(-1)!.streams} streams`,
        mediasoup: round(msPacket * 1e6, 1),
        janus: round(janusPacket * 1e6, 1),
        'ratio (Janus / mediasoup)': ratio(janusPacket, msPacket),
      },
      {
        figure: `CPU per forwarded stream at ${Math.round(RATES.packetsPerSecond)} packets/s (% of a core)`,
        mediasoup: round(msPacket * RATES.packetsPerSecond * 100, 3),
        janus: round(janusPacket * RATES.packetsPerSecond * 100, 3),
        'ratio (Janus / mediasoup)': ratio(janusPacket, msPacket),
      },
      {
        figure: `taking in ${PUBLISHERS} streams, nobody watching (% of a core)`,
        mediasoup: pct(mediasoupRun.steps[0].cores, 2),
        janus: pct(janusRun.steps[0].cores, 2),
        'ratio (Janus / mediasoup)': ratio(janusRun.steps[0].cores, mediasoupRun.steps[0].cores),
      },
    ];
    printTable('Cost of forwarding, the same load through both', summary);

    // The estimate: CPU per packet over every step (robust to a stream's rate wobbling on a busy
    // machine), at the stream's nominal packet rate.
    const all = perPacket(mediasoupRun.steps);
    const below = mediasoupRun.steps.filter((s) => s.cores < CEILING && delivered(s));
    const measured = below.at(-1);
    const estimate = (CEILING - all.intercept) / (all.slope * RATES.packetsPerSecond);
    const reached = mediasoupRun.steps.some((s) => s.cores >= CEILING);
    const ceiling: Array<Record<string, string | number>> = [
      {
        figure: reached
          ? `largest step measured below ${CEILING * 100} % of a core`
          : `largest step measured (the worker stayed below ${CEILING * 100} % of a core)`,
        consumers: measured?.streams ?? 0,
        'worker CPU': measured ? pct(measured.cores) : '',
        'vs documented ~500': measured
          ? `${round(measured.streams / DOCUMENTED_CONSUMERS, 2)}×`
          : '',
      },
      {
        figure: `${CEILING * 100} % of a core by the CPU per packet over every step${reached ? '' : ' (extrapolated)'}`,
        consumers: Math.round(estimate),
        'worker CPU': pct(CEILING),
        'vs documented ~500': `${round(estimate / DOCUMENTED_CONSUMERS, 2)}×`,
      },
      {
        figure: 'mediasoup\'s documentation ("over ~500 consumers" per worker)',
        consumers: DOCUMENTED_CONSUMERS,
        'worker CPU': '',
        'vs documented ~500': '1×',
      },
    ];
    printTable(
      `Consumers one mediasoup worker carries (ramp stopped: ${mediasoupRun.stoppedBecause})`,
      ceiling,
    );
    return [...summary, ...ceiling];
  } finally {
    await cleanUp();
    untrap();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    await sfuCapacityBench();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
