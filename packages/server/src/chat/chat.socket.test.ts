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
  type SessionInfo,
} from '@minimeet/protocol';
import { createJoinToken } from '@minimeet/host';
import { EventBus, type ServerEvents } from '../common/event-bus.js';
import type { RunningServer } from '../main.js';
import { api, createApiKey, registerUser, startTestServer, waitUntil } from '../test/harness.js';
import { TYPING_THROTTLE_MS, TYPING_TIMEOUT_MS } from './typing-store.js';
import { waitForEvent } from '../test/sockets.js';

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

async function connect(server: RunningServer, token: string): Promise<Client> {
  const socket: ClientSocket = io(server.url, {
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

function request<T extends object = Record<string, unknown>>(
  client: Client,
  event: keyof ClientToServerEvents,
  payload: unknown,
): Promise<AckResult<T>> {
  return (client.socket.timeout(5000).emitWithAck as (e: string, p: unknown) => Promise<never>)(
    event,
    payload,
  );
}

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

async function subscribe(client: Client, roomId: string, extra: Record<string, unknown> = {}) {
  const result = await request<ChatHistorySlice>(client, 'chat_subscribe', { roomId, ...extra });
  if (!result.ok) throw new Error(`subscribe failed: ${result.error.code} ${result.error.message}`);
  return result;
}

/** Resolves with the first `event` the client receives (from now on) that matches. */
function waitFor<E extends ServerEventName>(
  client: Client,
  event: E,
  match: (payload: Payload<E>) => boolean = () => true,
  timeoutMs = 5000,
): Promise<Payload<E>> {
  return waitForEvent(client.socket, event, match, timeoutMs);
}

function seen<E extends ServerEventName>(client: Client, event: E): Array<Payload<E>> {
  return client.events.filter((e) => e.event === event).map((e) => e.payload as Payload<E>);
}

const received = (client: Client) => seen(client, 'chat_message').map((p) => p.message);

let clientIds = 0;
const newClientId = () => `c-${process.pid}-${Date.now()}-${++clientIds}`;

/** A server with REST rooms: an owner (who also holds an API key for guests), and helpers. */
async function setup(server: RunningServer) {
  const owner = await registerUser(server, { displayName: 'Owner' });
  const key = await createApiKey(server, owner.accessToken);
  let n = 0;
  const createRoom = async (json: Record<string, unknown> = {}) => {
    const res = await api<RoomDetails>(server, 'POST', '/api/rooms', {
      token: owner.accessToken,
      json: { name: 'Chat room', ...json },
    });
    expect(res.status).toBe(201);
    return res.body.id;
  };
  const invite = async (roomId: string, who: Session, role = 'member') => {
    const created = await api<RoomInvite>(server, 'POST', `/api/rooms/${roomId}/invites`, {
      token: owner.accessToken,
      json: { role },
    });
    const accepted = await api(server, 'POST', `/api/invites/${created.body.code}/accept`, {
      token: who.accessToken,
    });
    expect(accepted.status).toBe(200);
  };
  const guest = async (room: string, grants: Record<string, unknown> = {}) => {
    n += 1;
    const token = await createJoinToken(key, {
      identity: `guest-${n}`,
      name: `Guest ${n}`,
      grants: { room, ...grants },
    });
    return connect(server, token);
  };
  return { owner, createRoom, invite, guest };
}

describe('chat over the socket', () => {
  let server: RunningServer;
  let cast: Awaited<ReturnType<typeof setup>>;
  let bus: EventBus;
  const created: Array<ServerEvents['chat.message_created']> = [];

  beforeAll(async () => {
    server = await startTestServer({ RATE_LIMIT_CHAT: '10000/10' });
    cast = await setup(server);
    bus = server.app.get(EventBus);
    bus.on('chat.message_created', (e) => void created.push(e));
  });
  afterAll(() => server.close());

  /** A private room with the owner, a moderator and a member, each with a connected socket. */
  async function people() {
    const roomId = await cast.createRoom();
    const [moderator, member, stranger] = await Promise.all([
      registerUser(server, { displayName: 'Moderator' }),
      registerUser(server, { displayName: 'Member' }),
      registerUser(server, { displayName: 'Stranger' }),
    ]);
    await cast.invite(roomId, moderator, 'moderator');
    await cast.invite(roomId, member);
    const [o, m, u, s] = await Promise.all([
      connect(server, cast.owner.accessToken),
      connect(server, moderator.accessToken),
      connect(server, member.accessToken),
      connect(server, stranger.accessToken),
    ]);
    return { roomId, owner: o, moderator: m, member: u, stranger: s, memberSession: member };
  }

  it('a message reaches the other subscribers and the sender’s other tabs, not the sending socket; the ack is the stored message', async () => {
    const { roomId, owner, member } = await people();
    const ownerTab2 = await connect(server, cast.owner.accessToken);
    for (const c of [owner, ownerTab2, member]) await subscribe(c, roomId);
    const before = Date.now();
    const atMember = waitFor(member, 'chat_message');
    const atTab2 = waitFor(ownerTab2, 'chat_message');
    const clientId = newClientId();
    const result = await request<{ message: ChatMessage }>(owner, 'chat_message', {
      roomId,
      clientId,
      text: 'Hello, room',
    });
    expect(result).toMatchObject({
      ok: true,
      message: {
        roomId,
        clientId,
        seq: 1,
        text: 'Hello, room',
        sender: { id: cast.owner.user.id, displayName: 'Owner', avatarUrl: null },
        editedAt: null,
        deletedAt: null,
        reactions: [],
      },
    });
    if (!result.ok) return;
    expect(result.message.id).toMatch(/^msg_[A-Za-z0-9_-]{20}$/);
    const at = Date.parse(result.message.createdAt);
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(Date.now());
    expect((await atMember).message).toEqual(result.message);
    expect((await atTab2).message).toEqual(result.message);
    expect(created.map((e) => e.message.id)).toContain(result.message.id);
    // A later message from the member arrives at the sending socket: the first one never did.
    const next = waitFor(owner, 'chat_message');
    expect((await send(member, roomId, 'Hi!')).seq).toBe(2);
    expect((await next).message.text).toBe('Hi!');
    expect(received(owner).map((m) => m.text)).toEqual(['Hi!']);
  });

  it('a retried clientId answers with the stored message: stored once, broadcast once, seq not bumped', async () => {
    const { roomId, owner, member } = await people();
    await subscribe(member, roomId);
    const clientId = newClientId();
    const payload = { roomId, clientId, text: 'Only once' };
    // The first attempt "timed out" on the client, which sends again, twice, while it is in flight.
    const answers = await Promise.all([
      request<{ message: ChatMessage }>(owner, 'chat_message', payload),
      request<{ message: ChatMessage }>(owner, 'chat_message', payload),
      request<{ message: ChatMessage }>(owner, 'chat_message', payload),
    ]);
    const later = await request<{ message: ChatMessage }>(owner, 'chat_message', payload);
    // And once more from another tab (a reconnect on a new socket).
    const tab2 = await connect(server, cast.owner.accessToken);
    const fromTab2 = await request<{ message: ChatMessage }>(tab2, 'chat_message', payload);
    const messages = [...answers, later, fromTab2].map((a) => (a.ok ? a.message : a.error));
    expect(new Set(messages.map((m) => JSON.stringify(m))).size).toBe(1);
    expect(messages[0]).toMatchObject({ seq: 1, text: 'Only once', clientId });
    const next = waitFor(member, 'chat_message', (p) => p.message.text === 'Next');
    expect((await send(owner, roomId, 'Next')).seq).toBe(2);
    await next;
    expect(received(member).map((m) => m.text)).toEqual(['Only once', 'Next']);
    expect(created.filter((e) => e.message.clientId === clientId)).toHaveLength(1);
    const history = await subscribe(owner, roomId);
    expect(history.messages.map((m) => m.text)).toEqual(['Only once', 'Next']);
  });

  it('the same clientId from two users are two messages; clientIds differing only in case are two messages', async () => {
    const { roomId, owner, member } = await people();
    const a = await send(owner, roomId, 'mine', 'SameClientId1');
    const b = await send(member, roomId, 'yours', 'SameClientId1');
    const c = await send(owner, roomId, 'other case', 'sameclientid1');
    expect([a.seq, b.seq, c.seq]).toEqual([1, 2, 3]);
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
  });

  it('20 concurrent sends from four sockets get seqs 1 to 20, no gap, no duplicate', async () => {
    const { roomId, owner, moderator, member } = await people();
    const ownerTab2 = await connect(server, cast.owner.accessToken);
    const senders = [owner, moderator, member, ownerTab2];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => send(senders[i % 4], roomId, `message ${i}`)),
    );
    expect(results.map((m) => m.seq).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    const history = await subscribe(owner, roomId);
    expect(history.messages.map((m) => m.seq)).toEqual(
      results.map((m) => m.seq).sort((x, y) => x - y),
    );
    expect(history.lastSeq).toBe(20);
    expect(history.hasMore).toBe(false);
  });

  it('two sockets racing one clientId store one message', async () => {
    const { roomId, owner } = await people();
    const tabs = [
      owner,
      ...(await Promise.all([1, 2, 3].map(() => connect(server, cast.owner.accessToken)))),
    ];
    const clientId = newClientId();
    const answers = await Promise.all(tabs.map((t) => send(t, roomId, 'racing', clientId)));
    expect(new Set(answers.map((m) => m.id)).size).toBe(1);
    expect((await send(owner, roomId, 'after')).seq).toBe(2);
  });

  it('edits and deletions follow the permission matrix', async () => {
    const { roomId, owner, moderator, member } = await people();
    for (const c of [owner, moderator, member]) await subscribe(c, roomId);
    const byMember = await send(member, roomId, 'member wrote');
    const byModerator = await send(moderator, roomId, 'moderator wrote');
    const byOwner = await send(owner, roomId, 'owner wrote');
    const edit = (c: Client, m: ChatMessage, text: string) =>
      request<{ message: ChatMessage }>(c, 'chat_edit', { roomId, messageId: m.id, text });
    const del = (c: Client, m: ChatMessage) =>
      request<{ message: ChatMessage }>(c, 'chat_delete', { roomId, messageId: m.id });

    const edited = waitFor(owner, 'chat_message_updated', (p) => p.change === 'edited');
    const own = await edit(member, byMember, 'member fixed a typo');
    expect(own).toMatchObject({
      ok: true,
      message: { id: byMember.id, seq: byMember.seq, text: 'member fixed a typo' },
    });
    if (own.ok) expect(own.message.editedAt).not.toBeNull();
    expect((await edited).message).toMatchObject({ id: byMember.id, text: 'member fixed a typo' });

    for (const [who, target] of [
      [member, byOwner],
      [moderator, byMember],
      [owner, byMember],
    ] as const) {
      expect(await edit(who, target, 'not yours')).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
    }
    expect(await del(member, byModerator)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await del(member, byOwner)).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const deleted = waitFor(member, 'chat_message_updated', (p) => p.change === 'deleted');
    const byMod = await del(moderator, byMember);
    expect(byMod).toMatchObject({
      ok: true,
      message: { id: byMember.id, text: '', reactions: [] },
    });
    if (byMod.ok) expect(byMod.message.deletedAt).not.toBeNull();
    expect((await deleted).message.id).toBe(byMember.id);
    expect(await del(owner, byModerator)).toMatchObject({ ok: true, message: { text: '' } });
    expect(await del(moderator, byOwner)).toMatchObject({ ok: true, message: { text: '' } });
    // Deleted: nobody can edit it, deleting again changes nothing.
    expect(await edit(member, byMember, 'back from the dead')).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    expect(await del(member, byMember)).toMatchObject({
      ok: true,
      message: { text: '', id: byMember.id },
    });

    const unknown = await request(member, 'chat_edit', {
      roomId,
      messageId: 'msg_AAAAAAAAAAAAAAAA',
      text: 'x',
    });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const history = await subscribe(member, roomId);
    expect(history.messages.map((m) => [m.seq, m.text])).toEqual([
      [1, ''],
      [2, ''],
      [3, ''],
    ]);
  });

  it('a guest with canChat chats; a guest without it reads but cannot write, edit, delete or react', async () => {
    const roomId = await cast.createRoom();
    const owner = await connect(server, cast.owner.accessToken);
    const talker = await cast.guest(roomId);
    const reader = await cast.guest(roomId, { canChat: false, canSubscribe: false });
    const moderatorGuest = await cast.guest(roomId, { role: 'moderator' });
    await subscribe(reader, roomId);
    const arrived = waitFor(reader, 'chat_message');
    const fromGuest = await send(talker, roomId, 'a guest says hi');
    expect(fromGuest.sender).toMatchObject({
      displayName: expect.stringMatching(/^Guest \d+$/) as unknown,
    });
    expect((await arrived).message.id).toBe(fromGuest.id);
    const fromOwner = await send(owner, roomId, 'owner');
    const refused: Array<[keyof ClientToServerEvents, Record<string, unknown>]> = [
      ['chat_message', { roomId, clientId: newClientId(), text: 'let me in' }],
      ['chat_edit', { roomId, messageId: fromGuest.id, text: 'x' }],
      ['chat_delete', { roomId, messageId: fromGuest.id }],
      ['chat_react', { roomId, messageId: fromGuest.id, emoji: '👍', add: true }],
      ['chat_typing', { roomId, typing: true }],
    ];
    for (const [event, payload] of refused)
      expect(await request(reader, event, payload), event).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
    // A guest moderator may delete anyone's message; a guest member only its own.
    expect(await request(talker, 'chat_delete', { roomId, messageId: fromOwner.id })).toMatchObject(
      { ok: false, error: { code: 'forbidden' } },
    );
    expect(
      await request(moderatorGuest, 'chat_delete', { roomId, messageId: fromOwner.id }),
    ).toMatchObject({ ok: true });
    const history = await request<ChatHistorySlice>(reader, 'chat_history', { roomId });
    expect(history).toMatchObject({ ok: true, lastSeq: 2 });
  });

  it('reactions group by emoji in order of first use, are idempotent, and are capped at 20 emoji', async () => {
    const { roomId, owner, moderator, member } = await people();
    await subscribe(owner, roomId);
    const m = await send(owner, roomId, 'react to me');
    const react = (c: Client, emoji: string, add = true) =>
      request<{ message: ChatMessage }>(c, 'chat_react', { roomId, messageId: m.id, emoji, add });
    expect(await react(member, '👍')).toMatchObject({ ok: true });
    expect(await react(moderator, '🎉')).toMatchObject({ ok: true });
    const updated = waitFor(
      owner,
      'chat_message_updated',
      (p) => p.change === 'reactions' && p.message.reactions[0]?.count === 2,
    );
    const both = await react(moderator, '👍');
    expect((await updated).message.reactions).toEqual([
      { emoji: '👍', count: 2, principalIds: [expect.any(String), expect.any(String)] },
      { emoji: '🎉', count: 1, principalIds: [expect.any(String)] },
    ]);
    expect(both.ok && both.message.reactions).toHaveLength(2);
    // 😀 and 👍 differ (some collations think all emoji equal); skin tones and ZWJ sequences too.
    expect(await react(member, '😀')).toMatchObject({ ok: true });
    expect(await react(member, '👍🏽')).toMatchObject({ ok: true });
    expect(await react(member, '👩🏽‍💻')).toMatchObject({ ok: true });
    const updates = seen(owner, 'chat_message_updated').length;
    // Again: nothing changes and nothing is broadcast.
    const again = await react(member, '👍');
    expect(again.ok && again.message.reactions.map((r) => [r.emoji, r.count])).toEqual([
      ['👍', 2],
      ['🎉', 1],
      ['😀', 1],
      ['👍🏽', 1],
      ['👩🏽‍💻', 1],
    ]);
    const removed = await react(moderator, '🎉', false);
    expect(removed.ok && removed.message.reactions.map((r) => r.emoji)).toEqual([
      '👍',
      '😀',
      '👍🏽',
      '👩🏽‍💻',
    ]);
    expect(await react(moderator, '🎉', false)).toMatchObject({ ok: true });
    await waitUntil(
      'the removal is broadcast',
      () => seen(owner, 'chat_message_updated').length === updates + 1,
    );
    expect(
      seen(owner, 'chat_message_updated')
        .at(-1)
        ?.message.reactions.map((r) => r.emoji),
    ).toEqual(['👍', '😀', '👍🏽', '👩🏽‍💻']);

    const many = [
      '🍎',
      '🍐',
      '🍊',
      '🍋',
      '🍌',
      '🍉',
      '🍇',
      '🍓',
      '🫐',
      '🍈',
      '🍒',
      '🍑',
      '🥭',
      '🍍',
      '🥥',
      '🥝',
    ];
    for (const emoji of many) expect(await react(member, emoji), emoji).toMatchObject({ ok: true });
    expect(await react(member, '🥑')).toMatchObject({ ok: false, error: { code: 'conflict' } });
    // An emoji already there can still gain people.
    expect(await react(owner, '🍎')).toMatchObject({ ok: true });
    for (const emoji of ['not an emoji', '👍👍', '', 'a']) {
      expect(await react(member, emoji), emoji).toMatchObject({
        ok: false,
        error: { code: 'validation_failed' },
      });
    }
    const deleted = await request<{ message: ChatMessage }>(owner, 'chat_delete', {
      roomId,
      messageId: m.id,
    });
    expect(deleted).toMatchObject({ ok: true, message: { reactions: [] } });
    expect(await react(member, '👍')).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('typing is announced at most once per throttle window, stops on false, on send, and on disconnect', async () => {
    const { roomId, owner, member } = await people();
    await subscribe(member, roomId);
    await subscribe(owner, roomId);
    const typing = (c: Client, on: boolean) => request(c, 'chat_typing', { roomId, typing: on });
    const first = waitFor(member, 'chat_typing');
    for (let i = 0; i < 4; i++) expect(await typing(owner, true)).toEqual({ ok: true });
    expect(await first).toEqual({
      roomId,
      typing: true,
      sender: { id: cast.owner.user.id, displayName: 'Owner', avatarUrl: null },
    });
    const stopped = waitFor(member, 'chat_typing', (p) => !p.typing);
    expect(await typing(owner, false)).toEqual({ ok: true });
    await stopped;
    expect(seen(member, 'chat_typing').map((p) => p.typing)).toEqual([true, false]);
    expect(seen(owner, 'chat_typing')).toEqual([]);
    // A false when not typing says nothing.
    expect(await typing(owner, false)).toEqual({ ok: true });

    // Still typing after the throttle window: announced again, once.
    const again = waitFor(member, 'chat_typing', (p) => p.typing);
    await typing(owner, true);
    await again;
    const start = Date.now();
    await waitUntil(
      'the throttle window passes',
      () => Date.now() - start > TYPING_THROTTLE_MS + 100,
      { timeoutMs: TYPING_THROTTLE_MS + 1000 },
    );
    const renewed = waitFor(member, 'chat_typing', (p) => p.typing);
    await typing(owner, true);
    await renewed;

    // Sending the message ends typing.
    const endedBySend = waitFor(member, 'chat_typing', (p) => !p.typing);
    await send(owner, roomId, 'done typing');
    await endedBySend;

    // A disconnect ends typing.
    const endedByDisconnect = waitFor(owner, 'chat_typing', (p) => !p.typing);
    await typing(member, true);
    member.socket.disconnect();
    expect((await endedByDisconnect).sender.displayName).toBe('Member');
  });

  it('typing that is not refreshed stops by itself after a few seconds', async () => {
    const { roomId, owner, member } = await people();
    await subscribe(member, roomId);
    const on = waitFor(member, 'chat_typing', (p) => p.typing);
    await request(owner, 'chat_typing', { roomId, typing: true });
    await on;
    const start = Date.now();
    await waitFor(member, 'chat_typing', (p) => !p.typing, TYPING_TIMEOUT_MS + 3000);
    expect(Date.now() - start).toBeGreaterThanOrEqual(TYPING_TIMEOUT_MS - 500);
  });

  it('refuses empty, blank, control characters and bad payloads with validation_failed; nothing is stored', async () => {
    const { roomId, owner } = await people();
    const bad = [
      '',
      '   ',
      '\n\t \r\n',
      'bell \u0007',
      'nul \u0000 inside',
      'escape \u001b[31m',
      'lone \ud800 surrogate',
      'x'.repeat(16_001),
    ];
    for (const text of bad) {
      const result = await request(owner, 'chat_message', {
        roomId,
        clientId: newClientId(),
        text,
      });
      expect(result, JSON.stringify(text.slice(0, 20))).toMatchObject({
        ok: false,
        error: { code: 'validation_failed', details: { issues: [{ path: 'text' }] } },
      });
    }
    const history = await subscribe(owner, roomId);
    expect(history).toMatchObject({ messages: [], lastSeq: 0, hasMore: false });
  });

  it('answers garbage on every chat event with validation_failed and keeps serving everyone', async () => {
    const { roomId, owner, member } = await people();
    await subscribe(member, roomId);
    const m = await send(owner, roomId, 'still here');
    const polluted = JSON.parse(
      `{"roomId":"${roomId}","clientId":"abcdefgh1","text":"x","__proto__":{"ok":true},"constructor":{"prototype":{"x":1}}}`,
    ) as unknown;
    const payloads: unknown[] = [
      null,
      42,
      'chat',
      true,
      [],
      [{ roomId }],
      {},
      { roomId: null, clientId: null, text: null, messageId: null, emoji: null, typing: null },
      {
        roomId: 7,
        clientId: ['x'],
        text: { a: 1 },
        messageId: 5,
        emoji: 3,
        add: 'yes',
        typing: 'yes',
      },
      { roomId, clientId: 'short', text: 'x' },
      { roomId, clientId: 'a'.repeat(65), text: 'x' },
      { roomId, clientId: 'has space!', text: 'x' },
      { roomId, messageId: 'nope', text: 'x', emoji: '👍', add: true },
      { roomId, messageId: m.id, text: 'x', extra: 1, emoji: '👍', add: true, typing: true },
      { roomId, afterSeq: -1, beforeSeq: -1, limit: 0 },
      { roomId, afterSeq: 1.5, limit: 1000 },
      { roomId, afterSeq: 1, beforeSeq: 5 },
      { roomId, afterSeq: '1', limit: '10' },
      polluted,
      { roomId: 'x'.repeat(10_000), text: 'y'.repeat(20_000), clientId: 'z'.repeat(10_000) },
      { roomId: '../../etc', clientId: 'abcdefgh1', text: 'x', messageId: m.id, typing: true },
    ];
    const events: Array<keyof ClientToServerEvents> = [
      'chat_message',
      'chat_edit',
      'chat_delete',
      'chat_react',
      'chat_typing',
      'chat_subscribe',
      'chat_unsubscribe',
      'chat_history',
    ];
    for (const event of events) {
      // A connection of its own per event stays well inside the per-connection request budget.
      const fuzzer = await connect(server, cast.owner.accessToken);
      for (const payload of payloads) {
        const result = await request(fuzzer, event, payload);
        expect(result, `${event} ${JSON.stringify(payload)?.slice(0, 200)}`).toMatchObject({
          ok: false,
          error: { code: 'validation_failed' },
        });
      }
      expect(fuzzer.socket.connected).toBe(true);
      expect(await request(fuzzer, 'ping', { t: 1 })).toMatchObject({ ok: true, t: 1 });
    }
    expect(({} as Record<string, unknown>).ok).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    const history = await subscribe(owner, roomId);
    expect(history.messages.map((x) => x.text)).toEqual(['still here']);
    const next = waitFor(member, 'chat_message', (p) => p.message.text === 'after the storm');
    await send(owner, roomId, 'after the storm');
    await next;
    expect(received(member).map((x) => x.text)).toEqual(['still here', 'after the storm']);
  });

  it('refuses non-members: a private room is not found, a public one is forbidden until joined', async () => {
    const { roomId, stranger } = await people();
    const payloads: Array<[keyof ClientToServerEvents, Record<string, unknown>]> = [
      ['chat_message', { roomId, clientId: newClientId(), text: 'let me in' }],
      ['chat_subscribe', { roomId }],
      ['chat_history', { roomId }],
      ['chat_typing', { roomId, typing: true }],
      ['chat_delete', { roomId, messageId: 'msg_AAAAAAAAAAAAAAAA' }],
    ];
    for (const [event, payload] of payloads)
      expect(await request(stranger, event, payload), event).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      });
    expect(await request(stranger, 'chat_subscribe', { roomId: 'no-such-room' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });

    const publicRoom = await cast.createRoom({ visibility: 'public' });
    const owner = await connect(server, cast.owner.accessToken);
    await send(owner, publicRoom, 'members only');
    for (const [event, payload] of payloads)
      expect(
        await request(stranger, event, { ...payload, roomId: publicRoom }),
        event,
      ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // Joining the call makes a member of a public room; then the chat is open, history included.
    const joined = await request(stranger, 'join_room', { roomId: publicRoom });
    expect(joined).toMatchObject({ ok: true });
    expect((await subscribe(stranger, publicRoom)).messages.map((m) => m.text)).toEqual([
      'members only',
    ]);

    // A guest sees only its token's room: any other is not found, existing or not.
    const guestElsewhere = await cast.guest('another-room');
    for (const other of [roomId, 'no-such-room']) {
      expect(await request(guestElsewhere, 'chat_subscribe', { roomId: other })).toEqual({
        ok: false,
        error: { code: 'not_found', message: 'No such room.' },
      });
      expect(
        await request(guestElsewhere, 'chat_message', {
          roomId: other,
          clientId: newClientId(),
          text: 'hi',
        }),
      ).toEqual({ ok: false, error: { code: 'not_found', message: 'No such room.' } });
    }
  });

  it('a removed member’s sockets stop receiving the room’s chat and can no longer send', async () => {
    const { roomId, owner, moderator, member, memberSession } = await people();
    // A member who has written just before: its right to write is not remembered past removal.
    await send(member, roomId, 'before removal');
    const memberTab2 = await connect(server, memberSession.accessToken);
    for (const c of [moderator, member, memberTab2]) await subscribe(c, roomId);
    const res = await api(
      server,
      'DELETE',
      `/api/rooms/${roomId}/members/${memberSession.user.id}`,
      {
        token: cast.owner.accessToken,
      },
    );
    expect(res.status).toBe(204);
    const atModerator = waitFor(
      moderator,
      'chat_message',
      (p) => p.message.text === 'after removal',
    );
    await send(owner, roomId, 'after removal');
    await atModerator;
    // The moderator got it; the member's sockets, subscribed before the moderator, did not.
    expect(received(member)).toEqual([]);
    expect(received(memberTab2)).toEqual([]);
    expect(
      await request(member, 'chat_message', { roomId, clientId: newClientId(), text: 'still me' }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await request(member, 'chat_subscribe', { roomId })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('a moderator demoted to member can no longer delete the messages of others, at once', async () => {
    const { roomId, owner, moderator, member } = await people();
    const byMember = await send(member, roomId, 'member wrote');
    const first = await send(member, roomId, 'member wrote again');
    // As a moderator it deletes one (and writes, so its role is fresh in the server's mind).
    expect(await request(moderator, 'chat_delete', { roomId, messageId: first.id })).toMatchObject({
      ok: true,
    });
    const byModerator = await send(moderator, roomId, 'moderator wrote');
    const res = await api(
      server,
      'PATCH',
      `/api/rooms/${roomId}/members/${byModerator.sender.id}`,
      { token: cast.owner.accessToken, json: { role: 'member' } },
    );
    expect(res.status).toBe(200);
    expect(
      await request(moderator, 'chat_delete', { roomId, messageId: byMember.id }),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // The owner still may.
    expect(await request(owner, 'chat_delete', { roomId, messageId: byMember.id })).toMatchObject({
      ok: true,
    });
  });

  it('a deleted room’s subscribers hear nothing of a new room with the same id', async () => {
    const roomId = `recycled-${Date.now()}`;
    const first = await cast.guest(roomId);
    await subscribe(first, roomId);
    await send(first, roomId, 'in the old room');
    expect(
      (await api(server, 'DELETE', `/api/rooms/${roomId}`, { token: cast.owner.accessToken }))
        .status,
    ).toBe(204);
    const second = await cast.guest(roomId);
    const third = await cast.guest(roomId);
    const slice = await subscribe(third, roomId);
    expect(slice).toMatchObject({ messages: [], lastSeq: 0 });
    const atThird = waitFor(third, 'chat_message');
    expect((await send(second, roomId, 'in the new room')).seq).toBe(1);
    await atThird;
    expect(received(first).map((m) => m.text)).toEqual([]);
  });

  it('a late joiner gets the latest messages; chat_history pages back; afterSeq fills a gap exactly', async () => {
    const { roomId, owner, member, memberSession } = await people();
    for (let i = 1; i <= 60; i++) await send(owner, roomId, `m${i}`);
    const late = await subscribe(member, roomId);
    expect(late.messages.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 11));
    expect(late).toMatchObject({ roomId, hasMore: true, lastSeq: 60 });
    const older = await request<ChatHistorySlice>(member, 'chat_history', {
      roomId,
      beforeSeq: 11,
    });
    expect(older.ok && older.messages.map((m) => m.seq)).toEqual(
      Array.from({ length: 10 }, (_, i) => i + 1),
    );
    expect(older).toMatchObject({ hasMore: false });
    const small = await request<ChatHistorySlice>(member, 'chat_history', {
      roomId,
      beforeSeq: 11,
      limit: 4,
    });
    expect(small.ok && small.messages.map((m) => m.seq)).toEqual([7, 8, 9, 10]);
    expect(small).toMatchObject({ hasMore: true });
    const tail = await subscribe(member, roomId, { limit: 5 });
    expect(tail.messages.map((m) => m.seq)).toEqual([56, 57, 58, 59, 60]);

    // The member's connection drops at seq 60; seven messages later it comes back.
    member.socket.disconnect();
    for (let i = 61; i <= 67; i++) await send(owner, roomId, `m${i}`);
    const again = await connect(server, memberSession.accessToken);
    const caughtUp = await subscribe(again, roomId, { afterSeq: 60 });
    expect(caughtUp.messages.map((m) => m.seq)).toEqual([61, 62, 63, 64, 65, 66, 67]);
    expect(caughtUp).toMatchObject({ hasMore: false, lastSeq: 67 });
    const paged = await subscribe(again, roomId, { afterSeq: 60, limit: 3 });
    expect(paged.messages.map((m) => m.seq)).toEqual([61, 62, 63]);
    expect(paged.hasMore).toBe(true);
    const rest = await request<ChatHistorySlice>(again, 'chat_history', { roomId, afterSeq: 63 });
    expect(rest.ok && rest.messages.map((m) => m.seq)).toEqual([64, 65, 66, 67]);
    expect(await request(again, 'chat_history', { roomId, afterSeq: 67 })).toMatchObject({
      ok: true,
      messages: [],
      hasMore: false,
      lastSeq: 67,
    });
    // Unsubscribed, the socket hears no more.
    expect(await request(again, 'chat_unsubscribe', { roomId })).toEqual({ ok: true });
    const watcher = await connect(server, cast.owner.accessToken);
    await subscribe(watcher, roomId);
    const seenByWatcher = waitFor(watcher, 'chat_message');
    await send(owner, roomId, 'after unsubscribe');
    await seenByWatcher;
    expect(received(again)).toEqual([]);
  });

  it('stores and delivers text exactly as given', async () => {
    const { roomId, owner, member } = await people();
    await subscribe(member, roomId);
    const texts = [
      '😀👩🏽‍💻🇫🇷 emoji',
      '你好，世界 こんにちは 안녕하세요',
      '<script>alert("x")</script> & &amp; <b>bold</b>',
      'مرحبا بالعالم \u202eRTL override\u202c שלום',
      'line one\nline two\r\nline three\ttabbed',
      '  leading and trailing spaces  ',
      'e\u0301 combining, \u200d zero width joiner, \ufeff BOM',
      'quotes \' " ` and backslash \\ and %s %d ${x}',
      '𝕳𝖊𝖑𝖑𝖔 astral ' + '🎉'.repeat(100),
    ];
    for (const text of texts) {
      const arrived = waitFor(member, 'chat_message', (p) => p.message.text === text);
      expect((await send(owner, roomId, text)).text).toBe(text);
      expect((await arrived).message.text).toBe(text);
    }
    const history = await subscribe(member, roomId);
    expect(history.messages.map((m) => m.text)).toEqual(texts);
    const page = await api<ChatHistoryPage>(
      server,
      'GET',
      `/api/rooms/${roomId}/messages?afterSeq=0`,
      {
        token: cast.owner.accessToken,
      },
    );
    expect(page.body.items.map((m) => m.text)).toEqual(texts);
  });
});

describe('chat limits', () => {
  let server: RunningServer;
  let cast: Awaited<ReturnType<typeof setup>>;

  beforeAll(async () => {
    server = await startTestServer({ CHAT_MAX_LENGTH: '100', RATE_LIMIT_CHAT: '5/60' });
    cast = await setup(server);
  });
  afterAll(() => server.close());

  it('refuses text over CHAT_MAX_LENGTH, naming the limit, and stores nothing', async () => {
    const roomId = await cast.createRoom();
    const owner = await connect(server, cast.owner.accessToken);
    const exact = 'x'.repeat(100);
    expect((await send(owner, roomId, exact)).text).toBe(exact);
    const over = await request(owner, 'chat_message', {
      roomId,
      clientId: newClientId(),
      text: 'y'.repeat(101),
    });
    expect(over).toMatchObject({
      ok: false,
      error: {
        code: 'validation_failed',
        details: {
          issues: [{ path: 'text', message: 'Message text must be at most 100 characters.' }],
        },
      },
    });
    const m = (await subscribe(owner, roomId)).messages[0];
    expect(
      await request(owner, 'chat_edit', { roomId, messageId: m.id, text: 'z'.repeat(101) }),
    ).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', details: { issues: [{ path: 'text' }] } },
    });
    expect((await subscribe(owner, roomId)).messages.map((x) => x.text)).toEqual([exact]);
  });

  it('rate limits sends per person across sockets, with retryAfterSeconds; a retry of a stored message still answers', async () => {
    const roomId = await cast.createRoom();
    const session = await registerUser(server);
    await cast.invite(roomId, session);
    const tab1 = await connect(server, session.accessToken);
    const tab2 = await connect(server, session.accessToken);
    const first = await send(tab1, roomId, 'one', 'rate-limited-1');
    await send(tab2, roomId, 'two');
    await send(tab1, roomId, 'three');
    await send(tab2, roomId, 'four');
    await send(tab1, roomId, 'five');
    const limited = await request(tab2, 'chat_message', {
      roomId,
      clientId: newClientId(),
      text: 'six',
    });
    expect(limited).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    if (!limited.ok) expect(limited.error.details?.retryAfterSeconds).toBeGreaterThan(0);
    expect(await send(tab1, roomId, 'one', 'rate-limited-1')).toEqual(first);
    // Someone else is not affected.
    const owner = await connect(server, cast.owner.accessToken);
    expect((await send(owner, roomId, 'owner talks')).seq).toBe(6);
    expect((await subscribe(owner, roomId)).messages.map((m) => m.text)).toEqual([
      'one',
      'two',
      'three',
      'four',
      'five',
      'owner talks',
    ]);
  });
});
