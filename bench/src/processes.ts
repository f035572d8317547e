import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** A free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** A child process that printed its ready line. */
export interface Child {
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Spawns a Node script and resolves once it prints a line containing `readyText` (bounded). */
export function spawnNode(
  script: string,
  env: Record<string, string>,
  readyText: string,
  timeoutMs = 30_000,
): Promise<Child> {
  return new Promise((resolve, reject) => {
    // e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the servers.
    const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, script], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // e.g. BENCH_CHILD_LOG=/tmp/servers.log (with BENCH_NODE_ARGS="--trace-gc") keeps what they print.
    if (process.env.BENCH_CHILD_LOG) {
      const log = createWriteStream(process.env.BENCH_CHILD_LOG, { flags: 'a' });
      child.stdout.pipe(log);
      child.stderr.pipe(log);
    }
    const stop = () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not become ready in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(readyText)) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.stdout.resume();
        child.stderr.resume();
        resolve({ process: child, stop });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before it was ready:\n${output}`));
    });
    if (readyText === '') {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stdout.resume();
      resolve({ process: child, stop });
    }
  });
}

/** The built minimeet server entry point. */
export const SERVER_MAIN = fileURLToPath(
  new URL('../../packages/server/dist/main.js', import.meta.url),
);

/** The bare socket.io baseline server. */
export const BARE_SERVER = fileURLToPath(new URL('./bare-server.mjs', import.meta.url));

/**
 * Starts the real minimeet server in its own process on embedded defaults, listening on `host`
 * (loopback unless told otherwise).
 */
export async function startMinimeet(
  env: Record<string, string> = {},
  host = '127.0.0.1',
): Promise<Child & { url: string }> {
  const port = await freePort();
  const child = await spawnNode(
    SERVER_MAIN,
    {
      NODE_ENV: 'production',
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
      HOST: host,
      PORT: String(port),
      DATABASE_URL: `sqlite:/tmp/minimeet-bench-${process.pid}-${port}.sqlite`,
      LOG_LEVEL: 'warn',
      SERVE_DEMO: 'false',
      // The bench opens every connection from one address.
      RATE_LIMIT_CONNECT: '1000000/60',
      ...env,
    },
    '',
  );
  // A machine shared with others' jobs can take long to start a server: give it a minute, and
  // never leave one behind when it does not come up.
  await waitForHealth(`http://${host}:${port}`, 60_000).catch(async (error: unknown) => {
    await child.stop();
    throw error;
  });
  return { ...child, url: `http://${host}:${port}` };
}

/** Polls the health endpoint until it answers (bounded). */
export async function waitForHealth(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not become healthy in ${timeoutMs} ms`);
}
