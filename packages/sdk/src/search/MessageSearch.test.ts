import type { MessageSearchHit } from '@minimeet/protocol';
import { startTestServer, type RunningServer } from '@minimeet/server/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type MinimeetClient } from '../client/MinimeetClient.js';
import { InvalidStateError, MinimeetError } from '../errors.js';
import type { FetchLike } from '../options.js';
import { connectAs, createRoom, signUp, type TestUser } from '../test/network.js';

let server: RunningServer;
let ada: TestUser;
let carol: TestUser;
let adaRoom: string;
let carolRoom: string;
let adaClient: MinimeetClient;
const clients: MinimeetClient[] = [];

/** The parts of a snippet its highlights point at. */
const highlighted = (hit: MessageSearchHit) =>
  hit.highlights.map(([start, end]) => hit.snippet.slice(start, end).toLowerCase());

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_CHAT: '100000/10' });
  ada = await signUp(server.url, 'Ada');
  const bob = await signUp(server.url, 'Bob');
  carol = await signUp(server.url, 'Carol');
  adaRoom = await createRoom(server.url, ada, [bob]);
  carolRoom = await createRoom(server.url, carol, [], 'private');

  adaClient = await connectAs(server.url, ada);
  const bobClient = await connectAs(server.url, bob);
  const carolClient = await connectAs(server.url, carol);
  clients.push(adaClient, bobClient, carolClient);
  const adaChat = adaClient.chat(adaRoom);
  const bobChat = bobClient.chat(adaRoom);
  const carolChat = carolClient.chat(carolRoom);
  await Promise.all([adaChat.synced(), bobChat.synced(), carolChat.synced()]);
  await adaChat.send('The budget review moves to Friday');
  await bobChat.send('Meeting notes: budget approved');
  for (let i = 1; i <= 5; i++) await adaChat.send(`alpha report number ${i}`);
  await carolChat.send('Carol’s secret budget plan');
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.disconnect()));
  await server?.close();
});

const extra: MinimeetClient[] = [];
afterEach(async () => {
  await Promise.all(extra.splice(0).map((c) => c.disconnect()));
});

describe('client.search()', () => {
  it('finds messages of one’s rooms with a highlighted snippet, and never those of a room one is not in', async () => {
    const results = await adaClient.search('budget');

    expect(results.items.map((h) => h.message.text).sort()).toEqual([
      'Meeting notes: budget approved',
      'The budget review moves to Friday',
    ]);
    for (const hit of results.items) {
      expect(hit.message.roomId).toBe(adaRoom);
      expect(highlighted(hit)).toEqual(['budget']);
    }
    expect(results.nextCursor).toBeNull();
    expect(await results.next()).toBeNull();

    const carolClient = clients[2];
    const carols = await carolClient.search('budget');
    expect(carols.items.map((h) => h.message.text)).toEqual(['Carol’s secret budget plan']);
  });

  it('answers a search in a room one is not in with the server’s error', async () => {
    const error = await adaClient.search('budget', { roomId: carolRoom }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MinimeetError);
    expect((error as MinimeetError).code).toBe('not_found');
    expect((error as MinimeetError).status).toBe(404);
  });

  it('pages newest first with next() until the last page', async () => {
    const page1 = await adaClient.search('alpha', { limit: 2 });
    const page2 = await page1.next();
    const page3 = await page2!.next();
    const texts = [page1, page2!, page3!].flatMap((p) => p.items.map((h) => h.message.text));

    expect(texts).toEqual([5, 4, 3, 2, 1].map((i) => `alpha report number ${i}`));
    expect(page3!.nextCursor).toBeNull();
    expect(await page3!.next()).toBeNull();
  });

  it('takes prefixes, phrases, a sender and a time range', async () => {
    expect((await adaClient.search('budg*')).items).toHaveLength(2);
    const phrase = await adaClient.search('"budget approved"');
    expect(phrase.items.map((h) => h.message.sender.displayName)).toEqual(['Bob']);
    const fromAda = await adaClient.search('budget', { senderId: ada.id });
    expect(fromAda.items.map((h) => h.message.text)).toEqual(['The budget review moves to Friday']);
    const future = await adaClient.search('budget', { from: new Date(Date.now() + 60_000) });
    expect(future.items).toEqual([]);
  });

  it('answers any typed text with results or none, never an error', async () => {
    for (const query of ['"unbalanced (', 'AND OR NOT', '*', 'budget" OR "x', '🙂 予算', '\\']) {
      const results = await adaClient.search(query);
      expect(Array.isArray(results.items)).toBe(true);
    }
    expect((await adaClient.search('   ')).items).toEqual([]);
  });

  it('asks the token provider for a token for the request and goes through options.fetch', async () => {
    let calls = 0;
    const client = createClient({
      transports: ['websocket'],
      fetch: ((input, init) => {
        calls += 1;
        return fetch(input, init);
      }) satisfies FetchLike,
    });
    extra.push(client);
    const requests: string[] = [];
    await client.connect(server.url, async (request) => {
      requests.push(request?.reason ?? 'none');
      return ada.auth.getAccessToken(request);
    });

    const results = await client.search('friday');

    expect(results.items).toHaveLength(1);
    expect(calls).toBe(1);
    expect(requests).toEqual(['connect', 'api']);
  });

  it('rejects with InvalidStateError when the client is not connected', async () => {
    await expect(createClient().search('budget')).rejects.toBeInstanceOf(InvalidStateError);
  });
});
