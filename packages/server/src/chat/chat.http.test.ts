import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  PROTOCOL_VERSION,
  type AckResult,
  type ChatHistoryPage,
  type ChatMessage,
  type ClientToServerEvents,
  type RoomDetails,
  type RoomInvite,
  type ServerToClientEvents,
} from '@minimeet/protocol';
import type { RunningServer } from '../main.js';
import { DATABASE_TARGETS, type DatabaseTarget, type TestDatabase } from '../test/databases.js';
import { api, expectError, registerUser, startTestServer } from '../test/harness.js';
import { chatHistoryPageSchema, chatMessageSchema } from './chat.dto.js';

type Session = Awaited<ReturnType<typeof registerUser>>;
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const sockets: ClientSocket[] = [];
afterEach(() => {
  while (sockets.length) sockets.pop()!.disconnect();
});

async function connect(server: RunningServer, token: string): Promise<ClientSocket> {
  const socket: ClientSocket = io(server.url, {
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

function request<T extends object>(
  socket: ClientSocket,
  event: string,
  payload: unknown,
): Promise<AckResult<T>> {
  return (socket.timeout(5000).emitWithAck as (e: string, p: unknown) => Promise<never>)(
    event,
    payload,
  );
}

let counter = 0;
const newClientId = () => `h-${process.pid}-${Date.now()}-${++counter}`;

const post = (server: RunningServer, s: Session, roomId: string, json: unknown) =>
  api<ChatMessage>(server, 'POST', `/api/rooms/${roomId}/messages`, {
    token: s.accessToken,
    json,
  });
const list = (server: RunningServer, s: Session | null, roomId: string, query = '') =>
  api<ChatHistoryPage>(server, 'GET', `/api/rooms/${roomId}/messages${query}`, {
    ...(s ? { token: s.accessToken } : {}),
  });

async function createRoom(server: RunningServer, owner: Session, json = {}): Promise<string> {
  const res = await api<RoomDetails>(server, 'POST', '/api/rooms', {
    token: owner.accessToken,
    json: { name: 'Chat', ...json },
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function addMember(server: RunningServer, owner: Session, roomId: string, who: Session) {
  const invite = await api<RoomInvite>(server, 'POST', `/api/rooms/${roomId}/invites`, {
    token: owner.accessToken,
    json: {},
  });
  const res = await api(server, 'POST', `/api/invites/${invite.body.code}/accept`, {
    token: who.accessToken,
  });
  expect(res.status).toBe(200);
}

const TEXTS = [
  '😀👩🏽‍💻🇫🇷 emoji and 𝕳𝖊𝖑𝖑𝖔',
  '你好，世界 こんにちは 안녕하세요',
  '<script>alert("x")</script> &amp; <b>bold</b>',
  'مرحبا \u202eRTL\u202c שלום',
  'line one\nline two\r\nline three\ttabbed',
  '  spaces kept  ',
  'quotes \' " ` backslash \\ percent %s dollar ${x} semicolon; DROP TABLE chat_messages; --',
];

describe.each(DATABASE_TARGETS)('chat over REST on $name', (target) => {
  let db: TestDatabase;
  let server: RunningServer;
  let owner: Session;
  let member: Session;
  let stranger: Session;
  let roomId: string;

  beforeAll(async () => {
    db = await target.create();
    server = await startTestServer({
      DATABASE_URL: db.url,
      RATE_LIMIT_CHAT: '10000/10',
      CHAT_MAX_LENGTH: '16000',
    });
    [owner, member, stranger] = await Promise.all([
      registerUser(server, { displayName: 'Owner' }),
      registerUser(server, { displayName: 'Zoë 🎥 测试' }),
      registerUser(server, { displayName: 'Stranger' }),
    ]);
    roomId = await createRoom(server, owner);
    await addMember(server, owner, roomId, member);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('POST stores a message (201) and a retry with its clientId answers the same one (200)', async () => {
    const room = await createRoom(server, owner);
    const clientId = newClientId();
    const first = await post(server, owner, room, { clientId, text: 'From a backend' });
    expect(first.status).toBe(201);
    expect(chatMessageSchema.parse(first.body)).toEqual(first.body);
    expect(first.body).toMatchObject({
      roomId: room,
      clientId,
      seq: 1,
      text: 'From a backend',
      sender: { id: owner.user.id, displayName: 'Owner' },
    });
    const retry = await post(server, owner, room, { clientId, text: 'From a backend' });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(
      (await post(server, owner, room, { clientId: newClientId(), text: 'next' })).body.seq,
    ).toBe(2);
    // Client ids that differ only in letter case are different ids, on every store.
    const upper = await post(server, owner, room, { clientId: 'CaseMatters1', text: 'upper' });
    const lower = await post(server, owner, room, { clientId: 'casematters1', text: 'lower' });
    expect([upper.status, lower.status]).toEqual([201, 201]);
    expect(lower.body.seq).toBe(4);
  });

  it('stores and returns text exactly as given', async () => {
    const room = await createRoom(server, owner);
    await addMember(server, owner, room, member);
    for (const text of TEXTS) {
      const res = await post(server, member, room, { clientId: newClientId(), text });
      expect(res.status).toBe(201);
      expect(res.body.text).toBe(text);
      expect(res.body.sender.displayName).toBe('Zoë 🎥 测试');
    }
    const page = await list(server, owner, room, '?afterSeq=0');
    expect(page.body.items.map((m) => m.text)).toEqual(TEXTS);
    // The longest text the protocol allows, in 4-byte and in 3-byte characters, fits every store.
    for (const text of ['🎉'.repeat(8000), '字'.repeat(16_000)]) {
      const res = await post(server, member, room, { clientId: newClientId(), text });
      expect(res.status).toBe(201);
      expect(res.body.text).toBe(text);
      expect((await list(server, member, room, '?limit=1')).body.items[0]?.text).toBe(text);
    }
  });

  it('GET pages newest first by default and oldest first from afterSeq, with opaque cursors', async () => {
    const room = await createRoom(server, owner);
    await addMember(server, owner, room, member);
    for (let i = 1; i <= 7; i++)
      await post(server, owner, room, { clientId: newClientId(), text: `m${i}` });
    const seqs = (p: ChatHistoryPage) => p.items.map((m) => m.seq);

    const p1 = await list(server, member, room, '?limit=3');
    expect(p1.status).toBe(200);
    expect(chatHistoryPageSchema.parse(p1.body)).toEqual(p1.body);
    expect(seqs(p1.body)).toEqual([7, 6, 5]);
    const p2 = await list(server, member, room, `?limit=3&cursor=${p1.body.nextCursor}`);
    expect(seqs(p2.body)).toEqual([4, 3, 2]);
    const p3 = await list(server, member, room, `?limit=3&cursor=${p2.body.nextCursor}`);
    expect(seqs(p3.body)).toEqual([1]);
    expect(p3.body.nextCursor).toBeNull();

    const a1 = await list(server, member, room, '?afterSeq=2&limit=3');
    expect(seqs(a1.body)).toEqual([3, 4, 5]);
    const a2 = await list(server, member, room, `?limit=3&cursor=${a1.body.nextCursor}`);
    expect(seqs(a2.body)).toEqual([6, 7]);
    expect(a2.body.nextCursor).toBeNull();
    expect((await list(server, member, room, '?afterSeq=7')).body).toEqual({
      items: [],
      nextCursor: null,
    });
    const all = await list(server, member, room);
    expect(seqs(all.body)).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(all.body.nextCursor).toBeNull();
  });

  it('answers 401 without a token, 404 for unknown and private rooms, 403 for public rooms not joined, 400 for bad queries', async () => {
    expectError(await list(server, null, roomId), 401, 'unauthorized');
    expectError(await list(server, stranger, roomId), 404, 'not_found');
    expectError(await list(server, owner, 'no-such-room'), 404, 'not_found');
    expectError(
      await post(server, stranger, roomId, { clientId: newClientId(), text: 'hi' }),
      404,
      'not_found',
    );
    const open = await createRoom(server, owner, { visibility: 'public' });
    expectError(await list(server, stranger, open), 403, 'forbidden');
    expectError(
      await post(server, stranger, open, { clientId: newClientId(), text: 'hi' }),
      403,
      'forbidden',
    );
    const joined = await api(server, 'POST', `/api/rooms/${open}/join`, {
      token: stranger.accessToken,
      json: {},
    });
    expect(joined.status).toBe(200);
    expect((await list(server, stranger, open)).status).toBe(200);

    for (const query of [
      '?limit=0',
      '?limit=201',
      '?limit=abc',
      '?afterSeq=-1',
      '?cursor=garbage',
      '?cursor=',
      '?other=1',
      `?cursor=${Buffer.from('["x",1]').toString('base64url')}`,
    ]) {
      const res = await list(server, member, roomId, query);
      expectError(res, 400, 'validation_failed');
    }
    for (const body of [
      {},
      { clientId: 'short', text: 'x' },
      { clientId: newClientId(), text: '   ' },
      { clientId: newClientId(), text: 'x', roomId },
      { clientId: newClientId(), text: 'nul\u0000' },
    ]) {
      const res = await post(server, member, roomId, body);
      expectError(res, 400, 'validation_failed');
    }
    expect((await list(server, member, roomId)).body.items).toEqual([]);
  });

  it('keeps distinct emoji apart in reactions, and deletes a message’s chat with its room', async () => {
    const room = await createRoom(server, owner);
    const message = (await post(server, owner, room, { clientId: newClientId(), text: 'react' }))
      .body;
    const socket = await connect(server, owner.accessToken);
    for (const emoji of ['👍', '😀', '👍🏽', '🇫🇷', '🇩🇪'])
      expect(
        await request(socket, 'chat_react', {
          roomId: room,
          messageId: message.id,
          emoji,
          add: true,
        }),
      ).toMatchObject({ ok: true });
    const page = await list(server, owner, room);
    expect(page.body.items[0]?.reactions.map((r) => [r.emoji, r.count])).toEqual([
      ['👍', 1],
      ['😀', 1],
      ['👍🏽', 1],
      ['🇫🇷', 1],
      ['🇩🇪', 1],
    ]);
    expect(
      (await api(server, 'DELETE', `/api/rooms/${room}`, { token: owner.accessToken })).status,
    ).toBe(204);
    expectError(await list(server, owner, room), 404, 'not_found');
  });
});

/** Every store that several server processes can share: a SQLite file, MariaDB, PostgreSQL. */
const SHARED_TARGETS: DatabaseTarget[] = [
  {
    name: 'sqlite',
    create: () => {
      const file = join(tmpdir(), `mm-chat-${randomBytes(6).toString('hex')}.db`);
      return Promise.resolve({
        url: `sqlite:${file}`,
        drop: () => {
          for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
          return Promise.resolve();
        },
      });
    },
  },
  ...DATABASE_TARGETS.filter((t) => t.name !== 'sqlite'),
];

describe.each(SHARED_TARGETS)('two servers on one $name', (target) => {
  let db: TestDatabase;
  let servers: RunningServer[];

  beforeAll(async () => {
    db = await target.create();
    const env = { DATABASE_URL: db.url, RATE_LIMIT_CHAT: '10000/10' };
    // One after the other: the first brings the schema up to date.
    servers = [await startTestServer(env)];
    servers.push(await startTestServer(env));
  });
  afterAll(async () => {
    for (const s of servers ?? []) await s.close();
    await db?.drop();
  });

  it('concurrent sends through both get seqs 1 to N with no gap or duplicate; racing retries store one', async () => {
    const [a, b] = servers as [RunningServer, RunningServer];
    const owner = await registerUser(a);
    const member = await registerUser(a);
    const roomId = await createRoom(a, owner);
    await addMember(a, owner, roomId, member);
    const sockets = await Promise.all([
      connect(a, owner.accessToken),
      connect(b, owner.accessToken),
      connect(a, member.accessToken),
      connect(b, member.accessToken),
    ]);
    const sent = Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        request<{ message: ChatMessage }>(sockets[i % 4], 'chat_message', {
          roomId,
          clientId: newClientId(),
          text: `socket ${i}`,
        }),
      ),
    );
    const posted = Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        post(i % 2 ? a : b, i % 3 ? owner : member, roomId, {
          clientId: newClientId(),
          text: `rest ${i}`,
        }),
      ),
    );
    const raced = newClientId();
    const retries = Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        post(i % 2 ? a : b, owner, roomId, { clientId: raced, text: 'raced' }),
      ),
    );
    const acks = await sent;
    const rest = await posted;
    const racedAnswers = await retries;
    const seqs = [
      ...acks.map((r) => (r.ok ? r.message.seq : -1)),
      ...rest.map((r) => r.body.seq),
      racedAnswers[0].body.seq,
    ].sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 61 }, (_, i) => i + 1));
    expect(new Set(racedAnswers.map((r) => r.body.id)).size).toBe(1);
    expect(racedAnswers.filter((r) => r.status === 201)).toHaveLength(1);
    const page = await list(b, member, roomId, '?afterSeq=0&limit=200');
    expect(page.body.items.map((m) => m.seq)).toEqual(Array.from({ length: 61 }, (_, i) => i + 1));
    // The room itself did not change: chat does not touch its updatedAt.
    const room = await api<RoomDetails>(a, 'GET', `/api/rooms/${roomId}`, {
      token: owner.accessToken,
    });
    expect(room.body.updatedAt).toBe(room.body.createdAt);
  });
});
