import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  PROTOCOL_VERSION,
  type AckResult,
  type ClientToServerEvents,
  type PresenceSnapshot,
  type RoomDetails,
  type ServerToClientEvents,
  type UserPresence,
} from '@minimeet/protocol';
import type { RunningServer } from '../main.js';
import { deleteRedisKeys, TEST_REDIS_URL, uniqueRedisPrefix } from '../test/cluster.js';
import { DATABASE_TARGETS, type TestDatabase } from '../test/databases.js';
import { api, registerUser, startTestServer } from '../test/harness.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const open: ClientSocket[] = [];

afterEach(() => {
  while (open.length) open.pop()!.disconnect();
});

async function connect(server: RunningServer, token: string): Promise<ClientSocket> {
  const socket: ClientSocket = io(server.url, {
    auth: { token, protocolVersion: PROTOCOL_VERSION },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  open.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('session', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

async function ok<T>(socket: ClientSocket, event: keyof ClientToServerEvents, payload: unknown) {
  const result = await (
    socket.timeout(5000).emitWithAck as (e: string, p: unknown) => Promise<AckResult>
  )(event, payload);
  if (!result.ok) throw new Error(`${event} failed: ${result.error.code} ${result.error.message}`);
  return result as unknown as T;
}

/** Resolves with the next pushed presence of `userId` that matches (listening from now on). */
function pushed(
  socket: ClientSocket,
  userId: string,
  match: (p: UserPresence) => boolean,
  timeoutMs = 5000,
): Promise<UserPresence> {
  return new Promise((resolve, reject) => {
    const listener = (p: UserPresence) => {
      if (p.userId !== userId || !match(p)) return;
      clearTimeout(timer);
      socket.off('presence_changed', listener);
      resolve(p);
    };
    const timer = setTimeout(() => {
      socket.off('presence_changed', listener);
      reject(new Error(`no matching presence_changed for ${userId} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('presence_changed', listener);
  });
}

/**
 * Two server instances in this process, sharing one MariaDB database and one Redis: what one node
 * learns (a connection, a membership), followers on the other hear. The kill -9 case needs real
 * processes and lives with the cluster tests.
 */
describe('presence across two nodes through Redis', () => {
  let db: TestDatabase;
  let one: RunningServer;
  let two: RunningServer;
  const keyPrefix = uniqueRedisPrefix('presence.nodes');

  beforeAll(async () => {
    db = await DATABASE_TARGETS.find((t) => t.name === 'mariadb')!.create();
    const env = { DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: keyPrefix };
    one = await startTestServer(env);
    two = await startTestServer({ ...env, DATABASE_MIGRATIONS_RUN: 'false' });
  }, 60_000);

  afterAll(async () => {
    await two?.close();
    await one?.close();
    await db?.drop();
    await deleteRedisKeys(keyPrefix);
  });

  async function person(name: string) {
    const s = await registerUser(one, { displayName: name });
    return { id: s.user.id, token: s.accessToken };
  }

  it('tabs on two nodes add up, and a follower on either node hears every change', async () => {
    const subject = await person('Subject');
    const observer = await person('Observer');
    const room = await api<RoomDetails>(one, 'POST', '/api/rooms', {
      token: subject.token,
      json: { name: 'Across', visibility: 'public' },
    });
    await api(two, 'POST', `/api/rooms/${room.body.id}/join`, { token: observer.token, json: {} });
    const watcher = await connect(two, observer.token);
    await ok(watcher, 'presence_subscribe', { userIds: [subject.id] });

    const online = pushed(watcher, subject.id, (p) => p.state === 'online');
    const tabOnOne = await connect(one, subject.token);
    await online;
    const tabOnTwo = await connect(two, subject.token);
    await ok(tabOnTwo, 'presence_update', { away: true });
    const snapshot = await ok<PresenceSnapshot>(watcher, 'presence_subscribe', {
      userIds: [subject.id],
    });
    expect(snapshot.presences[0].state).toBe('online');

    const away = pushed(watcher, subject.id, (p) => p.state === 'away');
    tabOnOne.disconnect();
    await away;
    const busy = pushed(watcher, subject.id, (p) => p.state === 'busy');
    await ok(tabOnTwo, 'presence_update', { busy: true, statusText: 'Two nodes' });
    expect(await busy).toMatchObject({ statusText: 'Two nodes' });
    const offline = pushed(watcher, subject.id, (p) => p.state === 'offline');
    tabOnTwo.disconnect();
    expect((await offline).lastSeenAt).not.toBeNull();
  });

  it('a membership made on one node opens visibility for followers on the other, and its end closes it', async () => {
    const subject = await person('Subject');
    const newcomer = await person('Newcomer');
    const room = await api<RoomDetails>(one, 'POST', '/api/rooms', {
      token: subject.token,
      json: { name: 'Door', visibility: 'public' },
    });
    const subjectTab = await connect(one, subject.token);
    const newcomerTab = await connect(two, newcomer.token);
    await ok(newcomerTab, 'presence_subscribe', { sharedRooms: true });
    expect(
      (await ok<PresenceSnapshot>(newcomerTab, 'presence_subscribe', { userIds: [subject.id] }))
        .presences,
    ).toEqual([]);

    // Joined over REST on node one; the newcomer's socket lives on node two.
    const visible = pushed(newcomerTab, subject.id, (p) => p.state === 'online');
    await api(one, 'POST', `/api/rooms/${room.body.id}/join`, { token: newcomer.token, json: {} });
    await visible;
    const busy = pushed(newcomerTab, subject.id, (p) => p.state === 'busy');
    await ok(subjectTab, 'presence_update', { busy: true });
    await busy;

    // Leaves over REST on node one; node two stops the pushes.
    const left = await api(one, 'DELETE', `/api/rooms/${room.body.id}/members/${newcomer.id}`, {
      token: newcomer.token,
    });
    expect(left.status).toBe(204);
    for (let i = 0; i < 100; i++) {
      const s = await ok<PresenceSnapshot>(newcomerTab, 'presence_subscribe', {
        userIds: [subject.id],
      });
      if (s.presences.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const seen: UserPresence[] = [];
    newcomerTab.on('presence_changed', (p) => seen.push(p));
    await ok(subjectTab, 'presence_update', { busy: false });
    // The subject's own other tab on node two hears it, so the push went out; the newcomer did not.
    const mirror = await connect(two, subject.token);
    await ok(mirror, 'presence_subscribe', { userIds: [subject.id] });
    const back = pushed(mirror, subject.id, (p) => p.statusText === 'later');
    await ok(subjectTab, 'presence_update', { statusText: 'later' });
    await back;
    await ok(newcomerTab, 'ping', { t: 1 });
    expect(seen).toEqual([]);
  });
});
