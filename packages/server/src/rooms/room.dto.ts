import {
  ErrorCode,
  type RoomDetails,
  type RoomInvite,
  type RoomMember,
  type RoomRole,
} from '@minimeet/protocol';
import { z } from 'zod';
import { AppError } from '../common/app-error.js';
import type { RoomInviteEntity } from './room-invite.entity.js';
import type { RoomMemberEntity } from './room-member.entity.js';
import type { RoomEntity } from './room.entity.js';

const limitSchema = z.coerce
  .number()
  .int('limit must be a whole number.')
  .min(1, 'limit must be at least 1.')
  .max(100, 'limit must be at most 100.')
  .default(50)
  .describe('Items per page, 1 to 100 (default 50).');

const cursorSchema = z
  .string()
  .min(1)
  .max(400, 'cursor is not one this server gave out.')
  .optional()
  .describe('The `nextCursor` of the previous page.');

/** Query of `GET /api/rooms`: which rooms, and which page of them. */
export const listRoomsQuerySchema = z.strictObject({
  scope: z
    .enum(['mine', 'public', 'all'])
    .default('all')
    .describe('`mine`: rooms you are a member of; `public`: public rooms; `all` (default): both.'),
  limit: limitSchema,
  cursor: cursorSchema,
});

/** A validated {@link listRoomsQuerySchema}. */
export type ListRoomsQuery = z.infer<typeof listRoomsQuerySchema>;

/** Query of a paginated listing such as `GET /api/rooms/:id/members`. */
export const pageQuerySchema = z.strictObject({ limit: limitSchema, cursor: cursorSchema });

/** A validated {@link pageQuerySchema}. */
export type PageQuery = z.infer<typeof pageQuerySchema>;

/** A page position as the opaque cursor clients receive: base64url of `[time, id]`. */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

const decodedCursorSchema = z.tuple([z.iso.datetime(), z.string().min(1).max(128)]);

/** The position inside a cursor from {@link encodeCursor}; `validation_failed` for anything else. */
export function decodeCursor(cursor: string): { at: Date; id: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const result = decodedCursorSchema.safeParse(parsed);
  if (!result.success) {
    throw new AppError(ErrorCode.ValidationFailed, 'Query is invalid: cursor: unknown cursor.', {
      issues: [{ path: 'cursor', message: 'Not a cursor this server gave out.' }],
    });
  }
  return { at: new Date(result.data[0]), id: result.data[1] };
}

/** A room as the REST API shows it to one caller. */
export function toRoomDetails(
  room: RoomEntity,
  myRole: RoomRole | null,
  participantCount: number,
): RoomDetails {
  return {
    id: room.id,
    name: room.name,
    visibility: room.visibility,
    hasPassword: room.passwordHash !== null,
    capacity: room.capacity,
    topology: room.topology,
    ownerId: room.ownerId,
    myRole,
    participantCount,
    createdAt: room.createdAt.toISOString(),
    updatedAt: room.updatedAt.toISOString(),
  };
}

/** A membership with its member's profile, as the REST API shows it. */
export function toRoomMember(
  member: RoomMemberEntity,
  profile: { displayName: string; avatarUrl: string | null },
): RoomMember {
  return {
    userId: member.userId,
    displayName: profile.displayName,
    avatarUrl: profile.avatarUrl,
    role: member.role,
    joinedAt: member.joinedAt.toISOString(),
  };
}

/** An invite as the REST API shows it, with its shareable link. */
export function toRoomInvite(invite: RoomInviteEntity, publicUrl: string | undefined): RoomInvite {
  const base = (publicUrl ?? '').replace(/\/+$/, '');
  return {
    code: invite.code,
    roomId: invite.roomId,
    role: invite.role,
    expiresAt: invite.expiresAt.toISOString(),
    maxUses: invite.maxUses,
    uses: invite.uses,
    createdBy: invite.createdBy,
    createdAt: invite.createdAt.toISOString(),
    url: `${base}/?invite=${encodeURIComponent(invite.code)}`,
  };
}
