import type { ChatMessage } from '@minimeet/protocol';
import { describe, expect, it } from 'vitest';
import { MessageLog } from './MessageLog.js';

function message(seq: number, text = `message ${seq}`): ChatMessage {
  return {
    id: `msg_${String(seq).padStart(8, '0')}`,
    clientId: `client-${String(seq).padStart(4, '0')}`,
    roomId: 'room',
    seq,
    sender: { id: 'u1', displayName: 'Ada', avatarUrl: null },
    text,
    createdAt: new Date(seq * 1000).toISOString(),
    editedAt: null,
    deletedAt: null,
    reactions: [],
  };
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => message(from + i));
const seqs = (messages: readonly ChatMessage[]) => messages.map((m) => m.seq);

describe('MessageLog', () => {
  it('starts from the recent slice and is complete up to its last message', () => {
    const log = new MessageLog();
    log.start(range(8, 10), 10);
    expect(seqs(log.messages)).toEqual([8, 9, 10]);
    expect(log.lastSeq).toBe(10);
    expect(log.firstSeq).toBe(8);
  });

  it('starts an empty conversation at the room’s last seq', () => {
    const log = new MessageLog();
    log.start([], 0);
    expect(log.messages).toEqual([]);
    expect(log.lastSeq).toBe(0);
    expect(log.append([message(1)]).appended.map((m) => m.seq)).toEqual([1]);
  });

  it('holds live messages that arrive before the first slice and lets through only the newer ones', () => {
    const log = new MessageLog();
    expect(log.append([message(10), message(11)])).toEqual({ appended: [], gap: true });
    const { appended, gap } = log.start(range(6, 10), 10);
    expect(seqs(appended)).toEqual([11]);
    expect(gap).toBe(false);
    expect(seqs(log.messages)).toEqual([6, 7, 8, 9, 10, 11]);
  });

  it('reports each message once, whatever order and how often it arrives', () => {
    const log = new MessageLog();
    log.start(range(1, 2), 2);
    expect(seqs(log.append([message(3)]).appended)).toEqual([3]);
    expect(log.append([message(3), message(2)]).appended).toEqual([]);
    expect(seqs(log.messages)).toEqual([1, 2, 3]);
  });

  it('holds messages beyond a gap until the gap is filled, then releases them in order', () => {
    const log = new MessageLog();
    log.start(range(1, 3), 3);
    expect(log.append([message(6)])).toEqual({ appended: [], gap: true });
    expect(log.hasGap).toBe(true);
    expect(log.lastSeq).toBe(3);
    const { appended, gap } = log.append([message(4), message(5)]);
    expect(seqs(appended)).toEqual([4, 5, 6]);
    expect(gap).toBe(false);
    expect(seqs(log.messages)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('lets held messages through when the gap cannot be filled', () => {
    const log = new MessageLog();
    log.start(range(1, 2), 2);
    log.append([message(5), message(4)]);
    expect(seqs(log.skipGap())).toEqual([4, 5]);
    expect(log.lastSeq).toBe(5);
    expect(log.hasGap).toBe(false);
  });

  it('prepends older pages without duplicates', () => {
    const log = new MessageLog();
    log.start(range(5, 6), 6);
    expect(seqs(log.prepend([...range(3, 5), message(4)]))).toEqual([3, 4]);
    expect(seqs(log.messages)).toEqual([3, 4, 5, 6]);
  });

  it('applies a change to a message it holds, and tells an echo from a change', () => {
    const log = new MessageLog();
    log.start(range(1, 3), 3);
    const edited = { ...message(2, 'edited'), editedAt: new Date().toISOString() };
    expect(log.update(edited)).toBe('changed');
    expect(log.messages[1].text).toBe('edited');
    expect(log.update({ ...edited })).toBe('unchanged');
  });

  it('takes a changed message newer than the log as new, and ignores one older than the history', () => {
    const log = new MessageLog();
    log.start(range(5, 6), 6);
    expect(log.update(message(7))).toBe('added');
    expect(log.update(message(2))).toBe('ignored');
  });

  it('finds a message by id', () => {
    const log = new MessageLog();
    log.start(range(1, 3), 3);
    expect(log.find(message(2).id)?.seq).toBe(2);
    expect(log.find('msg_unknown')).toBeUndefined();
  });
});
