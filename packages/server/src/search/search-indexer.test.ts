import type { ChatMessage } from '@minimeet/protocol';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../common/event-bus.js';
import type { MessageSearch } from './message-search.port.js';
import { SearchIndexer } from './search-indexer.js';

const message = (id: string, text: string): ChatMessage => ({
  id,
  clientId: `c-${id}`,
  roomId: 'room-1',
  seq: 1,
  sender: { id: 'u', displayName: 'U', avatarUrl: null },
  text,
  createdAt: '2026-01-01T00:00:00.000Z',
  editedAt: null,
  deletedAt: null,
  reactions: [],
});

/** An engine that records what it is handed; the first call for each message is slow. */
function recordingEngine() {
  const calls: string[] = [];
  const slow = new Set<string>();
  const engine = {
    engine: 'elasticsearch',
    async indexed(m: ChatMessage) {
      if (!slow.has(m.id)) {
        slow.add(m.id);
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      if (m.text === 'fail') throw new Error('engine down');
      calls.push(`${m.id}:${m.text}`);
    },
    roomDeleted(roomId: string) {
      calls.push(`room:${roomId}`);
      return Promise.resolve();
    },
  } as unknown as MessageSearch;
  return { engine, calls };
}

describe('SearchIndexer', () => {
  it('hands each change of a message to the engine in the order it was published', async () => {
    const bus = new EventBus();
    const { engine, calls } = recordingEngine();
    const indexer = new SearchIndexer(bus, engine);
    bus.emit('chat.message_created', { message: message('a', 'first') });
    bus.emit('chat.message_updated', { message: message('a', 'second'), change: 'edited' });
    bus.emit('chat.message_updated', { message: message('a', 'third'), change: 'reactions' });
    bus.emit('chat.message_updated', { message: message('a', ''), change: 'deleted' });
    bus.emit('room.deleted', { roomId: 'room-9' });
    await indexer.idle();
    expect(calls).toEqual(['room:room-9', 'a:first', 'a:second', 'a:']);
    await indexer.onModuleDestroy();
  });

  it('keeps going after the engine fails on one change', async () => {
    const bus = new EventBus();
    const { engine, calls } = recordingEngine();
    const indexer = new SearchIndexer(bus, engine);
    bus.emit('chat.message_created', { message: message('b', 'fail') });
    bus.emit('chat.message_updated', { message: message('b', 'fixed'), change: 'edited' });
    await indexer.idle();
    expect(calls).toEqual(['b:fixed']);
    await indexer.onModuleDestroy();
    bus.emit('chat.message_created', { message: message('c', 'after') });
    await indexer.idle();
    expect(calls).toEqual(['b:fixed']);
  });
});
