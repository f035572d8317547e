import type { ChatHistoryPage, ChatMessage } from '@minimeet/protocol';
import { startTestServer, type RunningServer } from '@minimeet/server/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MinimeetClient } from '../client/MinimeetClient.js';
import { InvalidStateError, MinimeetError } from '../errors.js';
import { ChatEvent, ClientEvent } from '../events.js';
import type { MinimeetClientOptions } from '../options.js';
import { nextEvent, record } from '../test/helpers.js';
import {
  FAST_RECONNECT,
  api,
  connectAs,
  createRoom,
  signUp,
  startProxy,
  until,
  type NetworkProxy,
  type TestUser,
} from '../test/network.js';
import { ChatState } from './ChatState.js';

let server: RunningServer;

beforeAll(async () => {
  // Some tests send more messages per second than the default budgets allow a person.
  server = await startTestServer({
    RATE_LIMIT_CHAT: '100000/10',
    RATE_LIMIT_SOCKET_REQUESTS: '100000/1',
    CHAT_MAX_LENGTH: '500',
  });
});

afterAll(async () => {
  await server?.close();
});

// Every client and proxy a test opens is closed afterwards, so a failing test leaks nothing.
const clients: MinimeetClient[] = [];
const proxies: NetworkProxy[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.disconnect()));
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

async function connect(
  user: TestUser,
  options: MinimeetClientOptions & { via?: NetworkProxy } = {},
): Promise<MinimeetClient> {
  const { via, ...clientOptions } = options;
  const client = await connectAs(via?.url ?? server.url, user, clientOptions);
  clients.push(client);
  return client;
}

async function proxy(): Promise<NetworkProxy> {
  const p = await startProxy(server.url);
  proxies.push(p);
  return p;
}

/** Ada owns a room that Bob has joined. */
async function twoMembers() {
  const ada = await signUp(server.url, 'Ada');
  const bob = await signUp(server.url, 'Bob');
  const roomId = await createRoom(server.url, ada, [bob]);
  return { ada, bob, roomId };
}

/** The room's messages as the server stores them, oldest first. */
async function stored(user: TestUser, roomId: string): Promise<ChatMessage[]> {
  const page = await api<ChatHistoryPage>(
    server.url,
    user,
    'GET',
    `/rooms/${roomId}/messages?afterSeq=0&limit=200`,
  );
  return page.items;
}

const texts = (messages: readonly ChatMessage[]) => messages.map((m) => m.text);
const seqs = (messages: readonly ChatMessage[]) => messages.map((m) => m.seq);

describe('chat between two real clients', () => {
  it('send() resolves with the stored message, which reaches the other member once', async () => {
    const { ada, bob, roomId } = await twoMembers();
    const adaChat = (await connect(ada)).chat(roomId);
    const bobChat = (await connect(bob)).chat(roomId);
    await Promise.all([adaChat.synced(), bobChat.synced()]);
    const bobReceived = record(bobChat, ChatEvent.MessageReceived);
    const adaReceived = record(adaChat, ChatEvent.MessageReceived);

    const sent = await adaChat.send('Hello Bob <b>not bold</b>');

    expect(sent).toMatchObject({
      roomId,
      seq: 1,
      text: 'Hello Bob <b>not bold</b>',
      clientId: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/) as string,
      sender: { id: ada.id, displayName: 'Ada' },
      editedAt: null,
      deletedAt: null,
    });
    await until(() => bobReceived.length === 1, 'Bob to receive the message');
    expect(bobReceived).toEqual([sent]);
    expect(adaReceived).toEqual([sent]);
    expect(adaChat.messages).toEqual([sent]);
    expect(bobChat.messages).toEqual([sent]);
    expect(adaChat.pendingMessages).toEqual([]);
  });

  it('keeps messages from both sides in seq order', async () => {
    const { ada, bob, roomId } = await twoMembers();
    const adaChat = (await connect(ada)).chat(roomId);
    const bobChat = (await connect(bob)).chat(roomId);
    await Promise.all([adaChat.synced(), bobChat.synced()]);

    await adaChat.send('one');
    await bobChat.send('two');
    await adaChat.send('three');
    await Promise.all([adaChat.send('four'), adaChat.send('five')]);

    await until(() => bobChat.messages.length === 5, 'Bob to hold five messages');
    await until(() => adaChat.messages.length === 5, 'Ada to hold five messages');
    expect(texts(adaChat.messages)).toEqual(['one', 'two', 'three', 'four', 'five']);
    expect(texts(bobChat.messages)).toEqual(texts(adaChat.messages));
    expect(seqs(bobChat.messages)).toEqual([1, 2, 3, 4, 5]);
  });

  it('edits, reactions and deletes reach both sides once; others cannot edit one’s message', async () => {
    const { ada, bob, roomId } = await twoMembers();
    const adaClient = await connect(ada);
    const adaChat = adaClient.chat(roomId);
    const bobChat = (await connect(bob)).chat(roomId);
    await Promise.all([adaChat.synced(), bobChat.synced()]);
    const adaEdits = record(adaChat, ChatEvent.MessageEdited);
    const adaReactions = record(adaChat, ChatEvent.ReactionsChanged);
    const message = await adaChat.send('Helo');
    await until(() => bobChat.messages.length === 1, 'Bob to receive the message');

    const bobSeesEdit = nextEvent(bobChat, ChatEvent.MessageEdited);
    const edited = await adaChat.edit(message.id, 'Hello');
    expect(edited).toMatchObject({ id: message.id, seq: 1, text: 'Hello' });
    expect(edited.editedAt).not.toBeNull();
    expect((await bobSeesEdit)[0]).toEqual(edited);
    expect(bobChat.messages[0].text).toBe('Hello');

    await expect(bobChat.edit(message.id, 'Hijacked')).rejects.toMatchObject({
      code: 'forbidden',
    });

    const adaSeesReaction = nextEvent(adaChat, ChatEvent.ReactionsChanged);
    const reacted = await bobChat.react(message.id, '👍');
    expect(reacted.reactions).toEqual([{ emoji: '👍', count: 1, principalIds: [bob.id] }]);
    expect((await adaSeesReaction)[0].reactions).toEqual(reacted.reactions);
    const adaSeesUnreaction = nextEvent(adaChat, ChatEvent.ReactionsChanged);
    await bobChat.unreact(message.id, '👍');
    expect((await adaSeesUnreaction)[0].reactions).toEqual([]);

    const bobSeesDelete = nextEvent(bobChat, ChatEvent.MessageDeleted);
    const deleted = await adaChat.delete(message.id);
    expect(deleted).toMatchObject({ id: message.id, seq: 1, text: '' });
    expect(deleted.deletedAt).not.toBeNull();
    expect((await bobSeesDelete)[0]).toEqual(deleted);
    expect(bobChat.messages).toEqual([deleted]);

    // Whatever the server echoed to Ada arrived before the answer to this ping.
    await adaClient.ping();
    expect(adaEdits).toEqual([edited]);
    expect(adaReactions.map((m) => m.reactions.length)).toEqual([1, 0]);
  });

  it('shows who is typing to the others, and stops on false and on send', async () => {
    const { ada, bob, roomId } = await twoMembers();
    const adaChat = (await connect(ada)).chat(roomId);
    const bobChat = (await connect(bob)).chat(roomId);
    await Promise.all([adaChat.synced(), bobChat.synced()]);

    const started = nextEvent(bobChat, ChatEvent.TypingChanged);
    adaChat.setTyping(true);
    adaChat.setTyping(true);
    expect((await started)[0]).toEqual([expect.objectContaining({ id: ada.id })]);
    expect(bobChat.typing.map((s) => s.displayName)).toEqual(['Ada']);
    expect(adaChat.typing).toEqual([]);

    const stopped = nextEvent(bobChat, ChatEvent.TypingChanged);
    adaChat.setTyping(false);
    expect((await stopped)[0]).toEqual([]);

    const startedAgain = nextEvent(bobChat, ChatEvent.TypingChanged);
    adaChat.setTyping(true);
    await startedAgain;
    const stoppedBySending = nextEvent(bobChat, ChatEvent.TypingChanged);
    await adaChat.send('done typing');
    expect((await stoppedBySending)[0]).toEqual([]);
  });

  it('rejects text over the server’s limit with its code, without retrying, and blank text with TypeError', async () => {
    const { ada, roomId } = await twoMembers();
    const adaChat = (await connect(ada)).chat(roomId);
    await adaChat.synced();

    const error = await adaChat.send('x'.repeat(501)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MinimeetError);
    expect((error as MinimeetError).code).toBe('validation_failed');
    expect(adaChat.pendingMessages).toEqual([]);
    await expect(adaChat.send('   ')).rejects.toBeInstanceOf(TypeError);
    expect(await stored(ada, roomId)).toEqual([]);
  });
});

describe('chat across dropped connections', () => {
  it('stores a message once when the connection drops after the server stored it but before the answer arrived', async () => {
    const { ada, bob, roomId } = await twoMembers();
    const net = await proxy();
    const adaClient = await connect(ada, { via: net, reconnect: FAST_RECONNECT });
    const adaChat = adaClient.chat(roomId);
    const bobChat = (await connect(bob)).chat(roomId);
    await Promise.all([adaChat.synced(), bobChat.synced()]);
    const bobReceived = record(bobChat, ChatEvent.MessageReceived);
    const adaReceived = record(adaChat, ChatEvent.MessageReceived);
    const reconnected = nextEvent(adaClient, ClientEvent.Reconnected);

    // The answer to chat_message is the only thing the server sends Ada that holds the text.
    const answerLost = net.cutWhenServerSends('exactly once, please');
    const sending = adaChat.send('exactly once, please');
    await answerLost;
    expect(adaChat.pendingMessages.map((p) => p.text)).toEqual(['exactly once, please']);
    await reconnected;
    const sent = await sending;

    expect(sent.text).toBe('exactly once, please');
    await until(() => bobReceived.length === 1, 'Bob to receive the message');
    expect(texts(await stored(ada, roomId))).toEqual(['exactly once, please']);
    await adaChat.synced();
    expect(adaChat.messages).toEqual([sent]);
    expect(adaReceived).toEqual([sent]);
    expect(bobReceived).toEqual([sent]);
    expect(net.cuts).toBe(1);
  });

  it('sends a message given while the connection is dropping once the client is back, once', async () => {
    const { ada, bob, roomId } = await twoMembers();
    const net = await proxy();
    const adaClient = await connect(ada, { via: net, reconnect: FAST_RECONNECT });
    const adaChat = adaClient.chat(roomId);
    const bobChat = (await connect(bob)).chat(roomId);
    await Promise.all([adaChat.synced(), bobChat.synced()]);
    const bobReceived = record(bobChat, ChatEvent.MessageReceived);
    const reconnecting = nextEvent(adaClient, ClientEvent.Reconnecting);

    net.cutAll();
    const first = adaChat.send('sent into a dying socket');
    const second = adaChat.send('and one more');
    await reconnecting;
    const [a, b] = await Promise.all([first, second]);

    expect([a.seq, b.seq]).toEqual([1, 2]);
    await until(() => bobReceived.length === 2, 'Bob to receive both messages');
    expect(texts(bobReceived)).toEqual(['sent into a dying socket', 'and one more']);
    expect(texts(await stored(ada, roomId))).toEqual(['sent into a dying socket', 'and one more']);
    expect(adaChat.messages).toEqual([a, b]);
  });

  it('fetches what others sent while the connection was down, in order, once', async () => {
    const { ada, bob, roomId } = await twoMembers();
    const net = await proxy();
    const adaClient = await connect(ada, { via: net, reconnect: FAST_RECONNECT });
    const adaChat = adaClient.chat(roomId);
    const bobChat = (await connect(bob)).chat(roomId);
    await Promise.all([adaChat.synced(), bobChat.synced()]);
    await bobChat.send('before');
    await until(() => adaChat.messages.length === 1, 'Ada to receive the first message');
    const adaReceived = record(adaChat, ChatEvent.MessageReceived);

    const reconnecting = nextEvent(adaClient, ClientEvent.Reconnecting);
    net.refuse(true);
    net.cutAll();
    await reconnecting;
    expect(adaChat.state).toBe(ChatState.Reconnecting);
    for (let i = 1; i <= 5; i++) await bobChat.send(`missed ${i}`);
    const synced = nextEvent(adaChat, ChatEvent.Synced, 10_000);
    net.refuse(false);
    await synced;

    expect(texts(adaReceived)).toEqual([
      'missed 1',
      'missed 2',
      'missed 3',
      'missed 4',
      'missed 5',
    ]);
    expect(seqs(adaChat.messages)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(adaChat.state).toBe(ChatState.Synced);

    // Live again: the next message arrives as usual, once.
    await bobChat.send('after');
    await until(() => adaChat.messages.length === 7, 'Ada to receive the next message');
    expect(texts(adaReceived).at(-1)).toBe('after');
    expect(adaReceived).toHaveLength(6);
  });

  it('fetches the missed messages page by page when more than a page was missed', async () => {
    const { ada, bob, roomId } = await twoMembers();
    const net = await proxy();
    const adaClient = await connect(ada, { via: net, reconnect: FAST_RECONNECT });
    const adaChat = adaClient.chat(roomId);
    const bobChat = (await connect(bob)).chat(roomId);
    await Promise.all([adaChat.synced(), bobChat.synced()]);

    const reconnecting = nextEvent(adaClient, ClientEvent.Reconnecting);
    net.refuse(true);
    net.cutAll();
    await reconnecting;
    for (let i = 1; i <= 120; i++) await bobChat.send(`m${i}`);
    const synced = nextEvent(adaChat, ChatEvent.Synced, 10_000);
    net.refuse(false);
    await synced;

    expect(seqs(adaChat.messages)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
  });
});

describe('history', () => {
  it('gives a late joiner the recent history, and loadOlder() pages back to the first message', async () => {
    const { ada, roomId } = await twoMembers();
    const adaChat = (await connect(ada)).chat(roomId);
    await adaChat.synced();
    for (let i = 1; i <= 60; i++) await adaChat.send(`m${i}`);
    const carol = await signUp(server.url, 'Carol');
    await api(server.url, carol, 'POST', `/rooms/${roomId}/join`, {});

    const carolChat = (await connect(carol)).chat(roomId);
    const [recent, hasMoreOlder] = await nextEvent(carolChat, ChatEvent.HistoryLoaded);
    expect(seqs(recent)).toEqual(Array.from({ length: 50 }, (_, i) => i + 11));
    expect(hasMoreOlder).toBe(true);
    await carolChat.synced();

    const page1 = await carolChat.loadOlder(6);
    expect(seqs(page1)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(carolChat.hasMoreOlder).toBe(true);
    const page2 = await carolChat.loadOlder(6);
    expect(seqs(page2)).toEqual([1, 2, 3, 4]);
    expect(carolChat.hasMoreOlder).toBe(false);
    expect(await carolChat.loadOlder()).toEqual([]);
    expect(seqs(carolChat.messages)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(carolChat.messages[0].text).toBe('m1');
  });

  it('opens an empty conversation with no history and nothing older', async () => {
    const { ada, roomId } = await twoMembers();
    const adaChat = (await connect(ada)).chat(roomId);
    const [recent, hasMoreOlder] = await nextEvent(adaChat, ChatEvent.HistoryLoaded);
    expect(recent).toEqual([]);
    expect(hasMoreOlder).toBe(false);
    expect(await adaChat.loadOlder()).toEqual([]);
  });
});

describe('opening and closing a conversation', () => {
  it('client.chat() gives the same object until it is closed', async () => {
    const { ada, roomId } = await twoMembers();
    const client = await connect(ada);
    const chat = client.chat(roomId);
    expect(client.chat(roomId)).toBe(chat);
    await chat.close();
    expect(chat.state).toBe(ChatState.Closed);
    expect(client.chat(roomId)).not.toBe(chat);
  });

  it('closes with the server’s error for a room one is not a member of', async () => {
    const mallory = await signUp(server.url, 'Mallory');
    const owner = await signUp(server.url, 'Owner');
    const privateRoom = await createRoom(server.url, owner, [], 'private');
    const client = await connect(mallory);
    const chat = client.chat(privateRoom);
    const closed = nextEvent(chat, ChatEvent.Closed);

    const error = await chat.synced().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MinimeetError);
    expect((error as MinimeetError).code).toBe('not_found');
    expect((await closed)[0]).toBe(error);
    expect(chat.state).toBe(ChatState.Closed);
    await expect(chat.send('hi')).rejects.toBeInstanceOf(InvalidStateError);
  });

  it('receives nothing more after close()', async () => {
    const { ada, bob, roomId } = await twoMembers();
    const adaClient = await connect(ada);
    const adaChat = adaClient.chat(roomId);
    const bobChat = (await connect(bob)).chat(roomId);
    await Promise.all([adaChat.synced(), bobChat.synced()]);
    await adaChat.close();

    await bobChat.send('nobody listens');
    await adaClient.ping();
    expect(adaChat.messages).toEqual([]);
    const reopened = adaClient.chat(roomId);
    await reopened.synced();
    expect(texts(reopened.messages)).toEqual(['nobody listens']);
  });

  it('closes every conversation when the client disconnects, rejecting what was still pending', async () => {
    const { ada, roomId } = await twoMembers();
    const net = await proxy();
    const client = await connect(ada, { via: net, reconnect: FAST_RECONNECT });
    const chat = client.chat(roomId);
    await chat.synced();
    const reconnecting = nextEvent(client, ClientEvent.Reconnecting);
    net.refuse(true);
    net.cutAll();
    await reconnecting;
    const pending = chat.send('never sent');

    await client.disconnect();

    await expect(pending).rejects.toMatchObject({ code: 'disconnected' });
    expect(chat.state).toBe(ChatState.Closed);
    expect(() => client.chat(roomId)).toThrow(InvalidStateError);
  });
});
