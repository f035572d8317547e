/**
 * Chat on a deployment of several real server processes sharing MariaDB and Redis: members on
 * different nodes of one room hear each other's messages once, the room's seq stays gap-free
 * under sends racing on both nodes, typing crosses nodes, a retry on the other node is answered
 * with the message already stored, and the chat rate limit is shared. Runs the built server:
 * build it first.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  PROTOCOL_VERSION,
  type AckResult,
  type ChatHistoryPage,
  type ChatHistorySlice,
  type ChatMessage,
  type ClientToServerEvents,
  type RoomDetails,
  type RoomInvite,
  type ServerToClientEvents,
} from '@minimeet/protocol';
import { startCluster, type ClusterNode, type RunningCluster } from '../test/cluster.js';
import { api, registerUser, waitUntil } from '../test/harness.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type ServerEventName = keyof ServerToClientEvents;
type Payload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];
type Session = Awaited<ReturnType<typeof registerUser>>;

/** A connected client that records every server event it receives, in order. */
interface Client {
  socket: ClientSocket;
  events: Array<{ event: ServerEventName; payload: unknown }>;
}

const open: ClientSocket[] = [];

afterEach(() => {
  while (open.length) open.pop()!.disconnect();
});

function connect(node: ClusterNode, token: string): Promise<Client> {
  const socket: ClientSocket = io(node.url, {
    auth: { token, protocolVersion: PROTOCOL_VERSION },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  open.push(socket);
  const client: Client = { socket, events: [] };
  socket.onAny((event: ServerEventName, payload: unknown) =>
    client.events.push({ event, payload }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no session within 5 s')), 5000);
    socket.once('session', () => {
      clearTimeout(timer);
      resolve(client);
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

function request<T extends object = Record<string, unknown>>(
  client: Client,
  event: keyof ClientToServerEvents,
  payload: unknown,
): Promise<AckResult<T>> {
  return (client.socket.timeout(10_000).emitWithAck as (e: string, p: unknown) => Promise<never>)(
    event,
    payload,
  );
}

let clientIds = 0;
const newClientId = () => `c-${process.pid}-${Date.now()}-${++clientIds}`;

/** Sends a message and returns the stored message, failing the test on an error answer. */
async function send(client: Client, roomId: string, text: string, clientId = newClientId()) {
  const result = await request<{ message: ChatMessage }>(client, 'chat_message', {
    roomId,
    clientId,
    text,
  });
  if (!result.ok) throw new Error(`send failed: ${result.error.code} ${result.error.message}`);
  return result.message;
}

async function subscribe(client: Client, roomId: string): Promise<ChatHistorySlice> {
  const result = await request<ChatHistorySlice>(client, 'chat_subscribe', { roomId });
  if (!result.ok) throw new Error(`subscribe failed: ${result.error.code} ${result.error.message}`);
  return result;
}

function seen<E extends ServerEventName>(client: Client, event: E): Array<Payload<E>> {
  return client.events.filter((e) => e.event === event).map((e) => e.payload as Payload<E>);
}

const received = (client: Client, roomId: string) =>
  seen(client, 'chat_message')
    .map((p) => p.message)
    .filter((m) => m.roomId === roomId);

const typingSeen = (client: Client, roomId: string) =>
  seen(client, 'chat_typing')
    .filter((p) => p.roomId === roomId)
    .map((p) => `${p.sender.displayName} ${p.typing ? 'on' : 'off'}`);

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('chat across server nodes (MariaDB + Redis, real processes)', () => {
  let cluster: RunningCluster;
  let node1: ClusterNode;
  let node2: ClusterNode;
  let owner: Session;
  let member: Session;
  let rooms = 0;

  /** A fresh private room of the owner (created on node 1), with `members` (joined on node 2). */
  async function room(members: Session[] = [member]): Promise<string> {
    rooms += 1;
    const res = await api<RoomDetails>(node1, 'POST', '/api/rooms', {
      token: owner.accessToken,
      json: { name: `Chat across nodes ${rooms}` },
    });
    expect(res.status).toBe(201);
    for (const who of members) {
      const invite = await api<RoomInvite>(node1, 'POST', `/api/rooms/${res.body.id}/invites`, {
        token: owner.accessToken,
        json: { role: 'member' },
      });
      const accepted = await api(node2, 'POST', `/api/invites/${invite.body.code}/accept`, {
        token: who.accessToken,
      });
      expect(accepted.status).toBe(200);
    }
    return res.body.id;
  }

  beforeAll(async () => {
    cluster = await startCluster({ label: 'chat.cluster', env: { RATE_LIMIT_CHAT: '10000/10' } });
    [node1, node2] = cluster.nodes as [ClusterNode, ClusterNode];
    owner = await registerUser(node1, { displayName: 'Owner' });
    member = await registerUser(node2, { displayName: 'Member' });
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  }, 60_000);

  it('a message sent on one node reaches a subscriber on the other once, and not its sender', async () => {
    const roomId = await room();
    const [sender, near, far] = await Promise.all([
      connect(node1, owner.accessToken),
      connect(node1, member.accessToken),
      connect(node2, member.accessToken),
    ]);
    for (const c of [sender, near, far]) await subscribe(c, roomId);

    const message = await send(sender, roomId, 'hello from node 1');
    expect(message).toMatchObject({ seq: 1, text: 'hello from node 1' });
    await waitUntil('both subscribers to receive the message', () =>
      [near, far].every((c) => received(c, roomId).length > 0),
    );
    // A reply from node 2 proves that nothing more of the first message was on its way.
    const reply = await send(far, roomId, 'hello from node 2');
    await waitUntil('the reply to reach node 1', () =>
      [sender, near].every((c) => received(c, roomId).some((m) => m.id === reply.id)),
    );
    expect(received(far, roomId)).toEqual([message]);
    expect(received(near, roomId)).toEqual([message, reply]);
    expect(received(sender, roomId)).toEqual([reply]);

    // An edit on node 2 reaches everyone, the sender's socket on node 1 too.
    const edited = await request<{ message: ChatMessage }>(far, 'chat_edit', {
      roomId,
      messageId: reply.id,
      text: 'hello again from node 2',
    });
    expect(edited.ok).toBe(true);
    await waitUntil('the edit to reach node 1', () =>
      seen(sender, 'chat_message_updated').some(
        (p) => p.message.text === 'hello again from node 2',
      ),
    );
  });

  it('keeps the seq gap-free under sends racing on both nodes, and everyone hears each once', async () => {
    const roomId = await room();
    const [a, b, watch1, watch2] = await Promise.all([
      connect(node1, owner.accessToken),
      connect(node2, member.accessToken),
      connect(node1, member.accessToken),
      connect(node2, owner.accessToken),
    ]);
    for (const c of [watch1, watch2]) await subscribe(c, roomId);
    const perSender = 20;
    const sent = await Promise.all(
      range(1, perSender).flatMap((i) => [send(a, roomId, `a${i}`), send(b, roomId, `b${i}`)]),
    );
    const total = perSender * 2;
    expect(sent.map((m) => m.seq).sort((x, y) => x - y)).toEqual(range(1, total));
    for (const watcher of [watch1, watch2]) {
      await waitUntil(
        'every message to reach a watcher',
        () => received(watcher, roomId).length >= total,
      );
      const seqs = received(watcher, roomId).map((m) => m.seq);
      expect([...seqs].sort((x, y) => x - y)).toEqual(range(1, total));
    }
    // Both nodes read the same history.
    for (const node of [node1, node2]) {
      const page = await api<ChatHistoryPage>(
        node,
        'GET',
        `/api/rooms/${roomId}/messages?afterSeq=0&limit=100`,
        { token: owner.accessToken },
      );
      expect(page.body.items.map((m) => m.seq)).toEqual(range(1, total));
    }
  });

  it('typing crosses nodes: one throttle, a false from the other node, a closed socket on either', async () => {
    const roomId = await room();
    const [typist1, typist2, listener] = await Promise.all([
      connect(node1, owner.accessToken),
      connect(node2, owner.accessToken),
      connect(node2, member.accessToken),
    ]);
    await subscribe(listener, roomId);
    const typing = (c: Client, on: boolean) => request(c, 'chat_typing', { roomId, typing: on });

    expect(await typing(typist1, true)).toEqual({ ok: true });
    await waitUntil('the listener on node 2 to hear the owner type', () =>
      typingSeen(listener, roomId).includes('Owner on'),
    );
    // The same person on node 2 within the throttle window: no second announcement…
    expect(await typing(typist2, true)).toEqual({ ok: true });
    // …and a false there ends what began on node 1, once.
    expect(await typing(typist2, false)).toEqual({ ok: true });
    await waitUntil('the listener to hear the owner stop', () =>
      typingSeen(listener, roomId).includes('Owner off'),
    );
    expect(typingSeen(listener, roomId)).toEqual(['Owner on', 'Owner off']);
    expect(await typing(typist2, false)).toEqual({ ok: true });

    // The socket on node 1 that said true closes: the listener on node 2 hears the owner stop.
    await typing(typist1, true);
    await waitUntil('the owner to type again', () => typingSeen(listener, roomId).length === 3);
    typist1.socket.disconnect();
    await waitUntil(
      'the closed socket to end the typing',
      () => typingSeen(listener, roomId).length === 4,
    );
    expect(typingSeen(listener, roomId)).toEqual([
      'Owner on',
      'Owner off',
      'Owner on',
      'Owner off',
    ]);

    // Sending a message on node 2 ends typing begun there, before the message arrives.
    const back = await connect(node1, owner.accessToken);
    await subscribe(back, roomId);
    await typing(listener, true);
    await waitUntil('the owner on node 1 to see the member type', () =>
      typingSeen(back, roomId).includes('Member on'),
    );
    const message = await send(listener, roomId, 'typed it');
    await waitUntil('the message to reach node 1', () =>
      received(back, roomId).some((m) => m.id === message.id),
    );
    expect(typingSeen(back, roomId)).toEqual(['Member on', 'Member off']);
    const order = back.events
      .filter((e) => e.event === 'chat_typing' || e.event === 'chat_message')
      .map((e) => e.event);
    expect(order).toEqual(['chat_typing', 'chat_typing', 'chat_message']);
  });

  it('a retry with the same client id on the other node answers with the message already stored', async () => {
    const roomId = await room();
    const [on1, on2, watcher] = await Promise.all([
      connect(node1, owner.accessToken),
      connect(node2, owner.accessToken),
      connect(node2, member.accessToken),
    ]);
    await subscribe(watcher, roomId);
    const clientId = newClientId();
    const first = await send(on1, roomId, 'only once', clientId);
    const retry = await send(on2, roomId, 'only once', clientId);
    expect(retry).toEqual(first);

    // Both copies racing on both nodes at once: one message, the same answer for both.
    const raced = newClientId();
    const [x, y] = await Promise.all([
      send(on1, roomId, 'raced', raced),
      send(on2, roomId, 'raced', raced),
    ]);
    expect(x).toEqual(y);
    expect(x.seq).toBe(2);

    const last = await send(on1, roomId, 'after the retries');
    expect(last.seq).toBe(3);
    await waitUntil('the last message to reach the watcher', () =>
      received(watcher, roomId).some((m) => m.id === last.id),
    );
    expect(received(watcher, roomId).map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it('shares the chat rate limit of a person between nodes', async () => {
    const limited = { RATE_LIMIT_CHAT: '5/60' };
    const nodes = await Promise.all([cluster.addNode(limited), cluster.addNode(limited)]);
    // People who have not chatted yet: the counters are shared, so earlier sends would count.
    const [chatty, quiet] = await Promise.all([
      registerUser(node1, { displayName: 'Chatty' }),
      registerUser(node2, { displayName: 'Quiet' }),
    ]);
    const roomId = await room([chatty, quiet]);
    const sockets = await Promise.all(nodes.map((node) => connect(node, chatty.accessToken)));
    const outcomes: string[] = [];
    for (let i = 0; i < 8; i++) {
      const result = await request<{ message: ChatMessage }>(sockets[i % 2], 'chat_message', {
        roomId,
        clientId: newClientId(),
        text: `message ${i}`,
      });
      outcomes.push(result.ok ? 'ok' : result.error.code);
    }
    expect(outcomes).toEqual([
      ...Array<string>(5).fill('ok'),
      ...Array<string>(3).fill('rate_limited'),
    ]);
    // Someone else still gets through.
    const other = await connect(nodes[1], quiet.accessToken);
    await expect(send(other, roomId, 'still allowed')).resolves.toMatchObject({ seq: 6 });
  });
});

describe('chat through a server process on a SQLite file (group commit, deferred indexing, checkpoint thread)', () => {
  let dir: string;
  let file: string;
  let cluster: RunningCluster | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'minimeet-chat-file-'));
    file = join(dir, 'minimeet.sqlite');
  });

  afterAll(async () => {
    await cluster?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** One node on the file (without Redis: a deployment of one). */
  const start = async () => {
    cluster = await startCluster({
      label: 'chat.file',
      nodes: 1,
      database: 'sqlite',
      env: {
        DATABASE_URL: `sqlite:${file}`,
        DATABASE_MIGRATIONS_RUN: 'true',
        REDIS_URL: '',
        RATE_LIMIT_CHAT: '10000/10',
        RATE_LIMIT_SOCKET_REQUESTS: '10000/10',
      },
    });
    return cluster.nodes[0];
  };

  it('stores a burst in order with gap-free seqs, indexes it for search, and keeps it across a restart', async () => {
    let node = await start();
    const owner = await registerUser(node, { displayName: 'Owner' });
    const res = await api<RoomDetails>(node, 'POST', '/api/rooms', {
      token: owner.accessToken,
      json: { name: 'On a file' },
    });
    const roomId = res.body.id;
    const [a, b] = await Promise.all([
      connect(node, owner.accessToken),
      connect(node, owner.accessToken),
    ]);
    await subscribe(b, roomId);
    const texts = range(1, 120).map((i) => `burst message ${i}`);
    // All in flight at once: they share transactions, and search indexes them a moment later.
    const stored = await Promise.all(texts.map((t) => send(a, roomId, t)));
    expect(stored.map((m) => m.seq).sort((x, y) => x - y)).toEqual(range(1, 120));
    await waitUntil('the other tab to receive all 120', () => received(b, roomId).length === 120);
    const search = await api<{ items: unknown[] }>(
      node,
      'GET',
      `/api/search/messages?q=burst&roomId=${roomId}&limit=100`,
      { token: owner.accessToken },
    );
    expect(search.status).toBe(200);
    expect(search.body.items).toHaveLength(100);
    // A retry of a stored message is answered with it, and stores nothing.
    const again = await request<{ message: ChatMessage }>(a, 'chat_message', {
      roomId,
      clientId: stored[7].clientId,
      text: stored[7].text,
    });
    expect(again).toMatchObject({ ok: true, message: { id: stored[7].id, seq: stored[7].seq } });

    await cluster!.close();
    cluster = undefined;
    node = await start();
    const login = await api<{ accessToken: string }>(node, 'POST', '/api/auth/login', {
      json: { email: owner.user.email, password: owner.password },
    });
    expect(login.status).toBe(200);
    const c = await connect(node, login.body.accessToken);
    const slice = await subscribe(c, roomId);
    expect(slice.lastSeq).toBe(120);
    expect((await send(c, roomId, 'after the restart')).seq).toBe(121);
    // Searchable at once: the search has the store index what it has not yet.
    const later = await api<{ items: Array<{ message: ChatMessage }> }>(
      node,
      'GET',
      `/api/search/messages?q=restart&roomId=${roomId}`,
      { token: login.body.accessToken },
    );
    expect(later.body.items.map((i) => i.message.seq)).toEqual([121]);
  }, 120_000);
});
