// A seq jump in the live stream cannot be provoked through the real server (it broadcasts every
// message to every subscriber), so this logic is driven through a scripted signalling seam.
import type { ChatHistorySlice, ChatMessage } from '@minimeet/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChatEvent } from '../events.js';
import type { SignalChannel } from '../signaling/SignalChannel.js';
import { record } from '../test/helpers.js';
import { ChatChannel } from './ChatChannel.js';

function message(seq: number): ChatMessage {
  return {
    id: `msg_${String(seq).padStart(8, '0')}`,
    clientId: `client-${String(seq).padStart(4, '0')}`,
    roomId: 'room',
    seq,
    sender: { id: 'other', displayName: 'Bob', avatarUrl: null },
    text: `m${seq}`,
    createdAt: new Date(seq * 1000).toISOString(),
    editedAt: null,
    deletedAt: null,
    reactions: [],
  };
}

/** A server holding `stored`, answering chat_subscribe and chat_history the way the real one does. */
function scriptedServer(stored: ChatMessage[]) {
  const requests: string[] = [];
  const slice = (after: number, limit: number): ChatHistorySlice => {
    const rest = stored.filter((m) => m.seq > after);
    return {
      roomId: 'room',
      messages: rest.slice(0, limit),
      hasMore: rest.length > limit,
      lastSeq: stored.at(-1)?.seq ?? 0,
    };
  };
  const signal = {
    isConnected: true,
    request: (event: string, payload: { afterSeq?: number; limit?: number }) => {
      requests.push(`${event}:${payload.afterSeq ?? '-'}`);
      if (event === 'chat_subscribe' && payload.afterSeq === undefined) {
        const recent = stored.slice(-(payload.limit ?? 50));
        return Promise.resolve({
          roomId: 'room',
          messages: recent,
          hasMore: stored.length > recent.length,
          lastSeq: stored.at(-1)?.seq ?? 0,
        });
      }
      return Promise.resolve(slice(payload.afterSeq ?? 0, payload.limit ?? 50));
    },
    subscribe: () => () => undefined,
    onConnectionChange: () => () => undefined,
  } as unknown as SignalChannel;
  return { signal, requests, stored };
}

function open(signal: SignalChannel): ChatChannel {
  return new ChatChannel('room', { signal, selfId: () => 'me', onClosed: () => undefined });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('ChatChannel on a seq jump in the live stream', () => {
  it('fetches the messages in between and reports everything once, in order', async () => {
    const server = scriptedServer([1, 2, 3].map(message));
    const chat = open(server.signal);
    await chat.synced();
    const received = record(chat, ChatEvent.MessageReceived);

    server.stored.push(message(4), message(5), message(6));
    chat.handleMessage(message(6));
    expect(chat.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    await vi.waitFor(() => expect(received).toHaveLength(3));

    expect(received.map((m) => m.seq)).toEqual([4, 5, 6]);
    expect(chat.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(server.requests).toEqual(['chat_subscribe:-', 'chat_history:3']);
    chat.handleMessage(message(5));
    expect(received).toHaveLength(3);
  });

  it('lets the messages after a gap through when the server never has the missing one', async () => {
    vi.useFakeTimers();
    const server = scriptedServer([1].map(message));
    const chat = open(server.signal);
    await vi.advanceTimersByTimeAsync(0);
    const received = record(chat, ChatEvent.MessageReceived);

    chat.handleMessage(message(3));
    await vi.advanceTimersByTimeAsync(0);
    expect(received).toEqual([]);
    await vi.advanceTimersByTimeAsync(5_000);

    expect(received.map((m) => m.seq)).toEqual([3]);
    expect(server.requests.filter((r) => r.startsWith('chat_history'))).toHaveLength(4);
  });
});
