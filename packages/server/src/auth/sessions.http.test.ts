import { decodeJwt, SignJWT } from 'jose';
import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  PROTOCOL_VERSION,
  type AckResult,
  type AdminUserInfo,
  type AuthSession,
  type ConnectErrorData,
  type SessionEndedPayload,
} from '@minimeet/protocol';
import { runCli, type CliIo } from '../cli.js';
import { DEFAULT_DEV_JWT_SECRET } from '../config/config.schema.js';
import type { RunningServer } from '../main.js';
import { api, expectError, registerUser, startTestServer } from '../test/harness.js';
import { waitForEvent, type ClientSocket } from '../test/sockets.js';

const ADMIN_SECRET = 'an-operator-secret-of-at-least-32-characters';
const NEW_PASSWORD = 'a completely new passphrase';

const sockets: ClientSocket[] = [];

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});

/** Opens a socket with `token`; resolves once the server said `session`. */
async function connect(server: RunningServer, token: string): Promise<ClientSocket> {
  const socket = opening(server, token);
  await new Promise<void>((resolve, reject) => {
    socket.once('session', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

function opening(server: RunningServer, token: string): ClientSocket {
  const socket: ClientSocket = io(server.url, {
    auth: { token, protocolVersion: PROTOCOL_VERSION },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  sockets.push(socket);
  return socket;
}

/** The `data` of the handshake's refusal; fails if the connection is accepted. */
function refused(server: RunningServer, token: string): Promise<ConnectErrorData> {
  const socket = opening(server, token);
  return new Promise((resolve, reject) => {
    socket.once('session', () => reject(new Error('the connection was accepted')));
    socket.once('connect_error', (err) =>
      resolve((err as Error & { data: ConnectErrorData }).data),
    );
  });
}

/** Resolves with what `session_ended` said once the socket is closed by the server. */
async function ended(socket: ClientSocket): Promise<SessionEndedPayload> {
  const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
  const payload = await waitForEvent(socket, 'session_ended');
  expect(await closed).toBe('io server disconnect');
  return payload;
}

/** Proves the socket still works: a request is answered. */
async function alive(socket: ClientSocket): Promise<void> {
  expect(await socket.timeout(5000).emitWithAck('ping', { t: 1 })).toMatchObject({ ok: true });
}

const me = (server: RunningServer, token: string) => api(server, 'GET', '/api/users/me', { token });
const login = (server: RunningServer, email: string, password: string) =>
  api<AuthSession>(server, 'POST', '/api/auth/login', { json: { email, password } });
const refresh = (server: RunningServer, refreshToken: string) =>
  api<AuthSession>(server, 'POST', '/api/auth/refresh', { json: { refreshToken } });
const logout = (server: RunningServer, refreshToken: string) =>
  api(server, 'POST', '/api/auth/logout', { json: { refreshToken } });
const admin = (server: RunningServer, method: string, path: string, secret = ADMIN_SECRET) =>
  api<AdminUserInfo>(server, method, `/api/admin/users/${path}`, { token: secret });

describe('sessions that end when they should', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startTestServer({ ADMIN_SECRET });
  });
  afterAll(() => server.close());

  /** A user signed in twice: two sessions of one account. */
  async function twoSessions() {
    const first = await registerUser(server);
    const second = await login(server, first.user.email, first.password);
    expect(second.status).toBe(200);
    return { first, second: second.body, password: first.password };
  }

  it('every access token names its session: the login’s refresh family, kept by refresh', async () => {
    const { first, second } = await twoSessions();
    const sid = decodeJwt(first.accessToken).sid;
    expect(sid).toEqual(expect.any(String));
    expect(decodeJwt(second.accessToken).sid).not.toBe(sid);
    const refreshed = await refresh(server, first.refreshToken);
    expect(decodeJwt(refreshed.body.accessToken).sid).toBe(sid);
  });

  it('logout ends that session at once on REST and on its sockets; another session of the user goes on', async () => {
    const { first, second } = await twoSessions();
    const mine = await connect(server, first.accessToken);
    const other = await connect(server, second.accessToken);
    const ending = ended(mine);

    expect((await logout(server, first.refreshToken)).status).toBe(204);

    expect(await ending).toEqual({
      reason: 'session_revoked',
      message: expect.stringContaining('signed out') as unknown,
    });
    expectError(await me(server, first.accessToken), 401, 'session_revoked');
    // The search routes take the token the way the handshake does.
    expectError(
      await api(server, 'GET', '/api/search/messages?q=x', { token: first.accessToken }),
      401,
      'session_revoked',
    );
    expect((await refused(server, first.accessToken)).code).toBe('session_revoked');
    // A connection of another session cannot be refreshed with the dead token either.
    const refreshAck = (await other
      .timeout(5000)
      .emitWithAck('auth_refresh', { token: first.accessToken })) as AckResult;
    expect(refreshAck).toMatchObject({ ok: false, error: { code: 'session_revoked' } });

    expect((await me(server, second.accessToken)).status).toBe(200);
    await alive(other);
  });

  it('logout with any refresh token of the session ends its access tokens, earlier ones included', async () => {
    const user = await registerUser(server);
    const rotated = await refresh(server, user.refreshToken);
    expect((await logout(server, rotated.body.refreshToken)).status).toBe(204);
    expectError(await me(server, user.accessToken), 401, 'session_revoked');
    expectError(await me(server, rotated.body.accessToken), 401, 'session_revoked');
  });

  it('a password change ends every other session at once; the session that made it goes on', async () => {
    const { first, second } = await twoSessions();
    const mine = await connect(server, first.accessToken);
    const other = await connect(server, second.accessToken);
    const ending = ended(other);

    const changed = await api<AuthSession>(server, 'POST', '/api/auth/password', {
      token: first.accessToken,
      json: { currentPassword: first.password, newPassword: NEW_PASSWORD },
    });
    expect(changed.status).toBe(200);

    expect(await ending).toMatchObject({
      reason: 'session_revoked',
      message: expect.stringContaining('password') as unknown,
    });
    expectError(await me(server, second.accessToken), 401, 'session_revoked');
    expectError(await refresh(server, second.refreshToken), 401, 'token_invalid');

    // Same session, fresh tokens: the old access token, its socket and the new tokens all work.
    expect(decodeJwt(changed.body.accessToken).sid).toBe(decodeJwt(first.accessToken).sid);
    expect((await me(server, first.accessToken)).status).toBe(200);
    expect((await me(server, changed.body.accessToken)).status).toBe(200);
    await alive(mine);
    // The refresh token held before the change is spent, without ending the session.
    expectError(await refresh(server, first.refreshToken), 401, 'token_invalid');
    const next = await refresh(server, changed.body.refreshToken);
    expect(next.status).toBe(200);
    await alive(mine);
  });

  it('a reused refresh token ends its session: access tokens and sockets', async () => {
    const user = await registerUser(server);
    const socket = await connect(server, user.accessToken);
    const rotated = await refresh(server, user.refreshToken);
    const ending = ended(socket);
    expectError(await refresh(server, user.refreshToken), 401, 'token_reused');
    expect((await ending).reason).toBe('session_revoked');
    expectError(await me(server, rotated.body.accessToken), 401, 'session_revoked');
  });

  it('a connection refreshed with a token of another session follows that session', async () => {
    const { first, second } = await twoSessions();
    const socket = await connect(server, first.accessToken);
    const ack = (await socket
      .timeout(5000)
      .emitWithAck('auth_refresh', { token: second.accessToken })) as AckResult;
    expect(ack.ok).toBe(true);
    expect((await logout(server, first.refreshToken)).status).toBe(204);
    await alive(socket);
    const ending = ended(socket);
    expect((await logout(server, second.refreshToken)).status).toBe(204);
    expect((await ending).reason).toBe('session_revoked');
  });

  /** An access token as a server before sessions signed it: no `sid`. */
  async function legacyToken(accessToken: string): Promise<string> {
    const { sid: _sid, ...claims } = decodeJwt(accessToken);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(DEFAULT_DEV_JWT_SECRET));
  }

  it('takes an access token without a session (an older server’s) until any session of its user ends', async () => {
    const { first, second } = await twoSessions();
    const legacy = await legacyToken(first.accessToken);
    expect((await me(server, legacy)).status).toBe(200);
    const socket = await connect(server, legacy);
    const ending = ended(socket);
    expect((await logout(server, second.refreshToken)).status).toBe(204);
    expect((await ending).reason).toBe('session_revoked');
    expectError(await me(server, legacy), 401, 'session_revoked');
    // Sessions with a sid are told apart: the first one is untouched.
    expect((await me(server, first.accessToken)).status).toBe(200);
  });

  it('a password change made with a token without a session starts a new session', async () => {
    const user = await registerUser(server);
    const legacy = await legacyToken(user.accessToken);
    const changed = await api<AuthSession>(server, 'POST', '/api/auth/password', {
      token: legacy,
      json: { currentPassword: user.password, newPassword: NEW_PASSWORD },
    });
    expect(changed.status).toBe(200);
    expect(decodeJwt(changed.body.accessToken).sid).not.toBe(decodeJwt(user.accessToken).sid);
    expectError(await me(server, legacy), 401, 'session_revoked');
    expectError(await me(server, user.accessToken), 401, 'session_revoked');
    expect((await me(server, changed.body.accessToken)).status).toBe(200);
    expect((await refresh(server, changed.body.refreshToken)).status).toBe(200);
  });

  it('refuses an access token whose sid is not a session id', async () => {
    const user = await registerUser(server);
    const claims = decodeJwt(user.accessToken);
    const odd = await new SignJWT({ ...claims, sid: 42 })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(DEFAULT_DEV_JWT_SECRET));
    expectError(await me(server, odd), 401, 'token_invalid');
    expect((await refused(server, odd)).code).toBe('token_invalid');
  });

  describe('an account an operator disables', () => {
    it('ends every session of it at once and refuses it everywhere until it is enabled', async () => {
      const { first, second, password } = await twoSessions();
      const bystander = await registerUser(server);
      const theirs = [
        await connect(server, first.accessToken),
        await connect(server, second.accessToken),
      ];
      const watching = await connect(server, bystander.accessToken);
      const endings = theirs.map(ended);

      const disabled = await admin(server, 'POST', `${first.user.id}/disable`);
      expect(disabled.status).toBe(200);
      expect(disabled.body).toMatchObject({
        id: first.user.id,
        disabledAt: expect.any(String) as unknown,
      });

      for (const ending of endings)
        expect(await ending).toEqual({
          reason: 'account_disabled',
          message: 'An operator disabled this account.',
        });
      for (const s of [first, second]) {
        expectError(await me(server, s.accessToken), 403, 'account_disabled');
        expect((await refused(server, s.accessToken)).code).toBe('account_disabled');
        expectError(await refresh(server, s.refreshToken), 403, 'account_disabled');
      }
      expectError(await login(server, first.user.email, password), 403, 'account_disabled');
      // Only the right password learns that the account is disabled.
      expectError(
        await login(server, first.user.email, 'not the password'),
        401,
        'invalid_credentials',
      );

      expect((await me(server, bystander.accessToken)).status).toBe(200);
      await alive(watching);

      // Disabling again keeps the first time.
      const again = await admin(server, 'POST', `${first.user.email}/disable`);
      expect(again.body.disabledAt).toBe(disabled.body.disabledAt);

      const enabled = await admin(server, 'POST', `${first.user.id}/enable`);
      expect(enabled.body.disabledAt).toBeNull();
      // Its old sessions stay ended; a new sign-in works.
      expectError(await me(server, first.accessToken), 403, 'account_disabled');
      const back = await login(server, first.user.email, password);
      expect(back.status).toBe(200);
      expect((await me(server, back.body.accessToken)).status).toBe(200);
      await connect(server, back.body.accessToken);
    });

    it('is found by id or by email in any case, and an unknown one is not_found', async () => {
      const user = await registerUser(server, { displayName: 'Findable' });
      const byId = await admin(server, 'GET', user.user.id);
      expect(byId.status).toBe(200);
      expect(byId.body).toEqual({ ...user.user, disabledAt: null });
      const byEmail = await admin(server, 'GET', encodeURIComponent(user.user.email.toUpperCase()));
      expect(byEmail.body).toEqual(byId.body);
      expectError(await admin(server, 'GET', 'nobody@example.test'), 404, 'not_found');
      expectError(
        await admin(server, 'POST', '00000000-0000-4000-8000-000000000000/disable'),
        404,
        'not_found',
      );
    });

    it('needs the admin secret; a user’s access token is not one', async () => {
      const user = await registerUser(server);
      expectError(
        await api(server, 'GET', `/api/admin/users/${user.user.id}`),
        401,
        'unauthorized',
      );
      expectError(
        await admin(server, 'GET', user.user.id, `${ADMIN_SECRET}x`),
        401,
        'unauthorized',
      );
      expectError(
        await admin(server, 'POST', `${user.user.id}/disable`, user.accessToken),
        401,
        'unauthorized',
      );
      expect((await me(server, user.accessToken)).status).toBe(200);
    });

    it('can be disabled and enabled with the CLI, which reads the secret from the environment', async () => {
      const user = await registerUser(server);
      const socket = await connect(server, user.accessToken);
      const ending = ended(socket);
      const out: string[] = [];
      const err: string[] = [];
      const cli: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t) };
      const env = { MINIMEET_ADMIN_SECRET: ADMIN_SECRET };

      expect(
        await runCli(['user', 'disable', user.user.email, '--url', server.url], env, cli),
      ).toBe(0);
      expect(out[0]).toMatch(
        new RegExp(`^${user.user.email} \\(${user.user.id}\\): disabled since \\d{4}-`),
      );
      expect((await ending).reason).toBe('account_disabled');

      expect(await runCli(['user', 'show', user.user.id, '--url', server.url], env, cli)).toBe(0);
      expect(out[1]).toContain('disabled since');
      expect(await runCli(['user', 'enable', user.user.id, '--url', server.url], env, cli)).toBe(0);
      expect(out[2]).toBe(`${user.user.email} (${user.user.id}): enabled`);

      expect(
        await runCli(['user', 'show', 'nobody@example.test', '--url', server.url], env, cli),
      ).toBe(1);
      expect(err.at(-1)).toMatch(/^not_found: /);
      expect(await runCli(['user', 'show', user.user.id, '--url', server.url], {}, cli)).toBe(2);
      expect(err.at(-1)).toContain('MINIMEET_ADMIN_SECRET');
      expect(await runCli(['user', 'delete', user.user.id], env, cli)).toBe(2);
      expect(
        await runCli(
          ['user', 'show', user.user.id, '--url', server.url],
          { MINIMEET_ADMIN_SECRET: 'wrong' },
          cli,
        ),
      ).toBe(1);
      expect(err.at(-1)).toMatch(/^unauthorized: /);
    });
  });
});

describe('the admin API without ADMIN_SECRET', () => {
  it('is off, and says how to turn it on', async () => {
    const server = await startTestServer();
    try {
      const user = await registerUser(server);
      const error = expectError(
        await admin(server, 'POST', `${user.user.id}/disable`),
        501,
        'feature_unavailable',
      );
      expect(error.message).toContain('ADMIN_SECRET');
      expect((await me(server, user.accessToken)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
