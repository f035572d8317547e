import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AuthSession,
  ChatMessage,
  CreatedApiKey,
  CreatedJoinToken,
  MessageSearchPage,
  RoomDetails,
  RoomInvite,
} from '@minimeet/protocol';
import type { RunningServer } from '../main.js';
import { DATABASE_TARGETS, type TestDatabase } from '../test/databases.js';
import {
  api,
  basicAuth,
  createApiKey,
  expectError,
  expectNoServerFailure,
  registerUser,
  startTestServer,
} from '../test/harness.js';
import { messageSearchPageSchema } from './search.dto.js';

type Session = Awaited<ReturnType<typeof registerUser>>;

let counter = 0;
const clientId = () => `s-${process.pid}-${Date.now()}-${++counter}`;

describe.each(DATABASE_TARGETS)('GET /api/search/messages on $name', (target) => {
  let db: TestDatabase;
  let server: RunningServer;
  let owner: Session;
  let member: Session;
  let stranger: Session;
  let key: CreatedApiKey;
  let shared: string;
  let ownersOnly: string;

  const search = (token: string | undefined, query: string) =>
    api<MessageSearchPage>(server, 'GET', `/api/search/messages?${query}`, {
      ...(token ? { token } : {}),
    });
  const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
  const ids = (page: MessageSearchPage) => page.items.map((h) => h.message.id);

  async function createRoom(by: Session, name = 'Search'): Promise<string> {
    const res = await api<RoomDetails>(server, 'POST', '/api/rooms', {
      token: by.accessToken,
      json: { name },
    });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async function addMember(roomId: string, who: Session): Promise<void> {
    const invite = await api<RoomInvite>(server, 'POST', `/api/rooms/${roomId}/invites`, {
      token: owner.accessToken,
      json: {},
    });
    const res = await api(server, 'POST', `/api/invites/${invite.body.code}/accept`, {
      token: who.accessToken,
    });
    expect(res.status).toBe(200);
  }

  async function say(by: Session, roomId: string, text: string): Promise<ChatMessage> {
    const res = await api<ChatMessage>(server, 'POST', `/api/rooms/${roomId}/messages`, {
      token: by.accessToken,
      json: { clientId: clientId(), text },
    });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function guestToken(room: string, signer = key): Promise<string> {
    const res = await api<CreatedJoinToken>(server, 'POST', '/api/join-tokens', {
      json: { identity: `guest-${++counter}`, name: 'Guest', grants: { room } },
      headers: basicAuth(signer.id, signer.secret),
    });
    expect(res.status).toBe(201);
    return res.body.token;
  }

  beforeAll(async () => {
    db = await target.create();
    server = await startTestServer({ DATABASE_URL: db.url, RATE_LIMIT_CHAT: '10000/10' });
    [owner, member, stranger] = await Promise.all([
      registerUser(server, { displayName: 'Owner' }),
      registerUser(server, { displayName: 'Member' }),
      registerUser(server, { displayName: 'Stranger' }),
    ]);
    key = await createApiKey(server, owner.accessToken);
    shared = await createRoom(owner);
    ownersOnly = await createRoom(owner);
    await addMember(shared, member);
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('answers the messages of your rooms newest first, each with a marked snippet', async () => {
    const first = await say(owner, shared, 'The quarterly budget review is on Monday');
    const second = await say(member, shared, 'Budget approved!\nSee the review notes.');
    await say(owner, shared, 'Nothing to see here');
    const res = await search(member.accessToken, q({ q: 'budget review' }));
    expect(res.status).toBe(200);
    expect(messageSearchPageSchema.parse(res.body)).toEqual(res.body);
    expect(ids(res.body)).toEqual([second.id, first.id]);
    expect(res.body.nextCursor).toBeNull();
    const [hit] = res.body.items;
    expect(hit.message).toEqual(second);
    expect(hit.snippet).toBe('Budget approved! See the review notes.');
    expect(hit.highlights.map(([a, b]) => hit.snippet.slice(a, b))).toEqual(['Budget', 'review']);
  });

  it('sorts by relevance on request and pages with the cursor it gives', async () => {
    const room = await createRoom(owner);
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) sent.push((await say(owner, room, `papaya number ${i}`)).id);
    const strong = await say(owner, room, 'papaya papaya papaya');
    const page1 = await search(owner.accessToken, q({ q: 'papaya', roomId: room, limit: '4' }));
    expect(ids(page1.body)).toEqual([strong.id, ...sent.slice(2).reverse()]);
    const page2 = await search(
      owner.accessToken,
      q({ q: 'papaya', roomId: room, limit: '4', cursor: page1.body.nextCursor! }),
    );
    expect(ids(page2.body)).toEqual(sent.slice(0, 2).reverse());
    expect(page2.body.nextCursor).toBeNull();

    const ranked = await search(
      owner.accessToken,
      q({ q: 'papaya', roomId: room, sort: 'relevance', limit: '4' }),
    );
    expect(ids(ranked.body)[0]).toBe(strong.id);
    const rest = await search(
      owner.accessToken,
      q({ q: 'papaya', roomId: room, sort: 'relevance', cursor: ranked.body.nextCursor! }),
    );
    expect(new Set([...ids(ranked.body), ...ids(rest.body)])).toEqual(
      new Set([...sent, strong.id]),
    );
    // A cursor belongs to its sort.
    const mixed = await search(
      owner.accessToken,
      q({ q: 'papaya', roomId: room, cursor: ranked.body.nextCursor! }),
    );
    expectError(mixed, 400, 'validation_failed');
  });

  it('never shows a message of a room you are not a member of', async () => {
    const secret = await say(owner, ownersOnly, 'zanzibar treasure map');
    await say(owner, shared, 'zanzibar holiday');
    expect(ids((await search(owner.accessToken, q({ q: 'zanzibar treasure' }))).body)).toEqual([
      secret.id,
    ]);
    expect((await search(member.accessToken, q({ q: 'zanzibar treasure' }))).body.items).toEqual(
      [],
    );
    expect((await search(stranger.accessToken, q({ q: 'zanzibar' }))).body).toEqual({
      items: [],
      nextCursor: null,
    });
    expectError(
      await search(member.accessToken, q({ q: 'zanzibar', roomId: ownersOnly })),
      404,
      'not_found',
    );
    expectError(
      await search(member.accessToken, q({ q: 'zanzibar', roomId: 'no-such-room' })),
      404,
      'not_found',
    );
  });

  it('stops showing a room once you leave it', async () => {
    const room = await createRoom(owner);
    await addMember(room, stranger);
    await say(owner, room, 'quokka sighting');
    expect((await search(stranger.accessToken, q({ q: 'quokka' }))).body.items).toHaveLength(1);
    const left = await api(server, 'DELETE', `/api/rooms/${room}/members/${stranger.user.id}`, {
      token: stranger.accessToken,
    });
    expect(left.status).toBe(204);
    expect((await search(stranger.accessToken, q({ q: 'quokka' }))).body.items).toEqual([]);
  });

  it("lets a guest search its join token's room, and no other", async () => {
    const room = await createRoom(owner);
    const visible = await say(owner, room, 'wombat appointment notes');
    await say(owner, shared, 'wombat elsewhere');
    const token = await guestToken(room);
    const res = await search(token, q({ q: 'wombat' }));
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual([visible.id]);
    expectError(await search(token, q({ q: 'wombat', roomId: shared })), 404, 'not_found');

    // A key of another account opens none of this account's rooms.
    const otherKey = await createApiKey(server, stranger.accessToken);
    const foreign = await guestToken(room, otherKey);
    expect((await search(foreign, q({ q: 'wombat' }))).body.items).toEqual([]);
  });

  it('refuses requests without a usable token', async () => {
    expectError(await search(undefined, q({ q: 'x' })), 401, 'unauthorized');
    expectError(await search('not-a-token', q({ q: 'x' })), 401, 'token_invalid');
    expectError(await search(owner.refreshToken, q({ q: 'x' })), 401, 'token_invalid');
    expectError(await search('x'.repeat(9000), q({ q: 'x' })), 401, 'token_invalid');
  });

  it('answers a bad query with validation_failed naming the parameter', async () => {
    const cases: Array<[string, string]> = [
      ['', ''],
      [q({ q: '   ' }), 'q'],
      [q({ q: 'x'.repeat(501) }), 'q'],
      [q({ q: 'x', limit: '0' }), 'limit'],
      [q({ q: 'x', limit: '101' }), 'limit'],
      [q({ q: 'x', limit: 'ten' }), 'limit'],
      [q({ q: 'x', sort: 'oldest' }), 'sort'],
      [q({ q: 'x', from: 'yesterday' }), 'from'],
      [q({ q: 'x', roomId: '../etc' }), 'roomId'],
      [q({ q: 'x', cursor: 'bm90LWEtY3Vyc29y' }), 'cursor'],
      [
        q({ q: 'x', cursor: Buffer.from('{"s":"newest","k":"x"}').toString('base64url') }),
        'cursor',
      ],
      [q({ q: 'x', bogus: '1' }), 'bogus'],
      ['q=a&q=b', 'q'],
    ];
    for (const [query, path] of cases) {
      const error = expectError(await search(owner.accessToken, query), 400, 'validation_failed');
      if (path) expect(JSON.stringify(error.details), query).toContain(path);
    }
  });

  it('answers what a user may type with hits or nothing, never a failure', async () => {
    await say(owner, shared, '日本語の会議です and a "quoted" NEAR(thing)');
    for (const text of [
      '"',
      '*',
      'NEAR(',
      '-',
      "'; DROP TABLE chat_messages; --",
      ')(',
      '^',
      '🎉',
      '日本語の会議',
      '会議',
      'مرحبا',
      'e\u0301',
      'a'.repeat(500),
      '%',
      '\\',
    ]) {
      const res = await search(owner.accessToken, q({ q: text }));
      expectNoServerFailure(res);
      expect(res.status, text).toBe(200);
    }
    const cjk = await search(owner.accessToken, q({ q: '会議' }));
    expect(cjk.body.items[0]?.snippet).toContain('会議');
  });
});

describe('the search rate limit (RATE_LIMIT_SEARCH)', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startTestServer({ RATE_LIMIT_SEARCH: '3/60' });
  });
  afterAll(() => server?.close());

  const search = (token: string) =>
    api<MessageSearchPage>(server, 'GET', '/api/search/messages?q=anything', { token });

  it('refuses a person’s 4th search in the window with rate_limited, and counts each person apart', async () => {
    const [alice, bob] = await Promise.all([registerUser(server), registerUser(server)]);
    // Another session of the same person shares the count: it is per person, not per token.
    const aliceAgain = await api<AuthSession>(server, 'POST', '/api/auth/login', {
      json: { email: alice.user.email, password: alice.password },
    });
    expect((await search(alice.accessToken)).status).toBe(200);
    expect((await search(alice.accessToken)).status).toBe(200);
    expect((await search(aliceAgain.body.accessToken)).status).toBe(200);
    const refused = await search(alice.accessToken);
    const error = expectError(refused, 429, 'rate_limited');
    expect(error.details?.retryAfterSeconds).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

    expect((await search(bob.accessToken)).status).toBe(200);

    const key = await createApiKey(server, bob.accessToken);
    const guest = await api<CreatedJoinToken>(server, 'POST', '/api/join-tokens', {
      json: { identity: 'searcher', name: 'Guest', grants: { room: 'lobby' } },
      headers: basicAuth(key.id, key.secret),
    });
    expect((await search(guest.body.token)).status).toBe(200);
  });

  it('does not count requests refused for their token', async () => {
    const carol = await registerUser(server);
    for (let i = 0; i < 5; i++) expectError(await search('not-a-token'), 401, 'token_invalid');
    expect((await search(carol.accessToken)).status).toBe(200);
  });
});
