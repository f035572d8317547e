import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  PROTOCOL_VERSION,
  type AckResult,
  type ClientToServerEvents,
  type PresenceSnapshot,
  type PresenceUpdateResult,
  type RoomDetails,
  type RoomInvite,
  type ServerToClientEvents,
  type SessionInfo,
  type UserPresence,
} from '@minimeet/protocol';
import { createJoinToken } from '@minimeet/host';
import type { RunningServer } from '../main.js';
import { deleteRedisKeys, TEST_REDIS_URL, uniqueRedisPrefix } from '../test/cluster.js';
import { api, createApiKey, registerUser, startTestServer, waitUntil } from '../test/harness.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A connected client that records the presence changes it is pushed, in order. */
interface Client {
  socket: ClientSocket;
  changes: UserPresence[];
}

/** A registered user and a way to open tabs (connections) for it. */
interface Person {
  id: string;
  token: string;
  name: string;
}

const open: ClientSocket[] = [];

afterEach(() => {
  while (open.length) open.pop()!.disconnect();
});

async function connect(server: RunningServer, token: string): Promise<Client> {
  const socket: ClientSocket = io(server.url, {
    auth: { token, protocolVersion: PROTOCOL_VERSION },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  open.push(socket);
  const client: Client = { socket, changes: [] };
  socket.on('presence_changed', (p) => client.changes.push(p));
  await new Promise<SessionInfo>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no session within 5 s')), 5000);
    socket.once('session', (info) => {
      clearTimeout(timer);
      resolve(info);
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  return client;
}

function request(
  client: Client,
  event: keyof ClientToServerEvents,
  payload: unknown,
): Promise<AckResult<Record<string, unknown>>> {
  return (client.socket.timeout(5000).emitWithAck as (e: string, p: unknown) => Promise<never>)(
    event,
    payload,
  );
}

async function ok<T>(client: Client, event: keyof ClientToServerEvents, payload: unknown) {
  const result = await request(client, event, payload);
  if (!result.ok) throw new Error(`${event} failed: ${result.error.code} ${result.error.message}`);
  return result as unknown as T;
}

const subscribe = (client: Client, payload: Record<string, unknown>) =>
  ok<PresenceSnapshot>(client, 'presence_subscribe', payload);
const update = (client: Client, payload: Record<string, unknown>) =>
  ok<PresenceUpdateResult>(client, 'presence_update', payload);

/** Resolves with the first pushed presence of `userId` (from now on) that matches. */
function pushed(
  client: Client,
  userId: string,
  match: (p: UserPresence) => boolean = () => true,
  timeoutMs = 5000,
): Promise<UserPresence> {
  return new Promise((resolve, reject) => {
    const listener = (p: UserPresence) => {
      if (p.userId !== userId || !match(p)) return;
      clearTimeout(timer);
      client.socket.off('presence_changed', listener);
      resolve(p);
    };
    const timer = setTimeout(() => {
      client.socket.off('presence_changed', listener);
      reject(new Error(`no matching presence_changed for ${userId} within ${timeoutMs} ms`));
    }, timeoutMs);
    client.socket.on('presence_changed', listener);
  });
}

const inState = (state: UserPresence['state']) => (p: UserPresence) => p.state === state;

/** Runs `action` and waits for the push it causes (listening before it runs, so none is missed). */
async function after<T>(
  action: () => Promise<T>,
  client: Client,
  userId: string,
  match: (p: UserPresence) => boolean = () => true,
  timeoutMs?: number,
): Promise<[T, UserPresence]> {
  const push = pushed(client, userId, match, timeoutMs);
  const result = await action();
  return [result, await push];
}

/** A round trip on the socket: whatever the server sent it before is delivered by now. */
async function flush(client: Client): Promise<void> {
  await ok(client, 'ping', { t: 1 });
}

const changesOf = (client: Client, userId: string) =>
  client.changes.filter((p) => p.userId === userId);

/** The states of successive pushes, a push that repeats the one before it counted once. */
function steps(changes: UserPresence[]): string[] {
  const key = (p: UserPresence) => JSON.stringify([p.state, p.roomId, p.statusText]);
  return changes.filter((p, i) => i === 0 || key(p) !== key(changes[i - 1])).map((p) => p.state);
}

/** One node as it runs alone, and one that keeps presence (and the rest) in Redis. */
const MODES = [
  { name: 'in process', env: {} as Record<string, string>, inProcess: true },
  {
    name: 'with Redis',
    env: { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: uniqueRedisPrefix('presence.socket') },
    inProcess: false,
  },
];

describe.each(MODES)('presence on one node, $name', (mode) => {
  let server: RunningServer;
  let n = 0;

  beforeAll(async () => {
    server = await startTestServer(mode.env);
  });

  afterAll(async () => {
    await server?.close();
    if (mode.env.REDIS_KEY_PREFIX) await deleteRedisKeys(mode.env.REDIS_KEY_PREFIX);
  });

  async function person(name = 'Person'): Promise<Person> {
    const s = await registerUser(server, { displayName: `${name} ${++n}` });
    return { id: s.user.id, token: s.accessToken, name: s.user.displayName };
  }

  async function room(owner: Person, visibility: 'public' | 'private' = 'public') {
    const res = await api<RoomDetails>(server, 'POST', '/api/rooms', {
      token: owner.token,
      json: { name: `Room ${++n}`, visibility },
    });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async function joinRoom(member: Person, roomId: string): Promise<void> {
    const res = await api(server, 'POST', `/api/rooms/${roomId}/join`, {
      token: member.token,
      json: {},
    });
    expect(res.status).toBe(200);
  }

  async function invite(owner: Person, roomId: string, member: Person): Promise<void> {
    const created = await api<RoomInvite>(server, 'POST', `/api/rooms/${roomId}/invites`, {
      token: owner.token,
      json: {},
    });
    expect(created.status).toBe(201);
    const accepted = await api(server, 'POST', `/api/invites/${created.body.code}/accept`, {
      token: member.token,
    });
    expect(accepted.status).toBe(200);
  }

  async function leaveRoom(member: Person, roomId: string): Promise<void> {
    const res = await api(server, 'DELETE', `/api/rooms/${roomId}/members/${member.id}`, {
      token: member.token,
    });
    expect(res.status).toBe(204);
  }

  /** Two people who share a public room; the observer follows the subject. */
  async function pair() {
    const subject = await person('Subject');
    const observer = await person('Observer');
    const roomId = await room(subject);
    await joinRoom(observer, roomId);
    return { subject, observer, roomId };
  }

  it('several tabs add up: one active tab keeps the user online, the last one gone makes them offline', async () => {
    const { subject, observer } = await pair();
    const watcher = await connect(server, observer.token);
    const snapshot0 = await subscribe(watcher, { userIds: [subject.id] });
    expect(snapshot0.presences).toEqual([
      { userId: subject.id, state: 'offline', roomId: null, statusText: null, lastSeenAt: null },
    ]);

    const [hidden, first] = await after(() => connect(server, subject.token), watcher, subject.id);
    expect(first.state).toBe('online');
    // The first tab goes to the background, while a second tab is active: still online.
    const active = await connect(server, subject.token);
    expect((await update(hidden, { away: true })).presence.state).toBe('online');
    const snapshot = await subscribe(watcher, { userIds: [subject.id] });
    expect(snapshot.presences[0]).toMatchObject({ userId: subject.id, state: 'online' });

    // The active tab closes: only the away one is left.
    const away = pushed(watcher, subject.id, inState('away'));
    active.socket.disconnect();
    expect(await away).toMatchObject({ state: 'away', roomId: null });

    // The last tab closes: offline, with the time it went.
    const before = Date.now();
    const offline = pushed(watcher, subject.id, inState('offline'));
    hidden.socket.disconnect();
    const gone = await offline;
    expect(Date.parse(gone.lastSeenAt!)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(gone.lastSeenAt!)).toBeLessThanOrEqual(Date.now() + 1000);
    expect(changesOf(watcher, subject.id).map((p) => p.state)).toEqual([
      'online',
      'away',
      'offline',
    ]);
    const later = await subscribe(watcher, { userIds: [subject.id] });
    expect(later.presences).toEqual([gone]);
  });

  it('busy wins over every connection, and the status text goes along until cleared', async () => {
    const { subject, observer } = await pair();
    const watcher = await connect(server, observer.token);
    await subscribe(watcher, { userIds: [subject.id] });
    const [tab] = await after(
      () => connect(server, subject.token),
      watcher,
      subject.id,
      inState('online'),
    );

    const busy = pushed(watcher, subject.id, inState('busy'));
    const answer = await update(tab, { busy: true, statusText: '  In a meeting 🎧  ' });
    expect(answer.presence).toMatchObject({
      userId: subject.id,
      state: 'busy',
      statusText: 'In a meeting 🎧',
    });
    expect(await busy).toMatchObject({ state: 'busy', statusText: 'In a meeting 🎧' });

    // A second tab that comes and goes does not lift busy.
    const second = await connect(server, subject.token);
    await update(second, { away: true });
    second.socket.disconnect();

    const online = pushed(watcher, subject.id, inState('online'));
    await update(tab, { busy: false });
    expect(await online).toMatchObject({ state: 'online', statusText: 'In a meeting 🎧' });
    const cleared = pushed(watcher, subject.id, (p) => p.statusText === null);
    await update(tab, { statusText: null });
    expect(await cleared).toMatchObject({ state: 'online', statusText: null });
    expect(changesOf(watcher, subject.id).map((p) => p.state)).toEqual([
      'online',
      'busy',
      'online',
      'online',
    ]);
  });

  it('in a call: in_call with the room, and with no room when the room is private', async () => {
    const { subject, observer, roomId } = await pair();
    const privateRoom = await room(subject, 'private');
    const watcher = await connect(server, observer.token);
    await subscribe(watcher, { userIds: [subject.id] });
    const [tab] = await after(
      () => connect(server, subject.token),
      watcher,
      subject.id,
      inState('online'),
    );

    const inCall = pushed(watcher, subject.id, inState('in_call'));
    await ok(tab, 'join_room', { roomId });
    expect(await inCall).toMatchObject({ state: 'in_call', roomId });
    const back = pushed(watcher, subject.id, inState('online'));
    await ok(tab, 'leave_room', { roomId });
    await back;

    const inPrivate = pushed(watcher, subject.id, inState('in_call'));
    await ok(tab, 'join_room', { roomId: privateRoom });
    expect(await inPrivate).toMatchObject({ state: 'in_call', roomId: null });
    // The observer may not know the private room exists; the snapshot hides it too.
    const snapshot = await subscribe(watcher, { userIds: [subject.id] });
    expect(snapshot.presences[0]).toMatchObject({ state: 'in_call', roomId: null });

    // Another active tab, not in the call: the user is reachable, so online.
    const online = pushed(watcher, subject.id, inState('online'));
    await connect(server, subject.token);
    await online;
  });

  it('a connection cut without a goodbye takes the user offline', async () => {
    const { subject, observer } = await pair();
    const watcher = await connect(server, observer.token);
    await subscribe(watcher, { userIds: [subject.id] });
    const [tab] = await after(
      () => connect(server, subject.token),
      watcher,
      subject.id,
      inState('online'),
    );
    const offline = pushed(watcher, subject.id, inState('offline'));
    tab.socket.io.engine.close();
    await offline;
  });

  // Socket.IO's heartbeat is the same in both modes; once is enough for this slow test.
  if (mode.inProcess)
    it('a connection that goes silent (no close, no answer) is offline within the 15 s timeout', async () => {
      const { subject, observer } = await pair();
      const watcher = await connect(server, observer.token);
      await subscribe(watcher, { userIds: [subject.id] });
      const [tab] = await after(
        () => connect(server, subject.token),
        watcher,
        subject.id,
        inState('online'),
      );
      const offline = pushed(watcher, subject.id, inState('offline'), 17_000);
      // Stop reading the TCP socket: the client neither closes nor answers the server's pings,
      // as a machine that lost its network does.
      const transport = tab.socket.io.engine.transport as unknown as {
        ws: { _socket: { pause(): void } };
      };
      const silencedAt = Date.now();
      transport.ws._socket.pause();
      await offline;
      expect(Date.now() - silencedAt).toBeLessThanOrEqual(15_500);
      tab.socket.io.engine.close();
    }, 25_000);

  it('a stranger who shares no room sees nothing and is pushed nothing; a shared room changes that, and leaving it ends it', async () => {
    const { subject, observer, roomId } = await pair();
    const stranger = await person('Stranger');
    const watcher = await connect(server, observer.token);
    const outsider = await connect(server, stranger.token);
    await subscribe(watcher, { userIds: [subject.id] });
    expect((await subscribe(outsider, { userIds: [subject.id] })).presences).toEqual([]);
    // Asking about a user that does not exist answers the same: nothing.
    expect(
      (await subscribe(outsider, { userIds: ['00000000-0000-4000-8000-000000000000'] })).presences,
    ).toEqual([]);

    const [tab] = await after(
      () => connect(server, subject.token),
      watcher,
      subject.id,
      inState('online'),
    );
    await after(() => update(tab, { busy: true }), watcher, subject.id, inState('busy'));
    await flush(outsider);
    expect(outsider.changes).toEqual([]);

    // The stranger joins the room: the earlier request by id takes effect, with the current state.
    const visible = pushed(outsider, subject.id);
    await joinRoom(stranger, roomId);
    expect(await visible).toMatchObject({ userId: subject.id, state: 'busy' });
    const online = pushed(outsider, subject.id, inState('online'));
    await update(tab, { busy: false });
    await online;

    // The stranger leaves: no more pushes, and a new request shows nothing.
    await leaveRoom(stranger, roomId);
    await waitUntil('the stranger no longer sees the subject', async () => {
      const s = await subscribe(outsider, { userIds: [subject.id] });
      return s.presences.length === 0;
    });
    const seenBefore = changesOf(outsider, subject.id).length;
    await after(
      () => update(tab, { statusText: 'Back soon' }),
      watcher,
      subject.id,
      (p) => p.statusText === 'Back soon',
    );
    await flush(outsider);
    expect(changesOf(outsider, subject.id)).toHaveLength(seenBefore);
  });

  it('a member removed by the owner stops seeing the others, and they stop seeing it', async () => {
    const owner = await person('Owner');
    const member = await person('Member');
    const roomId = await room(owner, 'private');
    await invite(owner, roomId, member);
    const ownerTab = await connect(server, owner.token);
    const memberTab = await connect(server, member.token);
    await subscribe(ownerTab, { userIds: [member.id] });
    await subscribe(memberTab, { userIds: [owner.id] });
    const res = await api(server, 'DELETE', `/api/rooms/${roomId}/members/${member.id}`, {
      token: owner.token,
    });
    expect(res.status).toBe(204);
    await waitUntil('neither sees the other', async () => {
      const [a, b] = await Promise.all([
        subscribe(ownerTab, { userIds: [member.id] }),
        subscribe(memberTab, { userIds: [owner.id] }),
      ]);
      return a.presences.length === 0 && b.presences.length === 0;
    });
    const before = [ownerTab.changes.length, memberTab.changes.length];
    await update(memberTab, { busy: true });
    await update(ownerTab, { busy: true });
    await Promise.all([flush(ownerTab), flush(memberTab)]);
    expect([ownerTab.changes.length, memberTab.changes.length]).toEqual(before);
  });

  it('a deleted room ends the following of those who shared only that room', async () => {
    const owner = await person('Owner');
    const member = await person('Member');
    const roomId = await room(owner);
    await joinRoom(member, roomId);
    const memberTab = await connect(server, member.token);
    await subscribe(memberTab, { sharedRooms: true });
    const [ownerTab] = await after(
      () => connect(server, owner.token),
      memberTab,
      owner.id,
      inState('online'),
    );
    const res = await api(server, 'DELETE', `/api/rooms/${roomId}`, { token: owner.token });
    expect(res.status).toBe(204);
    await waitUntil('the member no longer sees the owner', async () => {
      const s = await subscribe(memberTab, { userIds: [owner.id] });
      return s.presences.length === 0;
    });
    const before = changesOf(memberTab, owner.id).length;
    await update(ownerTab, { busy: true });
    await flush(ownerTab);
    await flush(memberTab);
    expect(changesOf(memberTab, owner.id)).toHaveLength(before);
  });

  it('sharedRooms follows everyone one shares a room with, and people who join later', async () => {
    const owner = await person('Owner');
    const early = await person('Early');
    const outsider = await person('Outsider');
    const roomId = await room(owner);
    await joinRoom(early, roomId);
    await room(outsider);
    const earlyTab = await connect(server, early.token);
    await connect(server, outsider.token);
    const ownerTab = await connect(server, owner.token);
    const snapshot = await subscribe(ownerTab, { sharedRooms: true });
    expect(snapshot.presences.map((p) => [p.userId, p.state])).toEqual([[early.id, 'online']]);

    const late = await person('Late');
    const lateTab = await connect(server, late.token);
    const joined = pushed(ownerTab, late.id);
    await joinRoom(late, roomId);
    expect(await joined).toMatchObject({ userId: late.id, state: 'online' });
    const away = pushed(ownerTab, late.id, inState('away'));
    await update(lateTab, { away: true });
    await away;
    await after(
      () => update(earlyTab, { statusText: 'hi' }),
      ownerTab,
      early.id,
      (p) => p.statusText === 'hi',
    );

    // Unsubscribing from the set stops every push of it.
    expect(await request(ownerTab, 'presence_unsubscribe', { sharedRooms: true })).toEqual({
      ok: true,
    });
    await update(earlyTab, { statusText: 'bye' });
    await update(lateTab, { away: false });
    await flush(earlyTab);
    await flush(lateTab);
    await flush(ownerTab);
    expect(ownerTab.changes.filter((p) => p.statusText === 'bye')).toEqual([]);
    // The push that announces a new member may cross its own first announcement: the same state
    // twice in a row is allowed, a wrong or missing one is not.
    expect(steps(changesOf(ownerTab, late.id))).toEqual(['online', 'away']);
    expect(changesOf(ownerTab, outsider.id)).toEqual([]);
  });

  it('unsubscribing by id stops the pushes of that user only', async () => {
    const { subject, observer, roomId } = await pair();
    const third = await person('Third');
    await joinRoom(third, roomId);
    const watcher = await connect(server, observer.token);
    await subscribe(watcher, { userIds: [subject.id, third.id] });
    const [subjectTab] = await after(
      () => connect(server, subject.token),
      watcher,
      subject.id,
      inState('online'),
    );
    const [thirdTab] = await after(
      () => connect(server, third.token),
      watcher,
      third.id,
      inState('online'),
    );
    expect(await request(watcher, 'presence_unsubscribe', { userIds: [subject.id] })).toEqual({
      ok: true,
    });
    await update(subjectTab, { busy: true });
    const thirdBusy = pushed(watcher, third.id, inState('busy'));
    await update(thirdTab, { busy: true });
    await thirdBusy;
    await flush(subjectTab);
    await flush(watcher);
    expect(changesOf(watcher, subject.id).map((p) => p.state)).toEqual(['online']);
  });

  if (mode.inProcess)
    it('last seen survives a restart of the server', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'minimeet-presence-'));
      const env = { DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}` };
      try {
        const first = await startTestServer(env);
        let subject: Person;
        let observer: Person;
        let lastSeenAt: string | null;
        try {
          const s = await registerUser(first, { displayName: 'Subject' });
          const o = await registerUser(first, { displayName: 'Observer' });
          subject = { id: s.user.id, token: s.accessToken, name: 'Subject' };
          observer = { id: o.user.id, token: o.accessToken, name: 'Observer' };
          const created = await api<RoomDetails>(first, 'POST', '/api/rooms', {
            token: subject.token,
            json: { name: 'Kept', visibility: 'public' },
          });
          await api(first, 'POST', `/api/rooms/${created.body.id}/join`, {
            token: observer.token,
            json: {},
          });
          const watcher = await connect(first, observer.token);
          await subscribe(watcher, { userIds: [subject.id] });
          const [tab] = await after(
            () => connect(first, subject.token),
            watcher,
            subject.id,
            inState('online'),
          );
          const offline = pushed(watcher, subject.id, inState('offline'));
          tab.socket.disconnect();
          lastSeenAt = (await offline).lastSeenAt;
          expect(lastSeenAt).not.toBeNull();
        } finally {
          await first.close();
        }
        const second = await startTestServer(env);
        try {
          const watcher = await connect(second, observer.token);
          const snapshot = await subscribe(watcher, { userIds: [subject.id] });
          expect(snapshot.presences).toEqual([
            { userId: subject.id, state: 'offline', roomId: null, statusText: null, lastSeenAt },
          ]);
        } finally {
          await second.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

  describe('guests', () => {
    it('are refused presence requests, and their calls give no one presence', async () => {
      const owner = await person('Host app');
      const key = await createApiKey(server, owner.token);
      const token = await createJoinToken(key, {
        identity: 'visitor',
        name: 'Visitor',
        grants: { room: 'guest-room' },
      });
      const guest = await connect(server, token);
      for (const [event, payload] of [
        ['presence_update', { away: true }],
        ['presence_subscribe', { sharedRooms: true }],
        ['presence_unsubscribe', { sharedRooms: true }],
      ] as const) {
        expect(await request(guest, event, payload), event).toMatchObject({
          ok: false,
          error: { code: 'forbidden', message: expect.stringContaining('guests') as unknown },
        });
      }
      // The owner shares the guest's room; joining its call makes no presence for the guest.
      const ownerTab = await connect(server, owner.token);
      await ok(guest, 'join_room', { roomId: 'guest-room' });
      const snapshot = await subscribe(ownerTab, { sharedRooms: true });
      expect(snapshot.presences).toEqual([]);
      expect(guest.socket.connected).toBe(true);
    });
  });

  describe('bad input', () => {
    it('answers bad payloads with validation_failed and keeps the connection', async () => {
      const p = await person();
      const tab = await connect(server, p.token);
      const bad: Array<[keyof ClientToServerEvents, unknown]> = [
        ['presence_update', {}],
        ['presence_update', { away: 'yes' }],
        ['presence_update', { busy: 1 }],
        ['presence_update', { statusText: 'x'.repeat(101) }],
        ['presence_update', { statusText: 'a\u0000b' }],
        ['presence_update', { away: true, extra: 1 }],
        ['presence_subscribe', {}],
        ['presence_subscribe', { userIds: [] }],
        ['presence_subscribe', { sharedRooms: false }],
        ['presence_subscribe', { userIds: [42] }],
        ['presence_subscribe', { userIds: [''] }],
        ['presence_subscribe', { userIds: Array.from({ length: 501 }, (_, i) => `u${i}`) }],
        ['presence_subscribe', { userIds: ['x'.repeat(65)] }],
        ['presence_unsubscribe', {}],
        ['presence_unsubscribe', { userIds: 'all' }],
      ];
      for (const [event, payload] of bad) {
        const result = await request(tab, event, payload);
        expect(result, `${event} ${JSON.stringify(payload).slice(0, 80)}`).toMatchObject({
          ok: false,
          error: { code: 'validation_failed', details: { issues: expect.any(Array) as unknown } },
        });
      }
      expect(tab.socket.connected).toBe(true);
      expect((await update(tab, { away: false })).presence.state).toBe('online');
    });

    it('survives garbage on every presence event and keeps serving', async () => {
      const { subject, observer } = await pair();
      const watcher = await connect(server, observer.token);
      await subscribe(watcher, { userIds: [subject.id] });
      const polluted = JSON.parse(
        '{"userIds":["a"],"__proto__":{"sharedRooms":true},"constructor":{"prototype":{"x":1}}}',
      ) as unknown;
      const payloads: unknown[] = [
        null,
        42,
        'presence',
        true,
        [],
        [{ away: true }],
        { away: null, busy: null, userIds: null, sharedRooms: null },
        { userIds: Array.from({ length: 5000 }, () => 'x') },
        { userIds: [{ $gt: '' }], sharedRooms: 'true' },
        { statusText: { toString: 'x' } },
        polluted,
        { statusText: 'x'.repeat(100_000) },
      ];
      for (const event of [
        'presence_update',
        'presence_subscribe',
        'presence_unsubscribe',
      ] as const) {
        const fuzzer = await connect(server, subject.token);
        for (const payload of payloads) {
          const result = await request(fuzzer, event, payload).catch((err: Error) => err);
          // A payload over the 64 KiB message limit closes the connection; anything else is answered.
          if (result instanceof Error) continue;
          expect(result, `${event} ${JSON.stringify(payload)?.slice(0, 80)}`).toMatchObject({
            ok: false,
            error: { code: 'validation_failed' },
          });
        }
        fuzzer.socket.disconnect();
      }
      const tab = await connect(server, subject.token);
      const [answer] = await after(
        () => update(tab, { busy: true }),
        watcher,
        subject.id,
        inState('busy'),
      );
      expect(answer.presence.state).toBe('busy');
      const health = await api(server, 'GET', '/api/health');
      expect(health.status).toBe(200);
    });
  });
});
