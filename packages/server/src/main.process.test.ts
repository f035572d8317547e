import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type SessionEndedPayload } from '@minimeet/protocol';
import { registerUser, TEST_ENV } from './test/harness.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const children: ChildProcessWithoutNullStreams[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts the built server as its own process and resolves with its URL and its log lines. */
function startProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, ...TEST_ENV, LOG_LEVEL: 'info', ...env },
  });
  children.push(child);
  const lines: Array<Record<string, unknown>> = [];
  let buffer = '';
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const listening = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start within 20 s')), 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          lines.push(entry);
          if (entry.msg === 'minimeet server listening') {
            clearTimeout(timer);
            resolve(entry.url as string);
          }
        } catch {
          lines.push({ raw: line });
        }
      }
    });
    void exited.then((code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, lines, listening, exited };
}

describe('the server process', () => {
  it('writes JSON log lines with a request id and never the secrets of a request', async () => {
    expect(existsSync(MAIN), 'build the server first').toBe(true);
    const proc = startProcess({});
    const url = await proc.listening;
    const session = await registerUser({ url }, { password: 'secret password 123' });
    await fetch(`${url}/api/health`, { headers: { 'x-request-id': 'trace-me-123' } });
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    const requests = proc.lines.filter((l) => l.msg === 'http request');
    expect(requests.find((l) => l.path === '/api/health')).toMatchObject({
      requestId: 'trace-me-123',
      status: 200,
    });
    expect(requests.every((l) => typeof l.requestId === 'string')).toBe(true);
    const all = JSON.stringify(proc.lines);
    expect(all).not.toContain('secret password 123');
    expect(all).not.toContain(session.refreshToken);
    expect(all).not.toContain(session.accessToken);
  });

  it('on SIGTERM says goodbye to connected clients, closes and exits 0', async () => {
    const proc = startProcess({});
    const url = await proc.listening;
    const { accessToken } = await registerUser({ url });
    const socket = io(url, {
      auth: { token: accessToken, protocolVersion: PROTOCOL_VERSION },
      transports: ['websocket'],
      reconnection: false,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('session', () => resolve());
      socket.once('connect_error', reject);
    });
    const ended = new Promise<SessionEndedPayload>((resolve) =>
      socket.once('session_ended', resolve),
    );
    proc.child.kill('SIGTERM');
    expect((await ended).reason).toBe('server_shutdown');
    expect(await proc.exited).toBe(0);
    expect(proc.lines.some((l) => l.msg === 'shutdown complete')).toBe(true);
    expect(proc.lines.find((l) => l.msg === 'socket connected')).toMatchObject({ kind: 'user' });
    expect(proc.lines.find((l) => l.msg === 'socket closed')).toMatchObject({
      reason: 'server namespace disconnect',
    });
    socket.disconnect();
  });

  it('on a port already in use says so in one line, with the way out, and exits 1', async () => {
    const first = startProcess({ PORT: '0', HOST: '127.0.0.1' });
    const url = await first.listening;
    const port = new URL(url).port;
    const second = startProcess({ PORT: port, HOST: '127.0.0.1' });
    second.listening.catch(() => undefined);
    let stderr = '';
    second.child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await second.exited).toBe(1);
    expect(stderr).toContain(`cannot listen on 127.0.0.1:${port}`);
    expect(stderr).toContain('PORT=');
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
  });
});
