import {
  ErrorCode,
  type ChatHistoryPage,
  type ChatMessage,
  type ChatReaction,
  type SendChatMessagePayload,
} from '@minimeet/protocol';
import { sendChatMessagePayloadSchema } from '@minimeet/protocol/schemas';
import { z } from 'zod';
import { AppError } from '../common/app-error.js';
import type { ChatMessageEntity } from './chat-message.entity.js';
import type { ChatReactionEntity } from './chat-reaction.entity.js';

/** Most principal ids listed with one emoji of a message's reactions. */
export const REACTION_IDS_SHOWN = 50;

/** Schema of {@link ChatMessage}, for the OpenAPI document. */
export const chatMessageSchema = z.object({
  id: z.string().describe('Server id (`msg_…`).'),
  clientId: z.string().describe('The id the sender’s client gave it.'),
  roomId: z.string(),
  seq: z.number().int().describe('Position in the room’s conversation: 1, 2, 3, … with no gaps.'),
  sender: z.object({
    id: z.string().describe('A user id, or `guest:<owner>:<identity>`.'),
    displayName: z.string(),
    avatarUrl: z.string().nullable(),
  }),
  text: z.string().describe('Exactly as sent; "" once deleted. Render it as text, never as HTML.'),
  createdAt: z.string().describe('ISO 8601 time the server stored it.'),
  editedAt: z.string().nullable(),
  deletedAt: z.string().nullable(),
  reactions: z.array(
    z.object({
      emoji: z.string(),
      count: z.number().int(),
      principalIds: z.array(z.string()).describe('At most the first 50.'),
    }),
  ),
}) satisfies z.ZodType<ChatMessage>;

/** Schema of {@link ChatHistoryPage}, for the OpenAPI document. */
export const chatHistoryPageSchema = z.object({
  items: z.array(chatMessageSchema),
  nextCursor: z
    .string()
    .nullable()
    .describe('Pass as `cursor` for the next page; null at the end.'),
}) satisfies z.ZodType<ChatHistoryPage>;

/** Body of `POST /api/rooms/:roomId/messages`: a message sent from a backend. */
export const postChatMessageBodySchema = sendChatMessagePayloadSchema.omit({ roomId: true });

/** A validated {@link postChatMessageBodySchema}. */
export type PostChatMessageBody = Omit<SendChatMessagePayload, 'roomId'>;

/** Groups reactions (oldest first) by emoji, in the order each emoji was first used. */
export function groupReactions(rows: readonly ChatReactionEntity[]): ChatReaction[] {
  const byEmoji = new Map<string, ChatReaction>();
  for (const row of rows) {
    let group = byEmoji.get(row.emoji);
    if (!group) byEmoji.set(row.emoji, (group = { emoji: row.emoji, count: 0, principalIds: [] }));
    group.count += 1;
    if (group.principalIds.length < REACTION_IDS_SHOWN) group.principalIds.push(row.principalId);
  }
  return [...byEmoji.values()];
}

/** A stored message as the wire shows it. */
export function toChatMessage(
  message: ChatMessageEntity,
  reactions: readonly ChatReactionEntity[],
): ChatMessage {
  return {
    id: message.id,
    clientId: message.clientId,
    roomId: message.roomId,
    seq: message.seq,
    sender: {
      id: message.senderId,
      displayName: message.senderName,
      avatarUrl: message.senderAvatar,
    },
    text: message.text,
    createdAt: message.createdAt.toISOString(),
    editedAt: message.editedAt?.toISOString() ?? null,
    deletedAt: message.deletedAt?.toISOString() ?? null,
    reactions: groupReactions(reactions),
  };
}

/** Which way a history page goes from its position. */
export type HistoryDirection = 'before' | 'after';

/** A history position as the opaque cursor clients receive: base64url of `["b"|"a", seq]`. */
export function encodeHistoryCursor(direction: HistoryDirection, seq: number): string {
  return Buffer.from(JSON.stringify([direction === 'before' ? 'b' : 'a', seq])).toString(
    'base64url',
  );
}

const decodedHistoryCursorSchema = z.tuple([
  z.enum(['b', 'a']),
  z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
]);

/** The position inside a cursor from {@link encodeHistoryCursor}; `validation_failed` otherwise. */
export function decodeHistoryCursor(cursor: string): { direction: HistoryDirection; seq: number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const result = decodedHistoryCursorSchema.safeParse(parsed);
  if (!result.success) {
    throw new AppError(ErrorCode.ValidationFailed, 'Query is invalid: cursor: unknown cursor.', {
      issues: [{ path: 'cursor', message: 'Not a cursor this server gave out.' }],
    });
  }
  return { direction: result.data[0] === 'b' ? 'before' : 'after', seq: result.data[1] };
}
