import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROTOCOL_VERSION } from '@minimeet/protocol';
import { startServer } from '@minimeet/server';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuthClient } from '../auth/AuthClient.js';
import { ConnectionError, ConnectionErrorReason, InvalidStateError } from '../errors.js';
import { ClientEvent } from '../events.js';
import type { MinimeetClientOptions, TokenProvider } from '../options.js';
import {
  PASSWORD,
  TEST_SERVER_ENV,
  clockPasses,
  nextEvent,
  record,
  uniqueEmail,
} from '../test/helpers.js';
import { startProxy } from '../test/network.js';
import { ConnectionState } from './ConnectionState.js';
import type { MinimeetClient } from './MinimeetClient.js';
import { createClient } from './MinimeetClient.js';

type Server = Awaited<ReturnType<typeof startServer>>;

const { Connecting, Connected, Reconnecting, Disconnected } = ConnectionState;

// Every client a test creates is disconnected afterwards, so a failing test leaks nothing.
const clients: MinimeetClient[] = [];
function newClient(options?: MinimeetClientOptions): MinimeetClient {
  const client = createClient(options);
  clients.push(client);
  return client;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.disconnect()));
});

async function signUp(server: Server, displayName = 'Ada'): Promise<AuthClient> {
  const auth = new AuthClient(server.url);
  await auth.register({ email: uniqueEmail(), password: PASSWORD, displayName });
  return auth;
}

/** Follows the server's TCP connections, to cut them as a network failure would. */
function trackConnections(server: Server) {
  const http = server.app.getHttpServer();
  const open = new Set<Socket>();
  http.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  return {
    get count() {
      return open.size;
    },
    /** Destroys every connection, without any goodbye from the server. */
    cutAll() {
      for (const socket of open) socket.destroy();
    },
    /** Resolves when the server has no connection left. */
    async drained(timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (const socket of open) {
        await new Promise<void>((resolve, reject) => {
          if (socket.closed) return resolve();
          const timer = setTimeout(
            () => reject(new Error('A connection stayed open.')),
            deadline - Date.now(),
          );
          socket.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
  };
}

/** A loopback port where nothing listens. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Counts a provider's calls. */
function counting(provider: TokenProvider): TokenProvider & { calls: number } {
  const counted = Object.assign(
    () => {
      counted.calls += 1;
      return provider();
    },
    { calls: 0 },
  );
  return counted;
}

/** How many timers and TCP sockets this process holds, for leak checks. */
function handles(): { timers: number; sockets: number } {
  const active = process.getActiveResourcesInfo();
  return {
    timers: active.filter((r) => r === 'Timeout').length,
    sockets: active.filter((r) => r === 'TCPSocketWrap').length,
  };
}

/** Whether `now` holds no more timers or sockets than `before` (idle keep-alives may close). */
function noneAdded(before: ReturnType<typeof handles>, now = handles()): boolean {
  return now.timers <= before.timers && now.sockets <= before.sockets;
}

describe('MinimeetClient against the real server', () => {
  let server: Server;

  beforeAll(async () => {
    server = await startServer({ env: TEST_SERVER_ENV });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('connect() with an AuthClient token provider resolves with the principal, reporting Connecting then Connected', async () => {
    const auth = await signUp(server, 'Ada');
    const client = newClient();
    const states = record(client, ClientEvent.ConnectionStateChanged);
    const connected = nextEvent(client, ClientEvent.Connected);

    const session = await client.connect(server.url, auth.tokenProvider);

    expect(session.principal).toEqual({
      kind: 'user',
      id: auth.user!.id,
      displayName: 'Ada',
      avatarUrl: null,
    });
    expect(session.protocolVersion).toBe(PROTOCOL_VERSION);
    expect(client.principal).toEqual(session.principal);
    expect(client.state).toBe(Connected);
    expect(states).toEqual([Connecting, Connected]);
    expect((await connected)[0]).toBe(session);
  });

  it('connect() accepts a plain access token string', async () => {
    const auth = await signUp(server);
    const client = newClient();

    const session = await client.connect(server.url, auth.session!.accessToken);

    expect(session.principal.id).toBe(auth.user!.id);
  });

  it('connect() with a garbage token rejects with ConnectionError TokenInvalid and ends Disconnected', async () => {
    const client = newClient();
    const states = record(client, ClientEvent.ConnectionStateChanged);
    const disconnected = nextEvent(client, ClientEvent.Disconnected);

    const error = await client.connect(server.url, 'not-a-token').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ reason: ConnectionErrorReason.TokenInvalid });
    expect(states).toEqual([Connecting, Disconnected]);
    expect((await disconnected)[0]).toBe(error);
    expect(client.principal).toBeUndefined();
  });

  it('connect() rejects with TokenMissing when the provider returns an empty token', async () => {
    const client = newClient();

    await expect(client.connect(server.url, () => '')).rejects.toMatchObject({
      name: 'ConnectionError',
      reason: ConnectionErrorReason.TokenMissing,
    });
  });

  it('connect() rejects with TokenProviderFailed, keeping the cause, when the provider throws', async () => {
    const client = newClient();
    const cause = new Error('backend down');

    const error = await client
      .connect(server.url, () => Promise.reject(cause))
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ reason: ConnectionErrorReason.TokenProviderFailed, cause });
  });

  it('connect() rejects with ServerUnreachable when nothing listens at the URL', async () => {
    const client = newClient({ connectTimeoutMs: 5_000 });
    const port = await closedPort();

    await expect(client.connect(`http://127.0.0.1:${port}`, 'token')).rejects.toMatchObject({
      reason: ConnectionErrorReason.ServerUnreachable,
    });
    expect(client.state).toBe(Disconnected);
  });

  it('connect() throws TypeError for a bad URL or token, and InvalidStateError when already connected', async () => {
    const auth = await signUp(server);
    const client = newClient();

    await expect(client.connect('meet.example.com', 'token')).rejects.toThrow(TypeError);
    await expect(client.connect('ftp://meet.example.com', 'token')).rejects.toThrow(TypeError);
    await expect(client.connect(server.url, '')).rejects.toThrow(TypeError);
    await expect(client.connect(server.url, 42 as unknown as string)).rejects.toThrow(TypeError);
    expect(client.state).toBe(Disconnected);

    await client.connect(server.url, auth.tokenProvider);
    await expect(client.connect(server.url, auth.tokenProvider)).rejects.toBeInstanceOf(
      InvalidStateError,
    );
    expect(client.state).toBe(Connected);
  });

  it('ping() resolves with the round-trip time, and rejects with InvalidStateError when not connected', async () => {
    const auth = await signUp(server);
    const client = newClient();
    await expect(client.ping()).rejects.toBeInstanceOf(InvalidStateError);

    await client.connect(server.url, auth.tokenProvider);
    const rtt = await client.ping();

    expect(rtt).toBeGreaterThanOrEqual(0);
    expect(rtt).toBeLessThan(5_000);
  });

  it('disconnect() during connect() rejects it with Cancelled and reports Disconnected once', async () => {
    const auth = await signUp(server);
    const client = newClient();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const disconnects = record(client, ClientEvent.Disconnected);

    const connecting = client.connect(server.url, async () => {
      await gate;
      return auth.tokenProvider();
    });
    await client.disconnect();
    release();

    await expect(connecting).rejects.toMatchObject({ reason: ConnectionErrorReason.Cancelled });
    expect(disconnects).toEqual([undefined]);
    expect(client.state).toBe(Disconnected);
  });

  it('disconnect() closes the connection, notifies once, and leaves no timer or socket behind', async () => {
    const auth = await signUp(server);
    const connections = trackConnections(server);
    const before = handles();
    const client = newClient();
    const states = record(client, ClientEvent.ConnectionStateChanged);
    const disconnects = record(client, ClientEvent.Disconnected);
    await client.connect(server.url, auth.tokenProvider);
    expect(connections.count).toBe(1);

    await client.disconnect();
    await client.disconnect();

    expect(client.state).toBe(Disconnected);
    expect(client.principal).toBeUndefined();
    expect(states).toEqual([Connecting, Connected, Disconnected]);
    expect(disconnects).toEqual([undefined]);
    await connections.drained();
    // Closing sockets settle on the next turns of the event loop; give them a bounded moment.
    const deadline = Date.now() + 2_000;
    while (!noneAdded(before) && Date.now() < deadline) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(handles()).toSatisfy((now: ReturnType<typeof handles>) => noneAdded(before, now));
  });

  it('forwards server notices that belong to no request as ServerNoticeReceived', async () => {
    const auth = await signUp(server);
    const client = newClient();
    await client.connect(server.url, auth.tokenProvider);
    const notice = nextEvent(client, ClientEvent.ServerNoticeReceived);

    // An unknown event, sent by hand: the SDK never does this, so the test reaches inside.
    const signal = (client as unknown as { signal: { socket: { emit(event: string): void } } })
      .signal;
    signal.socket.emit('no_such_event');

    const [error] = await notice;
    expect(error).toMatchObject({ name: 'MinimeetError', code: 'validation_failed' });
  });
});

describe('MinimeetClient reconnection', () => {
  let server: Server;
  let connections: ReturnType<typeof trackConnections>;

  beforeAll(async () => {
    server = await startServer({ env: TEST_SERVER_ENV });
    connections = trackConnections(server);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('after a network drop it reconnects, asking the provider for a token again', async () => {
    const auth = await signUp(server);
    const provider = counting(auth.tokenProvider);
    const client = newClient();
    const states = record(client, ClientEvent.ConnectionStateChanged);
    const first = await client.connect(server.url, provider);
    const reconnecting = nextEvent(client, ClientEvent.Reconnecting);
    const reconnected = nextEvent(client, ClientEvent.Reconnected, 10_000);

    connections.cutAll();

    const [cause] = await reconnecting;
    expect(cause.reason).toBe(ConnectionErrorReason.ConnectionLost);
    expect(client.principal?.id).toBe(auth.user!.id);
    const [session] = await reconnected;
    expect(session.connectionId).not.toBe(first.connectionId);
    expect(session.principal.id).toBe(auth.user!.id);
    expect(states).toEqual([Connecting, Connected, Reconnecting, Connected]);
    expect(provider.calls).toBe(2);
    await expect(client.ping()).resolves.toBeGreaterThanOrEqual(0);
  });

  it('stops with the reason when the server refuses the token on a reconnect', async () => {
    const auth = await signUp(server);
    let token = await auth.tokenProvider();
    const client = newClient();
    await client.connect(server.url, () => token);
    const disconnected = nextEvent(client, ClientEvent.Disconnected, 10_000);
    const attempts = record(client, ClientEvent.ReconnectScheduled);

    token = 'revoked-token';
    connections.cutAll();

    const [error] = await disconnected;
    expect(error).toMatchObject({ reason: ConnectionErrorReason.TokenInvalid });
    expect(attempts).toEqual([1]);
    expect(client.state).toBe(Disconnected);
  });

  it('with reconnect disabled, a drop ends in Disconnected with ConnectionLost', async () => {
    const auth = await signUp(server);
    const client = newClient({ reconnect: { enabled: false } });
    await client.connect(server.url, auth.tokenProvider);
    const disconnected = nextEvent(client, ClientEvent.Disconnected);
    const reconnecting = record(client, ClientEvent.Reconnecting);

    connections.cutAll();

    const [error] = await disconnected;
    expect(error).toMatchObject({ reason: ConnectionErrorReason.ConnectionLost });
    expect(reconnecting).toEqual([]);
  });

  it('disconnect() called by a Reconnecting listener schedules no attempt at all', async () => {
    const auth = await signUp(server);
    const client = newClient();
    await client.connect(server.url, auth.tokenProvider);
    const disconnected = nextEvent(client, ClientEvent.Disconnected);
    const scheduled = record(client, ClientEvent.ReconnectScheduled);
    client.once(ClientEvent.Reconnecting, () => void client.disconnect());

    connections.cutAll();

    expect(await disconnected).toEqual([undefined]);
    expect(scheduled).toEqual([]);
    expect(client.state).toBe(Disconnected);
  });

  it('disconnect() while reconnecting cancels the pending attempt and notifies once', async () => {
    const auth = await signUp(server);
    const client = newClient({ reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000 } });
    await client.connect(server.url, auth.tokenProvider);
    const scheduled = nextEvent(client, ClientEvent.ReconnectScheduled);
    const disconnects = record(client, ClientEvent.Disconnected);

    connections.cutAll();
    await scheduled;
    await client.disconnect();

    expect(client.state).toBe(Disconnected);
    expect(disconnects).toEqual([undefined]);
    // The minute-long reconnect timer is gone: the client holds no timer that could fire it.
    const timers = (client as unknown as { reconnectTimer: unknown }).reconnectTimer;
    expect(timers).toBeUndefined();
  });
});

/** A stand-in for the browser's `window`: its events can be fired and its listeners counted. */
function standInWindow() {
  const target = new EventTarget();
  const counts = new Map<string, number>();
  return {
    addEventListener(type: string, listener: EventListener) {
      counts.set(type, (counts.get(type) ?? 0) + 1);
      target.addEventListener(type, listener);
    },
    removeEventListener(type: string, listener: EventListener) {
      counts.set(type, (counts.get(type) ?? 0) - 1);
      target.removeEventListener(type, listener);
    },
    /** Fires `type`, as the browser does when the network comes back (`online`) or goes. */
    fire(type: string) {
      target.dispatchEvent(new Event(type));
    },
    /** How many listeners of `type` are registered now. */
    listeners(type: string) {
      return counts.get(type) ?? 0;
    },
  };
}

describe("MinimeetClient and the browser's word about the network", () => {
  let server: Server;
  let connections: ReturnType<typeof trackConnections>;
  let browser: ReturnType<typeof standInWindow>;

  beforeAll(async () => {
    server = await startServer({ env: TEST_SERVER_ENV });
    connections = trackConnections(server);
  });

  afterAll(async () => {
    await server?.close();
  });

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  // Each test gets a fresh window, before its client connects.
  const withWindow = () => {
    browser = standInWindow();
    vi.stubGlobal('window', browser);
  };

  it('online starts an attempt at once instead of after its delay, and nothing listens after disconnect()', async () => {
    withWindow();
    const auth = await signUp(server);
    // A minute between attempts: reconnecting within the test at all proves the shortcut.
    const client = newClient({ reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000 } });
    await client.connect(server.url, auth.tokenProvider);
    expect(browser.listeners('online')).toBe(1);
    const scheduled = nextEvent(client, ClientEvent.ReconnectScheduled);
    const reconnected = nextEvent(client, ClientEvent.Reconnected, 10_000);

    connections.cutAll();
    const [attempt, delayMs] = await scheduled;
    expect([attempt, delayMs >= 30_000]).toEqual([1, true]);
    browser.fire('online');

    await reconnected;
    expect(client.state).toBe(Connected);
    await client.disconnect();
    expect([browser.listeners('online'), browser.listeners('offline')]).toEqual([0, 0]);
  });

  it('with retryOnNetworkChange false, the client does not listen at all', async () => {
    withWindow();
    const auth = await signUp(server);
    const client = newClient({ reconnect: { retryOnNetworkChange: false } });
    await client.connect(server.url, auth.tokenProvider);

    expect([browser.listeners('online'), browser.listeners('offline')]).toEqual([0, 0]);
  });

  it('online over a connection that went silent: a ping goes unanswered, the client reconnects', async () => {
    withWindow();
    const proxy = await startProxy(server.url);
    try {
      const auth = await signUp(server);
      const client = newClient({
        reconnect: { probeTimeoutMs: 500 },
        connectTimeoutMs: 2_000,
        transports: ['websocket'],
      });
      await client.connect(proxy.url, auth.tokenProvider);
      const reconnecting = nextEvent(client, ClientEvent.Reconnecting);
      const reconnected = nextEvent(client, ClientEvent.Reconnected, 15_000);

      // The network changes under the open connection; only the browser's word says so.
      proxy.hold(true);
      browser.fire('online');

      const [cause] = await reconnecting;
      expect(cause.reason).toBe(ConnectionErrorReason.ConnectionLost);
      expect(cause.message).toMatch(/no answer to a ping/);
      proxy.hold(false);
      await reconnected;
      await expect(client.ping()).resolves.toBeGreaterThanOrEqual(0);
    } finally {
      await proxy.close();
    }
  });

  it('online over a connection that still answers changes nothing', async () => {
    withWindow();
    const auth = await signUp(server);
    const client = newClient({ reconnect: { probeTimeoutMs: 500 } });
    const session = await client.connect(server.url, auth.tokenProvider);
    const drops = record(client, ClientEvent.Reconnecting);
    const signal = (
      client as unknown as { signal: { request: (...args: unknown[]) => Promise<unknown> } }
    ).signal;
    const request = signal.request.bind(signal);
    const pings: Promise<unknown>[] = [];
    signal.request = (...args) => {
      const answer = request(...args);
      if (args[0] === 'ping') pings.push(answer);
      return answer;
    };

    browser.fire('online');

    expect(pings).toHaveLength(1);
    await pings[0];
    expect(drops).toEqual([]);
    expect(client.session?.connectionId).toBe(session.connectionId);
  });
});

describe('MinimeetClient across a server restart', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'minimeet-sdk-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reconnects to the new server on the same port, reporting ServerShutdown as the cause', async () => {
    const env = { ...TEST_SERVER_ENV, DATABASE_URL: `sqlite:${join(dir, 'restart.sqlite')}` };
    const first = await startServer({ env });
    let second: Server | undefined;
    try {
      const auth = await signUp(first);
      const client = newClient();
      const session = await client.connect(first.url, auth.tokenProvider);
      const reconnecting = nextEvent(client, ClientEvent.Reconnecting);
      const retried = nextEvent(client, ClientEvent.ReconnectScheduled);
      const reconnected = nextEvent(client, ClientEvent.Reconnected, 20_000);

      await first.close();
      const [cause] = await reconnecting;
      expect(cause.reason).toBe(ConnectionErrorReason.ServerShutdown);
      await retried;
      second = await startServer({ env: { ...env, PORT: String(first.port) } });

      const [again] = await reconnected;
      expect(again.principal.id).toBe(session.principal.id);
      expect(again.connectionId).not.toBe(session.connectionId);
      expect(client.state).toBe(Connected);
    } finally {
      await Promise.all(clients.splice(0).map((c) => c.disconnect()));
      await second?.close();
      await first.close().catch(() => undefined);
    }
  });

  it('gives up after maxAttempts and reports the last failure', async () => {
    const server = await startServer({ env: TEST_SERVER_ENV });
    const auth = await signUp(server);
    const client = newClient({ reconnect: { maxAttempts: 2, initialDelayMs: 20 } });
    await client.connect(server.url, auth.tokenProvider);
    const attempts = record(client, ClientEvent.ReconnectScheduled);
    const causes: string[] = [];
    client.on(ClientEvent.ReconnectScheduled, (_attempt, _delayMs, lastError) => {
      causes.push(lastError.reason);
    });
    const disconnected = nextEvent(client, ClientEvent.Disconnected, 10_000);

    await server.close();

    const [error] = await disconnected;
    expect(error).toMatchObject({ reason: ConnectionErrorReason.ServerUnreachable });
    expect(attempts).toEqual([1, 2]);
    // The first retry follows the drop; the second, the failed first attempt.
    expect(causes).toEqual([
      ConnectionErrorReason.ServerShutdown,
      ConnectionErrorReason.ServerUnreachable,
    ]);
    expect(client.state).toBe(Disconnected);
  });
});

describe('MinimeetClient token lifetime', () => {
  // Access tokens live 3 s; the server warns 2 s before expiry and ends the session at expiry.
  let server: Server;

  beforeAll(async () => {
    server = await startServer({
      env: { ...TEST_SERVER_ENV, ACCESS_TOKEN_TTL: '3', SESSION_REFRESH_LEAD: '2' },
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('a token provider keeps the connection open past the first token expiry', async () => {
    const auth = await signUp(server);
    const client = newClient();
    const session = await client.connect(server.url, auth.tokenProvider);
    const firstExpiry = Date.parse(session.tokenExpiresAt);
    const reconnecting = record(client, ClientEvent.Reconnecting);
    const disconnects = record(client, ClientEvent.Disconnected);

    let refreshedUntil = firstExpiry;
    while (Date.now() < firstExpiry + 500) {
      const [expiresAt] = await nextEvent(client, ClientEvent.TokenRefreshed, 5_000);
      expect(expiresAt.getTime()).toBeGreaterThanOrEqual(refreshedUntil);
      refreshedUntil = expiresAt.getTime();
    }

    await expect(client.ping()).resolves.toBeGreaterThanOrEqual(0);
    expect(client.state).toBe(Connected);
    expect(client.session!.connectionId).toBe(session.connectionId);
    expect(reconnecting).toEqual([]);
    expect(disconnects).toEqual([]);
  });

  it('with a fixed token, the session ends at expiry with TokenExpired and no reconnect', async () => {
    const auth = await signUp(server);
    const client = newClient();
    const warned = nextEvent(client, ClientEvent.SessionExpiring);
    const disconnected = nextEvent(client, ClientEvent.Disconnected, 8_000);
    const reconnecting = record(client, ClientEvent.Reconnecting);
    await client.connect(server.url, auth.session!.accessToken);

    await warned;
    const [error] = await disconnected;

    expect(error).toMatchObject({ reason: ConnectionErrorReason.TokenExpired });
    expect(reconnecting).toEqual([]);
  });

  it('when refreshing fails until expiry, it reconnects with a fresh token', async () => {
    const auth = await signUp(server);
    let failing = false;
    const provider: TokenProvider = () =>
      failing ? Promise.reject(new Error('token service down')) : auth.tokenProvider();
    const client = newClient();
    const session = await client.connect(server.url, provider);
    failing = true;
    client.once(ClientEvent.Reconnecting, () => {
      failing = false;
    });
    const refreshFailed = nextEvent(client, ClientEvent.TokenRefreshFailed);
    const reconnecting = nextEvent(client, ClientEvent.Reconnecting, 8_000);
    const reconnected = nextEvent(client, ClientEvent.Reconnected, 12_000);

    await refreshFailed;
    const [cause] = await reconnecting;
    expect(cause.reason).toBe(ConnectionErrorReason.TokenExpired);
    const [again] = await reconnected;
    expect(again.principal.id).toBe(session.principal.id);
    expect(client.state).toBe(Connected);
  });

  it('connect() with an expired token rejects with TokenExpired', async () => {
    const auth = await signUp(server);
    const { accessToken, accessTokenExpiresAt } = auth.session!;
    await clockPasses(Date.parse(accessTokenExpiresAt) + 10);
    const client = newClient();

    await expect(client.connect(server.url, accessToken)).rejects.toMatchObject({
      name: 'ConnectionError',
      reason: ConnectionErrorReason.TokenExpired,
    });
  });
});
