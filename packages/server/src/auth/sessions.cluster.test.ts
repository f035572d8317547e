import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  PROTOCOL_VERSION,
  type AdminUserInfo,
  type AuthSession,
  type ConnectErrorData,
  type SessionEndedPayload,
} from '@minimeet/protocol';
import { startCluster, type ClusterNode, type RunningCluster } from '../test/cluster.js';
import { api, expectError, uniqueEmail } from '../test/harness.js';
import { waitForEvent, type ClientSocket } from '../test/sockets.js';

const ADMIN_SECRET = 'a-cluster-admin-secret-of-32-characters-or-more';
const PASSWORD = 'correct horse battery';

/**
 * Real server processes on MariaDB and Redis (needs the built server: `pnpm --filter
 * @minimeet/server build`). Whatever ends a session on one node ends it on the other at once: its
 * sockets there get `session_ended` and close, and its access tokens are refused there on the very
 * next request, with no waiting in between.
 */
describe('sessions ended on one node, on every node', () => {
  let cluster: RunningCluster;
  let a: ClusterNode;
  let b: ClusterNode;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 2, label: 'sessions.cluster', env: { ADMIN_SECRET } });
    [a, b] = cluster.nodes;
  }, 90_000);

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });

  afterAll(async () => {
    await cluster?.close();
  }, 30_000);

  async function register(node: ClusterNode): Promise<AuthSession> {
    const res = await api<AuthSession>(node, 'POST', '/api/auth/register', {
      json: { email: uniqueEmail('sessions'), password: PASSWORD, displayName: 'Two Nodes' },
    });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function login(node: ClusterNode, email: string): Promise<AuthSession> {
    const res = await api<AuthSession>(node, 'POST', '/api/auth/login', {
      json: { email, password: PASSWORD },
    });
    expect(res.status).toBe(200);
    return res.body;
  }

  function opening(node: ClusterNode, token: string): ClientSocket {
    const socket: ClientSocket = io(node.url, {
      auth: { token, protocolVersion: PROTOCOL_VERSION },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    sockets.push(socket);
    return socket;
  }

  async function connect(node: ClusterNode, token: string): Promise<ClientSocket> {
    const socket = opening(node, token);
    await new Promise<void>((resolve, reject) => {
      socket.once('session', () => resolve());
      socket.once('connect_error', reject);
    });
    return socket;
  }

  function refused(node: ClusterNode, token: string): Promise<ConnectErrorData> {
    const socket = opening(node, token);
    return new Promise((resolve, reject) => {
      socket.once('session', () => reject(new Error('the connection was accepted')));
      socket.once('connect_error', (err) =>
        resolve((err as Error & { data: ConnectErrorData }).data),
      );
    });
  }

  /** What `session_ended` said, once the server has also closed the socket. */
  async function ended(socket: ClientSocket): Promise<SessionEndedPayload> {
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const payload = await waitForEvent(socket, 'session_ended', () => true, 10_000);
    expect(await closed).toBe('io server disconnect');
    return payload;
  }

  async function alive(socket: ClientSocket): Promise<void> {
    expect(await socket.timeout(5000).emitWithAck('ping', { t: 1 })).toMatchObject({ ok: true });
  }

  const me = (node: ClusterNode, token: string) => api(node, 'GET', '/api/users/me', { token });

  it('logout on node A ends the session’s socket on node B, and B refuses its access token at once', async () => {
    const first = await register(a);
    const second = await login(b, first.user.email);
    const onB = await connect(b, first.accessToken);
    const otherOnB = await connect(b, second.accessToken);
    expect((await me(b, first.accessToken)).status).toBe(200);
    const ending = ended(onB);

    expect(
      (await api(a, 'POST', '/api/auth/logout', { json: { refreshToken: first.refreshToken } }))
        .status,
    ).toBe(204);
    // The very next request, on the other node: no wait, no retry.
    expectError(await me(b, first.accessToken), 401, 'session_revoked');

    expect(await ending).toMatchObject({ reason: 'session_revoked' });
    expect((await refused(b, first.accessToken)).code).toBe('session_revoked');
    // The other session of the same user, on the same node, goes on.
    expect((await me(b, second.accessToken)).status).toBe(200);
    await alive(otherOnB);
  });

  it('a password change on node B ends the other sessions on node A; the session that made it goes on', async () => {
    const first = await register(a);
    const second = await login(a, first.user.email);
    const otherOnA = await connect(a, second.accessToken);
    const ownOnA = await connect(a, first.accessToken);
    const ending = ended(otherOnA);

    const changed = await api<AuthSession>(b, 'POST', '/api/auth/password', {
      token: first.accessToken,
      json: { currentPassword: PASSWORD, newPassword: 'a completely new passphrase' },
    });
    expect(changed.status).toBe(200);
    expectError(await me(a, second.accessToken), 401, 'session_revoked');

    expect(await ending).toMatchObject({ reason: 'session_revoked' });
    expect((await me(a, first.accessToken)).status).toBe(200);
    expect((await me(a, changed.body.accessToken)).status).toBe(200);
    await alive(ownOnA);
  });

  it('an account disabled on node A is ended and refused on node B', async () => {
    const user = await register(a);
    const bystander = await register(b);
    const onB = await connect(b, user.accessToken);
    const watching = await connect(b, bystander.accessToken);
    const ending = ended(onB);

    const disabled = await api<AdminUserInfo>(
      a,
      'POST',
      `/api/admin/users/${user.user.id}/disable`,
      { token: ADMIN_SECRET },
    );
    expect(disabled.status).toBe(200);
    expectError(await me(b, user.accessToken), 403, 'account_disabled');

    expect(await ending).toEqual({
      reason: 'account_disabled',
      message: 'An operator disabled this account.',
    });
    expect((await refused(b, user.accessToken)).code).toBe('account_disabled');
    expectError(
      await api(b, 'POST', '/api/auth/login', {
        json: { email: user.user.email, password: PASSWORD },
      }),
      403,
      'account_disabled',
    );
    expectError(
      await api(b, 'POST', '/api/auth/refresh', { json: { refreshToken: user.refreshToken } }),
      403,
      'account_disabled',
    );
    expect((await me(b, bystander.accessToken)).status).toBe(200);
    await alive(watching);
  });

  it('a node started after a revocation refuses the revoked token too', async () => {
    const user = await register(a);
    expect(
      (await api(a, 'POST', '/api/auth/logout', { json: { refreshToken: user.refreshToken } }))
        .status,
    ).toBe(204);
    const late = await cluster.addNode();
    expectError(await me(late, user.accessToken), 401, 'session_revoked');
    expect((await refused(late, user.accessToken)).code).toBe('session_revoked');
  }, 90_000);
});
