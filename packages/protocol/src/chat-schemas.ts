/** Runtime schemas of the chat payloads and queries in `chat.ts`. */
import { z } from 'zod';
import { roomIdSchema } from './primitives.js';
import type {
  ChatHistoryPayload,
  ChatHistoryQuery,
  ChatSubscribePayload,
  ChatTypingPayload,
  ChatUnsubscribePayload,
  DeleteChatMessagePayload,
  EditChatMessagePayload,
  MessageSearchQuery,
  ReactChatMessagePayload,
  SendChatMessagePayload,
} from './chat.js';

/**
 * The protocol's hard ceiling on a message's length in characters. The server's configured limit
 * (`CHAT_MAX_LENGTH`, 4,000 by default) is checked on top of it with its own clear error.
 */
export const CHAT_TEXT_HARD_LIMIT = 16_000;

// Tab, line feed and carriage return are text; other control characters and lone surrogates are not
// (a database would mangle a lone surrogate, and NUL ends strings in C drivers).
const CHAT_TEXT_CHARS = /^(?:[^\p{Cc}\p{Cs}]|[\t\n\r])*$/u;

/** Chat text: not blank, no control characters but tab and line breaks, stored exactly as given. */
export const chatTextSchema = z
  .string()
  .max(CHAT_TEXT_HARD_LIMIT, `Message text must be at most ${CHAT_TEXT_HARD_LIMIT} characters.`)
  .refine((t) => t.trim().length > 0, 'Message text must not be empty.')
  .refine(
    (t) => CHAT_TEXT_CHARS.test(t),
    'Message text must not contain control characters (other than tabs and line breaks).',
  );

/** A client-made message id: 8 to 64 of `A-Z a-z 0-9 _ -`. */
export const chatClientIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, 'clientId must be 8 to 64 letters, digits, _ or -.');

/** A server message id (`msg_…`). */
export const chatMessageIdSchema = z
  .string()
  .regex(/^msg_[A-Za-z0-9_-]{8,64}$/, 'Must be a message id (msg_…).');

/** Counts user-perceived characters (grapheme clusters). */
function graphemes(text: string): number {
  let count = 0;
  for (const _ of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) count++;
  return count;
}

/**
 * One emoji: a single grapheme made of pictographs with their modifiers, joiners and variation
 * selectors (👍, 👩🏽‍💻, 🇫🇷, 1️⃣), at most 32 code points.
 */
export const emojiSchema = z
  .string()
  .min(1, 'emoji must not be empty.')
  .max(32, 'emoji must be at most 32 characters.')
  .regex(
    /^(?:\p{Extended_Pictographic}|\p{Emoji_Component}|\u200d|\ufe0f|\u20e3)+$/u,
    'emoji must be an emoji.',
  )
  .refine(
    (e) => /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u.test(e),
    'emoji must be an emoji.',
  )
  .refine((e) => graphemes(e) === 1, 'emoji must be a single emoji.');

/** A message sequence number: 0 (before the first message) or more. */
const seqSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const pageLimit = (max: number) => z.number().int().min(1).max(max);

/** Schema of {@link SendChatMessagePayload}. */
export const sendChatMessagePayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  clientId: chatClientIdSchema,
  text: chatTextSchema,
}) satisfies z.ZodType<SendChatMessagePayload>;

/** Schema of {@link EditChatMessagePayload}. */
export const editChatMessagePayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  messageId: chatMessageIdSchema,
  text: chatTextSchema,
}) satisfies z.ZodType<EditChatMessagePayload>;

/** Schema of {@link DeleteChatMessagePayload}. */
export const deleteChatMessagePayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  messageId: chatMessageIdSchema,
}) satisfies z.ZodType<DeleteChatMessagePayload>;

/** Schema of {@link ReactChatMessagePayload}. */
export const reactChatMessagePayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  messageId: chatMessageIdSchema,
  emoji: emojiSchema,
  add: z.boolean(),
}) satisfies z.ZodType<ReactChatMessagePayload>;

/** Schema of {@link ChatTypingPayload}. */
export const chatTypingPayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  typing: z.boolean(),
}) satisfies z.ZodType<ChatTypingPayload>;

/** Schema of {@link ChatSubscribePayload}. */
export const chatSubscribePayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  afterSeq: seqSchema.optional(),
  limit: pageLimit(200).optional(),
}) satisfies z.ZodType<ChatSubscribePayload>;

/** Schema of {@link ChatUnsubscribePayload}. */
export const chatUnsubscribePayloadSchema = z.strictObject({
  roomId: roomIdSchema,
}) satisfies z.ZodType<ChatUnsubscribePayload>;

/** Schema of {@link ChatHistoryPayload}. */
export const chatHistoryPayloadSchema = z
  .strictObject({
    roomId: roomIdSchema,
    beforeSeq: seqSchema.optional(),
    afterSeq: seqSchema.optional(),
    limit: pageLimit(200).optional(),
  })
  .refine(
    (p) => p.beforeSeq === undefined || p.afterSeq === undefined,
    'Give beforeSeq or afterSeq, not both.',
  ) satisfies z.ZodType<ChatHistoryPayload>;

const queryInt = (name: string, min: number, max: number) =>
  z.coerce
    .number({ message: `${name} must be a number.` })
    .int(`${name} must be a whole number.`)
    .min(min, `${name} must be at least ${min}.`)
    .max(max, `${name} must be at most ${max}.`);

/** Schema of {@link ChatHistoryQuery} (query-string values arrive as strings). */
export const chatHistoryQuerySchema = z.strictObject({
  cursor: z.string().min(1).max(200).optional(),
  limit: queryInt('limit', 1, 200).optional(),
  afterSeq: queryInt('afterSeq', 0, Number.MAX_SAFE_INTEGER).optional(),
}) satisfies z.ZodType<ChatHistoryQuery, unknown>;

/** Schema of {@link MessageSearchQuery} (query-string values arrive as strings). */
export const messageSearchQuerySchema = z.strictObject({
  q: z
    .string()
    .max(500, 'q must be at most 500 characters.')
    .refine((q) => q.trim().length > 0, 'q must not be empty.'),
  roomId: roomIdSchema.optional(),
  senderId: z.string().min(1).max(300).optional(),
  from: z.iso.datetime({ offset: true, message: 'from must be an ISO 8601 time.' }).optional(),
  to: z.iso.datetime({ offset: true, message: 'to must be an ISO 8601 time.' }).optional(),
  sort: z.enum(['newest', 'relevance']).optional(),
  limit: queryInt('limit', 1, 100).optional(),
  cursor: z.string().min(1).max(200).optional(),
}) satisfies z.ZodType<MessageSearchQuery, unknown>;
