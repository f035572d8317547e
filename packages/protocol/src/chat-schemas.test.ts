import { describe, expect, it } from 'vitest';
import {
  chatHistoryPayloadSchema,
  chatHistoryQuerySchema,
  emojiSchema,
  messageSearchQuerySchema,
  presenceSubscribePayloadSchema,
  presenceUpdatePayloadSchema,
  reactChatMessagePayloadSchema,
  sendChatMessagePayloadSchema,
} from './schemas.js';

const send = (text: string) =>
  sendChatMessagePayloadSchema.safeParse({ roomId: 'r1', clientId: 'c_12345678', text });

describe('chat payload schemas', () => {
  it('keeps text exactly as given: markup, emoji, CJK, RTL, line breaks and tabs', () => {
    for (const text of [
      '<script>alert(1)</script>',
      '👩🏽‍💻 ship it 🚀',
      '日本語の会議は明日です',
      'مرحبا بالعالم',
      'line one\nline two\r\n\tindented',
      '  padded  ',
    ]) {
      const parsed = send(text);
      expect(parsed.success, text).toBe(true);
      expect(parsed.data?.text).toBe(text);
    }
  });

  it('refuses blank text and control characters with a sentence', () => {
    for (const text of ['', '   ', '\n\t', 'a\u0000b', 'bell\u0007', 'lone \ud800 surrogate']) {
      const parsed = send(text);
      expect(parsed.success, JSON.stringify(text)).toBe(false);
      expect(parsed.error?.issues[0]?.message).toMatch(/Message text must/);
    }
  });

  it('refuses a client id that is too short or has odd characters, and unknown fields', () => {
    expect(
      sendChatMessagePayloadSchema.safeParse({ roomId: 'r1', clientId: 'short', text: 'hi' })
        .success,
    ).toBe(false);
    expect(
      sendChatMessagePayloadSchema.safeParse({ roomId: 'r1', clientId: 'has space!', text: 'hi' })
        .success,
    ).toBe(false);
    expect(
      sendChatMessagePayloadSchema.safeParse({
        roomId: 'r1',
        clientId: 'c_12345678',
        text: 'hi',
        sender: 'someone-else',
      }).success,
    ).toBe(false);
  });

  it('takes one emoji as a reaction, and nothing that is not one', () => {
    for (const emoji of ['👍', '👩🏽‍💻', '❤️', '🇫🇷', '1️⃣']) {
      expect(emojiSchema.safeParse(emoji).success, emoji).toBe(true);
    }
    for (const emoji of ['', 'a', 'lol', '<b>', '1', '👍'.repeat(20)]) {
      expect(emojiSchema.safeParse(emoji).success, emoji).toBe(false);
    }
    expect(
      reactChatMessagePayloadSchema.safeParse({
        roomId: 'r1',
        messageId: 'msg_abcdefgh12',
        emoji: '🎉',
        add: true,
      }).success,
    ).toBe(true);
  });

  it('refuses history with both directions', () => {
    expect(chatHistoryPayloadSchema.safeParse({ roomId: 'r1', beforeSeq: 5 }).success).toBe(true);
    expect(
      chatHistoryPayloadSchema.safeParse({ roomId: 'r1', beforeSeq: 5, afterSeq: 1 }).success,
    ).toBe(false);
  });

  it('coerces query strings and names the bad parameter', () => {
    expect(chatHistoryQuerySchema.parse({ limit: '20', afterSeq: '0' })).toEqual({
      limit: 20,
      afterSeq: 0,
    });
    const bad = chatHistoryQuerySchema.safeParse({ limit: '1000' });
    expect(bad.error?.issues[0]?.message).toBe('limit must be at most 200.');
    expect(messageSearchQuerySchema.safeParse({ q: '"unbalanced AND (meet*' }).success).toBe(true);
    expect(messageSearchQuerySchema.safeParse({ q: '   ' }).error?.issues[0]?.message).toBe(
      'q must not be empty.',
    );
    expect(
      messageSearchQuerySchema.safeParse({ q: 'x', from: 'yesterday' }).error?.issues[0]?.message,
    ).toBe('from must be an ISO 8601 time.');
  });
});

describe('presence payload schemas', () => {
  it('needs something to change or someone to follow', () => {
    expect(presenceUpdatePayloadSchema.safeParse({}).success).toBe(false);
    expect(presenceUpdatePayloadSchema.safeParse({ busy: true, statusText: null }).success).toBe(
      true,
    );
    expect(presenceSubscribePayloadSchema.safeParse({ userIds: [] }).success).toBe(false);
    expect(presenceSubscribePayloadSchema.safeParse({ sharedRooms: true }).success).toBe(true);
  });

  it('refuses a status text with control characters or over 100 characters', () => {
    expect(presenceUpdatePayloadSchema.safeParse({ statusText: 'in\u202ea meeting' }).success).toBe(
      false,
    );
    expect(presenceUpdatePayloadSchema.safeParse({ statusText: 'x'.repeat(101) }).success).toBe(
      false,
    );
  });
});
