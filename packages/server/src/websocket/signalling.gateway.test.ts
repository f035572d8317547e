import { SignJWT } from 'jose';
import { io, type Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ClientEvent,
  PROTOCOL_VERSION,
  type AckResult,
  type ClientToServerEvents,
  type ConnectErrorData,
  type ServerToClientEvents,
  type SessionInfo,
} from '@minimeet/protocol';
import { createJoinToken } from '@minimeet/host';
import type { RunningServer } from '../main.js';
import { api, registerUser, startTestServer } from '../test/harness.js';
import { closeSockets, connectSocket, emitRaw, waitForEvent } from '../test/sockets.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const sockets: ClientSocket[] = [];

function connect(server: RunningServer, auth: Record<string, unknown> | undefined): ClientSocket {
  const socket: ClientSocket = io(server.url, {
    auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  sockets.push(socket);
  return socket;
}

/** Resolves with the session, or rejects with the connect_error data. */
function opened(socket: ClientSocket): Promise<SessionInfo> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no session within 5 s')), 5000);
    socket.once('session', (info) => {
      clearTimeout(timer);
      resolve(info);
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      const data = (err as Error & { data?: ConnectErrorData }).data;
      reject(data ? Object.assign(new Error(data.message), data) : err);
    });
  });
}

function refused(socket: ClientSocket): Promise<ConnectErrorData> {
  return opened(socket).then(
    () => {
      throw new Error('the connection was accepted');
    },
    (err: Error & ConnectErrorData) => ({ code: err.code, message: err.message }),
  );
}

function next<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
  timeoutMs = 8000,
) {
  return new Promise<Parameters<ServerToClientEvents[E]>[0]>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${event} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once(
      event as 'session',
      ((payload: never) => {
        clearTimeout(timer);
        resolve(payload);
      }) as never,
    );
  });
}

function disconnected(socket: ClientSocket, timeoutMs = 8000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('not disconnected in time')), timeoutMs);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

afterEach(() => {
  while (sockets.length) sockets.pop()!.disconnect();
  closeSockets();
});

describe('socket handshake and requests', () => {
  let server: RunningServer;
  let accessToken: string;
  let userId: string;
  let apiKey: { id: string; secret: string };

  beforeAll(async () => {
    server = await startTestServer();
    const session = await registerUser(server, { displayName: 'Ada' });
    accessToken = session.accessToken;
    userId = session.user.id;
    const created = await api<{ id: string; secret: string }>(server, 'POST', '/api/api-keys', {
      token: accessToken,
      json: { name: 'host app' },
    });
    apiKey = created.body;
  });

  afterAll(() => server.close());

  it('accepts an access token and tells the client who it is', async () => {
    const info = await opened(
      connect(server, { token: accessToken, protocolVersion: PROTOCOL_VERSION }),
    );
    expect(info.principal).toEqual({
      kind: 'user',
      id: userId,
      displayName: 'Ada',
      avatarUrl: null,
    });
    expect(info.protocolVersion).toBe(PROTOCOL_VERSION);
    expect(new Date(info.tokenExpiresAt).getTime()).toBeGreaterThan(Date.now());
  });

  it('accepts a join token minted over REST, with its grants', async () => {
    const minted = await api<{ token: string }>(server, 'POST', '/api/join-tokens', {
      headers: {
        authorization: `Basic ${Buffer.from(`${apiKey.id}:${apiKey.secret}`).toString('base64')}`,
      },
      json: {
        identity: 'patient-42',
        name: 'Grace',
        grants: { room: 'visit-1', canPublish: false },
      },
    });
    expect(minted.status).toBe(201);
    const info = await opened(
      connect(server, { token: minted.body.token, protocolVersion: PROTOCOL_VERSION }),
    );
    expect(info.principal).toEqual({
      kind: 'guest',
      id: `guest:${userId}:patient-42`,
      identity: 'patient-42',
      displayName: 'Grace',
      avatarUrl: null,
      grants: {
        room: 'visit-1',
        role: 'member',
        canPublish: false,
        canSubscribe: true,
        canChat: true,
      },
    });
  });

  it('accepts a join token signed offline with the API key secret', async () => {
    const token = await createJoinToken(apiKey, {
      identity: 'tutor-7',
      name: 'Alan',
      grants: { room: 'lesson-3', role: 'moderator' },
    });
    const info = await opened(connect(server, { token, protocolVersion: PROTOCOL_VERSION }));
    expect(info.principal).toMatchObject({
      kind: 'guest',
      identity: 'tutor-7',
      grants: { room: 'lesson-3', role: 'moderator' },
    });
  });

  it('refuses a handshake without a token with token_missing', async () => {
    expect((await refused(connect(server, undefined))).code).toBe('token_missing');
    expect((await refused(connect(server, { protocolVersion: PROTOCOL_VERSION }))).code).toBe(
      'token_missing',
    );
  });

  it('refuses garbage, forged and unsigned tokens with token_invalid', async () => {
    const forged = await new SignJWT({ typ: 'access' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .setIssuer('minimeet')
      .setAudience('minimeet')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('not the server secret at all, not at all'));
    const [header, payload] = accessToken.split('.');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${payload}.`;
    for (const token of ['garbage', forged, unsigned, `${header}.${payload}.AAAA`]) {
      expect(
        (await refused(connect(server, { token, protocolVersion: PROTOCOL_VERSION }))).code,
      ).toBe('token_invalid');
    }
  });

  it('refuses a join token of a revoked API key', async () => {
    const key = await api<{ id: string; secret: string }>(server, 'POST', '/api/api-keys', {
      token: accessToken,
      json: { name: 'soon revoked' },
    });
    const token = await createJoinToken(key.body, {
      identity: 'x',
      name: 'X',
      grants: { room: 'r1' },
    });
    expect(
      (await api(server, 'DELETE', `/api/api-keys/${key.body.id}`, { token: accessToken })).status,
    ).toBe(204);
    const data = await refused(connect(server, { token, protocolVersion: PROTOCOL_VERSION }));
    expect(data.code).toBe('token_invalid');
  });

  it('ends open connections admitted by an API key when the key is revoked', async () => {
    const key = await api<{ id: string; secret: string }>(server, 'POST', '/api/api-keys', {
      token: accessToken,
      json: { name: 'revoked live' },
    });
    const token = await createJoinToken(key.body, {
      identity: 'live-guest',
      name: 'Live',
      grants: { room: 'r2' },
    });
    const guest = connect(server, { token, protocolVersion: PROTOCOL_VERSION });
    await opened(guest);
    const user = connect(server, { token: accessToken, protocolVersion: PROTOCOL_VERSION });
    await opened(user);
    const ended = next(guest, 'session_ended');
    const gone = disconnected(guest);
    expect(
      (await api(server, 'DELETE', `/api/api-keys/${key.body.id}`, { token: accessToken })).status,
    ).toBe(204);
    expect((await ended).reason).toBe('token_invalid');
    expect(await gone).toBe('io server disconnect');
    expect(await user.timeout(5000).emitWithAck('ping', { t: 1 })).toMatchObject({ ok: true });
  });

  it('refuses an oversized token with token_invalid and a non-numeric version with protocol_mismatch', async () => {
    expect(
      (
        await refused(
          connect(server, { token: 'x'.repeat(9000), protocolVersion: PROTOCOL_VERSION }),
        )
      ).code,
    ).toBe('token_invalid');
    expect(
      (await refused(connect(server, { token: accessToken, protocolVersion: 'one' }))).code,
    ).toBe('protocol_mismatch');
  });

  it('refuses a client of another protocol version with protocol_mismatch', async () => {
    const data = await refused(
      connect(server, { token: accessToken, protocolVersion: PROTOCOL_VERSION + 1 }),
    );
    expect(data.code).toBe('protocol_mismatch');
  });

  it('answers ping with the echoed value and the server clock', async () => {
    const socket = connect(server, { token: accessToken, protocolVersion: PROTOCOL_VERSION });
    await opened(socket);
    const result: unknown = await socket.timeout(5000).emitWithAck('ping', { t: 42 });
    expect(result).toMatchObject({ ok: true, t: 42 });
    expect((result as { serverTime: number }).serverTime).toBeGreaterThan(0);
  });

  it('answers an invalid payload with validation_failed and keeps the connection', async () => {
    const socket = connect(server, { token: accessToken, protocolVersion: PROTOCOL_VERSION });
    await opened(socket);
    for (const bad of [undefined, null, 'text', { t: 'x' }, { t: 1, extra: true }, [1, 2]]) {
      const result = (await socket.timeout(5000).emitWithAck('ping', bad as never)) as AckResult;
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('validation_failed');
    }
    expect(await socket.timeout(5000).emitWithAck('ping', { t: 1 })).toMatchObject({ ok: true });
    expect(socket.connected).toBe(true);
  });

  it('reports an unknown event with error_notice naming it, or through its ack when it has one', async () => {
    const socket = await connectSocket(server, accessToken);
    const notice = waitForEvent(socket, 'error_notice');
    (socket as unknown as Socket).emit('no_such_event', {});
    expect(await notice).toEqual({
      code: 'validation_failed',
      message: 'Unknown event: no_such_event.',
      details: { event: 'no_such_event' },
    });
    expect(await emitRaw(socket, 'no_such_event', [{}])).toEqual({
      ok: false,
      error: {
        code: 'validation_failed',
        message: 'Unknown event: no_such_event.',
        details: { event: 'no_such_event' },
      },
    });
    // A name that every object has is no event of the contract either.
    expect(await emitRaw(socket, 'toString', [])).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', message: 'Unknown event: toString.' },
    });
  });

  it('refuses to refresh a connection with someone else’s token', async () => {
    const socket = connect(server, { token: accessToken, protocolVersion: PROTOCOL_VERSION });
    await opened(socket);
    const other = await registerUser(server, { displayName: 'Mallory' });
    const result = (await socket
      .timeout(5000)
      .emitWithAck('auth_refresh', { token: other.accessToken })) as AckResult;
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});

/** Every client event of the contract. */
const CLIENT_EVENTS = Object.values(ClientEvent);

describe('acknowledgements and payload shapes, for every client event', () => {
  let server: RunningServer;
  let accessToken: string;
  let socket: ClientSocket;

  beforeAll(async () => {
    server = await startTestServer({ RATE_LIMIT_SOCKET_REQUESTS: '100000/1' });
    ({ accessToken } = await registerUser(server));
  });
  // The file's afterEach closes it.
  beforeEach(async () => {
    socket = await connectSocket(server, accessToken);
  });
  afterAll(() => server.close());

  const refusal = (message: string, issue: string) => ({
    ok: false,
    error: {
      code: 'validation_failed',
      message,
      details: { issues: [{ path: '', message: issue }] },
    },
  });

  it('the contract has client events to test', () => {
    expect(CLIENT_EVENTS).toContain('leave_room');
    expect(CLIENT_EVENTS.length).toBeGreaterThanOrEqual(19);
  });

  it.each(CLIENT_EVENTS)(
    '%s with only an acknowledgement is answered through it: the payload is missing',
    async (event) => {
      expect(await emitRaw(socket, event, [])).toEqual(
        refusal(
          `${event} payload is missing: send an object before the acknowledgement.`,
          'Required: the payload object.',
        ),
      );
    },
  );

  it.each(CLIENT_EVENTS)(
    '%s with a null payload and an acknowledgement answers validation_failed',
    async (event) => {
      expect(await emitRaw(socket, event, [null])).toEqual(
        refusal(`${event} payload must be an object; got null.`, 'Expected an object; got null.'),
      );
    },
  );

  it.each(CLIENT_EVENTS)(
    '%s with a payload of the wrong type answers validation_failed naming the type',
    async (event) => {
      for (const [value, kind] of [
        [42, 'a number'],
        ['text', 'a string'],
        [true, 'a boolean'],
        [[{ roomId: 'r' }], 'an array'],
      ] as const) {
        expect(await emitRaw(socket, event, [value])).toEqual(
          refusal(
            `${event} payload must be an object; got ${kind}.`,
            `Expected an object; got ${kind}.`,
          ),
        );
      }
      // An object is the right type, but every event needs something in it.
      const empty = await emitRaw(socket, event, [{}]);
      expect(empty).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      if (!empty.ok)
        expect(empty.error.message).toMatch(new RegExp(`^${event} payload is invalid: `));
    },
  );

  it.each(CLIENT_EVENTS)(
    '%s with two payloads before the acknowledgement answers validation_failed',
    async (event) => {
      expect(await emitRaw(socket, event, [{}, { extra: true }])).toEqual(
        refusal(
          `${event} takes one payload and an acknowledgement; it got 2 values before the acknowledgement.`,
          'Expected one payload; got 2 arguments.',
        ),
      );
    },
  );

  it('leave_room with a payload and an acknowledgement gets its answer from the handler', async () => {
    expect(await emitRaw(socket, 'leave_room', [{ roomId: 'k3vq7mza2xfp' }])).toMatchObject({
      ok: false,
      error: { code: 'not_in_room' },
    });
  });

  it('a request without an acknowledgement is answered only when it fails, by an error_notice naming the event', async () => {
    const untyped = socket as unknown as Socket;
    const notices: unknown[] = [];
    const record = (n: unknown) => notices.push(n);
    socket.on('error_notice', record);
    try {
      // Succeeds: nothing comes back.
      untyped.emit('ping', { t: 1 });
      // The handler refuses it.
      untyped.emit('leave_room', { roomId: 'k3vq7mza2xfp' });
      // No payload at all.
      untyped.emit('leave_room');
      // A last argument that is not a function is a second payload, not an acknowledgement.
      untyped.emit('ping', { t: 2 }, 'not a callback');
      // A request with an acknowledgement after all of them proves they were all handled.
      expect(await emitRaw(socket, 'ping', [{ t: 3 }])).toMatchObject({ ok: true, t: 3 });
      await expect.poll(() => notices.length).toBe(3);
      // Each is answered when its handler finishes, so the notices may come in any order.
      expect(notices).toHaveLength(3);
      expect(notices).toEqual(
        expect.arrayContaining([
          {
            code: 'not_in_room',
            message: expect.any(String) as unknown,
            details: { event: 'leave_room' },
          },
          {
            code: 'validation_failed',
            message: 'leave_room payload is missing: send an object before the acknowledgement.',
            details: {
              event: 'leave_room',
              issues: [{ path: '', message: 'Required: the payload object.' }],
            },
          },
          {
            code: 'validation_failed',
            message:
              'ping takes one payload and an acknowledgement; it got 2 values before the acknowledgement.',
            details: {
              event: 'ping',
              issues: [{ path: '', message: 'Expected one payload; got 2 arguments.' }],
            },
          },
        ]),
      );
    } finally {
      socket.off('error_notice', record);
    }
    expect(socket.connected).toBe(true);
  });
});

describe('tokens that expire on an open connection', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startTestServer({ ACCESS_TOKEN_TTL: '3', SESSION_REFRESH_LEAD: '2' });
  });

  afterAll(() => server.close());

  it('warns before expiry, then ends the session with token_expired', async () => {
    const { accessToken } = await registerUser(server);
    const socket = connect(server, { token: accessToken, protocolVersion: PROTOCOL_VERSION });
    await opened(socket);
    const expiring = await next(socket, 'session_expiring');
    expect(new Date(expiring.tokenExpiresAt).getTime()).toBeGreaterThan(Date.now());
    const ended = next(socket, 'session_ended');
    const reason = disconnected(socket);
    expect((await ended).reason).toBe('token_expired');
    expect(await reason).toBe('io server disconnect');
  });

  it('keeps the connection open past the old expiry when refreshed in time', async () => {
    const session = await registerUser(server);
    const socket = connect(server, {
      token: session.accessToken,
      protocolVersion: PROTOCOL_VERSION,
    });
    const info = await opened(socket);
    await next(socket, 'session_expiring');
    const fresh = await api<{ accessToken: string }>(server, 'POST', '/api/auth/refresh', {
      json: { refreshToken: session.refreshToken },
    });
    const result = (await socket
      .timeout(5000)
      .emitWithAck('auth_refresh', { token: fresh.body.accessToken })) as AckResult<{
      tokenExpiresAt: string;
    }>;
    expect(result.ok).toBe(true);
    // Wait until the first token is past its expiry, then prove the connection still answers.
    const oldExpiry = new Date(info.tokenExpiresAt).getTime();
    await expect
      .poll(() => Date.now() > oldExpiry + 200, { timeout: 5000, interval: 100 })
      .toBe(true);
    expect(await socket.timeout(5000).emitWithAck('ping', { t: 7 })).toMatchObject({
      ok: true,
      t: 7,
    });
    expect(socket.connected).toBe(true);
  });

  it('refuses a handshake with an expired token with token_expired', async () => {
    const { accessToken } = await registerUser(server);
    const { exp } = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()) as {
      exp: number;
    };
    await expect
      .poll(() => Date.now() > exp * 1000 + 100, { timeout: 6000, interval: 100 })
      .toBe(true);
    expect(
      (await refused(connect(server, { token: accessToken, protocolVersion: PROTOCOL_VERSION })))
        .code,
    ).toBe('token_expired');
  });
});

describe('handshake rate limit', () => {
  it('refuses handshakes past the per-address limit with rate_limited', async () => {
    const server = await startTestServer({ RATE_LIMIT_CONNECT: '3/60' });
    try {
      const { accessToken } = await registerUser(server);
      const auth = { token: accessToken, protocolVersion: PROTOCOL_VERSION };
      for (let i = 0; i < 3; i++) await opened(connect(server, auth));
      const data = await refused(connect(server, auth));
      expect(data.code).toBe('rate_limited');
      expect(data.message).toMatch(/try again in \d+ s/);
    } finally {
      await server.close();
    }
  });
});

describe('handshake rate limit behind a proxy', () => {
  it('counts each forwarded client address on its own when TRUST_PROXY is on', async () => {
    const server = await startTestServer({ RATE_LIMIT_CONNECT: '2/60', TRUST_PROXY: 'true' });
    try {
      const { accessToken } = await registerUser(server);
      const auth = { token: accessToken, protocolVersion: PROTOCOL_VERSION };
      const via = (address: string) =>
        io(server.url, {
          auth,
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
          extraHeaders: { 'x-forwarded-for': `${address}, 127.0.0.2` },
        }) as ClientSocket;
      for (const address of ['203.0.113.1', '203.0.113.1', '203.0.113.2', '203.0.113.2']) {
        const socket = via(address);
        sockets.push(socket);
        await opened(socket);
      }
      const third = via('203.0.113.1');
      sockets.push(third);
      expect((await refused(third)).code).toBe('rate_limited');
    } finally {
      await server.close();
    }
  });
});

describe('per-connection request limit', () => {
  it('answers requests past the budget with rate_limited and keeps the connection', async () => {
    const server = await startTestServer({ RATE_LIMIT_SOCKET_REQUESTS: '5/60' });
    try {
      const { accessToken } = await registerUser(server);
      const socket = connect(server, { token: accessToken, protocolVersion: PROTOCOL_VERSION });
      await opened(socket);
      const results = (await Promise.all(
        Array.from({ length: 7 }, (_, t) => socket.timeout(5000).emitWithAck('ping', { t })),
      )) as AckResult[];
      expect(results.filter((r) => r.ok)).toHaveLength(5);
      for (const r of results.filter((r) => !r.ok)) {
        expect(r).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
      }
      expect(socket.connected).toBe(true);
      // Another connection has its own budget.
      const other = connect(server, { token: accessToken, protocolVersion: PROTOCOL_VERSION });
      await opened(other);
      expect(await other.timeout(5000).emitWithAck('ping', { t: 1 })).toMatchObject({ ok: true });
    } finally {
      await server.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('tells connected clients, closes their sockets and the database', async () => {
    const server = await startTestServer();
    const { accessToken } = await registerUser(server);
    const socket = connect(server, { token: accessToken, protocolVersion: PROTOCOL_VERSION });
    await opened(socket);
    const ended = next(socket, 'session_ended');
    const gone = disconnected(socket);
    const dataSource = server.app.get(DataSource);
    await server.close();
    expect((await ended).reason).toBe('server_shutdown');
    expect(await gone).toBe('io server disconnect');
    expect(dataSource.isInitialized).toBe(false);
  });
});
