/**
 * Connecting 1,000 SDK clients to the minimeet server (join-token auth, validation, session
 * handshake) beside 1,000 bare socket.io clients to a bare socket.io server, in the same run.
 */
import { MinimeetClient } from '@minimeet/sdk';
import { createJoinToken } from '@minimeet/host';
import { io, type Socket } from 'socket.io-client';
import { BARE_SERVER, freePort, spawnNode, startMinimeet } from './processes.js';
import { percentile, pool, printTable, round } from './stats.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONNECT_CONCURRENCY ?? 50);

interface Result {
  totalMs: number;
  p50: number;
  p99: number;
}

async function measure<C>(
  connect: (i: number) => Promise<C>,
  close: (c: C) => Promise<void>,
): Promise<Result> {
  const latencies: number[] = [];
  const started = performance.now();
  const clients = await pool(
    Array.from({ length: CLIENTS }, (_, i) => i),
    CONCURRENCY,
    async (i) => {
      const t0 = performance.now();
      const c = await connect(i);
      latencies.push(performance.now() - t0);
      return c;
    },
  );
  const totalMs = performance.now() - started;
  await Promise.all(clients.map((c) => close(c)));
  return { totalMs, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function bare(): Promise<Result> {
  const port = await freePort();
  const server = await spawnNode(BARE_SERVER, { PORT: String(port) }, 'bare server ready');
  try {
    return await measure(
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = io(`http://127.0.0.1:${port}`, {
            transports: ['websocket'],
            reconnection: false,
            forceNew: true,
          });
          const timer = setTimeout(() => reject(new Error('bare connect timed out')), 20_000);
          socket.once('session', () => {
            clearTimeout(timer);
            resolve(socket);
          });
          socket.once('connect_error', (err) => {
            clearTimeout(timer);
            reject(err);
          });
        }),
      (socket) => {
        socket.disconnect();
        return Promise.resolve();
      },
    );
  } finally {
    await server.stop();
  }
}

async function minimeet(): Promise<Result> {
  const server = await startMinimeet({ RATE_LIMIT_REGISTER: '1000/60' });
  try {
    const reg = await fetch(`${server.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'host@example.test',
        password: 'benchmark password 1',
        displayName: 'Host',
      }),
    });
    const { accessToken } = (await reg.json()) as { accessToken: string };
    const keyRes = await fetch(`${server.url}/api/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ name: 'bench' }),
    });
    const key = (await keyRes.json()) as { id: string; secret: string };
    const tokens = await Promise.all(
      Array.from({ length: CLIENTS }, (_, i) =>
        createJoinToken(key, {
          identity: `user-${i}`,
          name: `User ${i}`,
          grants: { room: 'bench' },
        }),
      ),
    );
    return await measure(
      async (i) => {
        const client = new MinimeetClient({ reconnect: { enabled: false } });
        await client.connect(server.url, tokens[i]);
        return client;
      },
      (client) => client.disconnect(),
    );
  } finally {
    await server.stop();
  }
}

export async function connectBench(): Promise<Array<Record<string, string | number>>> {
  const b = await bare();
  const m = await minimeet();
  const rows = [
    {
      case: `bare socket.io × ${CLIENTS} (baseline)`,
      'total ms': round(b.totalMs),
      'connects/s': round((CLIENTS / b.totalMs) * 1000),
      'p50 ms': round(b.p50),
      'p99 ms': round(b.p99),
    },
    {
      case: `minimeet SDK × ${CLIENTS}`,
      'total ms': round(m.totalMs),
      'connects/s': round((CLIENTS / m.totalMs) * 1000),
      'p50 ms': round(m.p50),
      'p99 ms': round(m.p99),
    },
    {
      case: 'ratio minimeet / bare (time)',
      'total ms': round(m.totalMs / b.totalMs, 2),
      'connects/s': '',
      'p50 ms': round(m.p50 / b.p50, 2),
      'p99 ms': round(m.p99 / b.p99, 2),
    },
  ];
  printTable(
    `Connecting ${CLIENTS} clients, ${CONCURRENCY} at a time, server in its own process`,
    rows,
  );
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await connectBench();
}
