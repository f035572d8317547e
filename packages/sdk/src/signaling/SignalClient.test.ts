import type { SessionInfo } from '@minimeet/protocol';
import { startServer } from '@minimeet/server';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuthClient } from '../auth/AuthClient.js';
import { DEFAULT_CLIENT_OPTIONS } from '../defaults.js';
import { ConnectionErrorReason, InvalidStateError } from '../errors.js';
import { PASSWORD, TEST_SERVER_ENV, uniqueEmail } from '../test/helpers.js';
import { withTimeout } from '../utils/timeout.js';
import { SignalClient, type SignalCloseInfo } from './SignalClient.js';

type Server = Awaited<ReturnType<typeof startServer>>;

const signals: SignalClient[] = [];
function newSignal(onClose: (info: SignalCloseInfo) => void = () => undefined): SignalClient {
  const signal = new SignalClient({ ...DEFAULT_CLIENT_OPTIONS }, { onClose });
  signals.push(signal);
  return signal;
}

afterEach(() => {
  for (const signal of signals.splice(0)) signal.close();
});

async function accessToken(server: Server): Promise<string> {
  const auth = new AuthClient(server.url);
  await auth.register({ email: uniqueEmail(), password: PASSWORD, displayName: 'Ada' });
  return auth.tokenProvider();
}

describe('SignalClient against the real server', () => {
  let server: Server;
  let url: URL;

  beforeAll(async () => {
    server = await startServer({ env: TEST_SERVER_ENV });
    url = new URL(server.url);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('request() resolves with the answer, without the ok flag', async () => {
    const signal = newSignal();
    await signal.connect(url, await accessToken(server));

    const answer = await signal.request('ping', { t: 42 });

    expect(answer).toEqual({ t: 42, serverTime: expect.any(Number) as number });
  });

  it('request() rejects with the server code and message when the answer is { ok: false }', async () => {
    const signal = newSignal();
    await signal.connect(url, await accessToken(server));

    await expect(signal.request('ping', { t: 'soon' } as never)).rejects.toMatchObject({
      name: 'MinimeetError',
      code: 'validation_failed',
    });
    await expect(
      signal.request('auth_refresh', { token: await accessToken(server) }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('request() rejects with timeout when the server never answers', async () => {
    const signal = newSignal();
    await signal.connect(url, await accessToken(server));

    // The server answers every request, so this one is dropped on its way out and waits in vain.
    const socket = (signal as unknown as { socket: { emit(...args: unknown[]): unknown } }).socket;
    const emit = socket.emit.bind(socket);
    socket.emit = (event: unknown, ...args: unknown[]) =>
      event === 'ping' ? socket : emit(event, ...args);
    await expect(signal.request('ping', { t: 1 }, { timeoutMs: 200 })).rejects.toMatchObject({
      code: 'timeout',
    });
  });

  it('request() without a connection rejects with InvalidStateError', async () => {
    await expect(newSignal().request('ping', { t: 1 })).rejects.toBeInstanceOf(InvalidStateError);
  });

  it('close() rejects pending requests with disconnected, without calling onClose', async () => {
    const onClose = vi.fn();
    const signal = newSignal(onClose);
    await signal.connect(url, await accessToken(server));

    const pending = signal.request('ping', { t: 1 });
    signal.close();

    await expect(pending).rejects.toMatchObject({ code: 'disconnected' });
    expect(signal.isConnected).toBe(false);
    expect(onClose).not.toHaveBeenCalled();
  });

  it('close() during connect() rejects it with Cancelled', async () => {
    const signal = newSignal();
    const connecting = signal.connect(url, await accessToken(server));
    signal.close();

    await expect(connecting).rejects.toMatchObject({ reason: ConnectionErrorReason.Cancelled });
  });

  it('keeps server event listeners across connections', async () => {
    const signal = newSignal();
    const sessions: SessionInfo[] = [];
    signal.on('session', (info) => sessions.push(info));
    const token = await accessToken(server);

    const first = await signal.connect(url, token);
    const second = await signal.connect(url, token);

    expect(sessions).toEqual([first, second]);
    expect(second.connectionId).not.toBe(first.connectionId);
  });

  it('rejects a request the server does not know with its validation_failed answer', async () => {
    const signal = newSignal();
    await signal.connect(url, await accessToken(server));

    await expect(signal.request('no_such_request' as never, {} as never)).rejects.toMatchObject({
      code: 'validation_failed',
      message: 'Unknown event: no_such_request.',
    });
  });
});

describe('SignalClient when the server ends the session', () => {
  it('calls onClose with the session_ended payload', async () => {
    const server = await startServer({ env: TEST_SERVER_ENV });
    try {
      const closed = new Promise<SignalCloseInfo>((resolve) => {
        newSignal(resolve);
      });
      const signal = signals.at(-1)!;
      await signal.connect(new URL(server.url), await accessToken(server));

      await server.close();

      const info = await withTimeout(closed, 5_000, () => new Error('onClose was not called.'));
      expect(info).toEqual({
        reason: 'io server disconnect',
        sessionEnded: { reason: 'server_shutdown', message: expect.any(String) as string },
      });
      expect(signal.isConnected).toBe(false);
    } finally {
      await server.close().catch(() => undefined);
    }
  });
});
