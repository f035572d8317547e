/**
 * Login throughput with the production password-hash parameters (argon2id, 19 MiB, t=2, p=1),
 * beside the raw argon2id verification rate in the same run: the ratio is the cost of everything
 * around the hash (HTTP, validation, database, token signing).
 */
import { hash, verify } from '@node-rs/argon2';
import { percentile, pool, printTable, round } from './stats.js';
import { startMinimeet } from './processes.js';

const LOGINS = Number(process.env.BENCH_LOGINS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_LOGIN_CONCURRENCY ?? 4);
const PARAMS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

async function timed<T>(count: number, task: () => Promise<T>) {
  const latencies: number[] = [];
  const started = performance.now();
  await pool(Array.from({ length: count }), CONCURRENCY, async () => {
    const t0 = performance.now();
    await task();
    latencies.push(performance.now() - t0);
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    perSecond: count / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

export async function loginBench(): Promise<Array<Record<string, string | number>>> {
  const server = await startMinimeet({
    PASSWORD_HASH_MEMORY_KIB: String(PARAMS.memoryCost),
    PASSWORD_HASH_ITERATIONS: String(PARAMS.timeCost),
    PASSWORD_HASH_PARALLELISM: String(PARAMS.parallelism),
    RATE_LIMIT_LOGIN: '1000000/60',
    RATE_LIMIT_LOGIN_IP: '1000000/60',
  });
  try {
    const credentials = { email: 'bench@example.test', password: 'benchmark password 1' };
    const reg = await fetch(`${server.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...credentials, displayName: 'Bench' }),
    });
    if (reg.status !== 201) throw new Error(`register failed: ${reg.status}`);
    const login = async () => {
      const res = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(credentials),
      });
      if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
      await res.arrayBuffer();
    };
    const phc = await hash(credentials.password, PARAMS);
    const raw = async () => {
      if (!(await verify(phc, credentials.password))) throw new Error('verify failed');
    };
    await timed(10, login);
    await timed(10, raw);
    // Interleave the two measurements so that machine noise hits both alike.
    const a1 = await timed(LOGINS / 2, raw);
    const s1 = await timed(LOGINS / 2, login);
    const a2 = await timed(LOGINS / 2, raw);
    const s2 = await timed(LOGINS / 2, login);
    const rawRate = (a1.perSecond + a2.perSecond) / 2;
    const serverRate = (s1.perSecond + s2.perSecond) / 2;
    const rows = [
      {
        case: 'raw argon2id verify (baseline)',
        'ops/s': round(rawRate),
        'p50 ms': round((a1.p50 + a2.p50) / 2),
        'p99 ms': round(Math.max(a1.p99, a2.p99)),
      },
      {
        case: 'POST /api/auth/login',
        'ops/s': round(serverRate),
        'p50 ms': round((s1.p50 + s2.p50) / 2),
        'p99 ms': round(Math.max(s1.p99, s2.p99)),
      },
      {
        case: 'ratio login / raw verify',
        'ops/s': round(serverRate / rawRate, 2),
        'p50 ms': '',
        'p99 ms': '',
      },
    ];
    printTable(
      `Login throughput, argon2id m=${PARAMS.memoryCost} KiB t=${PARAMS.timeCost} p=${PARAMS.parallelism}, ${LOGINS} logins each, concurrency ${CONCURRENCY}`,
      rows,
    );
    return rows;
  } finally {
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await loginBench();
}
