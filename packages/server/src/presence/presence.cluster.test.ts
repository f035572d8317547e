import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PROTOCOL_VERSION,
  type AckResult,
  type AuthSession,
  type ClientToServerEvents,
  type PresenceSnapshot,
  type RoomDetails,
  type ServerToClientEvents,
  type UserPresence,
} from '@minimeet/protocol';
import { startCluster, type RunningCluster } from '../test/cluster.js';
import { api, uniqueEmail } from '../test/harness.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const TIMEOUT_SECONDS = 3;

/**
 * Real server processes on MariaDB and Redis (needs the built server: `pnpm --filter
 * @minimeet/server build`). A node killed with SIGKILL says nothing to anyone; its users must go
 * offline on the survivor within PRESENCE_TIMEOUT_SECONDS.
 */
describe('presence when a node dies', () => {
  let cluster: RunningCluster;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    cluster = await startCluster({
      nodes: 2,
      label: 'presence.cluster',
      env: { PRESENCE_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS) },
    });
  }, 90_000);

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await cluster?.close();
  }, 30_000);

  async function register(url: string, displayName: string): Promise<AuthSession> {
    const res = await api<AuthSession>({ url }, 'POST', '/api/auth/register', {
      json: { email: uniqueEmail('cluster'), password: 'correct horse battery', displayName },
    });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function connect(url: string, token: string): Promise<ClientSocket> {
    const socket: ClientSocket = io(url, {
      auth: { token, protocolVersion: PROTOCOL_VERSION },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('session', () => resolve());
      socket.once('connect_error', reject);
    });
    return socket;
  }

  function pushed(socket: ClientSocket, userId: string, state: UserPresence['state']) {
    return new Promise<UserPresence>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${state} for ${userId}`)),
        (TIMEOUT_SECONDS + 5) * 1000,
      );
      socket.on('presence_changed', (p) => {
        if (p.userId !== userId || p.state !== state) return;
        clearTimeout(timer);
        resolve(p);
      });
    });
  }

  it('the users of a killed node go offline on the survivor within the timeout', async () => {
    const [doomed, survivor] = cluster.nodes;
    const subject = await register(survivor.url, 'On the doomed node');
    const observer = await register(survivor.url, 'On the survivor');
    const room = await api<RoomDetails>({ url: survivor.url }, 'POST', '/api/rooms', {
      token: subject.accessToken,
      json: { name: 'Watch', visibility: 'public' },
    });
    await api({ url: survivor.url }, 'POST', `/api/rooms/${room.body.id}/join`, {
      token: observer.accessToken,
      json: {},
    });
    const watcher = await connect(survivor.url, observer.accessToken);
    const subscribed = (await (
      watcher.timeout(5000).emitWithAck as (e: string, p: unknown) => Promise<AckResult>
    )('presence_subscribe', { userIds: [subject.user.id] })) as AckResult<PresenceSnapshot>;
    expect(subscribed).toMatchObject({ ok: true, presences: [{ state: 'offline' }] });

    const online = pushed(watcher, subject.user.id, 'online');
    await connect(doomed.url, subject.accessToken);
    await online;

    const offline = pushed(watcher, subject.user.id, 'offline');
    await doomed.kill();
    const killedAt = Date.now();
    const gone = await offline;
    const tookMs = Date.now() - killedAt;
    // Its last renewal was at most a third of the timeout before the kill; a sweep follows within 1 s.
    expect(tookMs, doomed.logs()).toBeLessThanOrEqual(TIMEOUT_SECONDS * 1000 + 500);
    expect(gone.lastSeenAt).not.toBeNull();
  }, 30_000);
});
