/** Runtime schemas of the room REST bodies in `rooms.ts`. */
import { z } from 'zod';
import type {
  AcceptedInvite,
  CreateInviteRequest,
  CreateRoomRequest,
  JoinRoomRequest,
  RoomDetails,
  RoomInvite,
  RoomMember,
  UpdateMemberRequest,
  UpdateRoomRequest,
} from './rooms.js';
import { displayNameSchema, roomRoleSchema, timestampSchema } from './primitives.js';

/** Schema of a room topology. */
export const roomTopologySchema = z.enum(['auto', 'mesh', 'sfu']);

/** Schema of a room visibility. */
export const roomVisibilitySchema = z.enum(['public', 'private']);

/** A room password: 4 to 128 characters. */
export const roomPasswordSchema = z
  .string()
  .min(4, 'Room password must be at least 4 characters.')
  .max(128, 'Room password must be at most 128 characters.');

const capacitySchema = z
  .number()
  .int('capacity must be a whole number.')
  .min(2, 'capacity must be at least 2.')
  .max(1000, 'capacity must be at most 1000.');

/** Schema of {@link CreateRoomRequest}. */
export const createRoomRequestSchema = z.strictObject({
  name: displayNameSchema,
  visibility: roomVisibilitySchema.optional(),
  password: roomPasswordSchema.optional(),
  capacity: capacitySchema.optional(),
  topology: roomTopologySchema.optional(),
}) satisfies z.ZodType<CreateRoomRequest>;

/** Schema of {@link UpdateRoomRequest}. */
export const updateRoomRequestSchema = z
  .strictObject({
    name: displayNameSchema.optional(),
    visibility: roomVisibilitySchema.optional(),
    password: roomPasswordSchema.nullable().optional(),
    capacity: capacitySchema.optional(),
    topology: roomTopologySchema.optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), {
    message: 'Give at least one field to change.',
  }) satisfies z.ZodType<UpdateRoomRequest>;

/** Schema of {@link UpdateMemberRequest}. */
export const updateMemberRequestSchema = z.strictObject({
  role: z.enum(['moderator', 'member']),
}) satisfies z.ZodType<UpdateMemberRequest>;

/** Schema of {@link JoinRoomRequest}. */
export const joinRoomRequestSchema = z.strictObject({
  password: z.string().max(128).optional(),
}) satisfies z.ZodType<JoinRoomRequest>;

/** Schema of {@link CreateInviteRequest}. */
export const createInviteRequestSchema = z.strictObject({
  ttlSeconds: z
    .number()
    .int()
    .min(60, 'ttlSeconds must be at least 60.')
    .max(30 * 86_400, 'ttlSeconds must be at most 30 days.')
    .optional(),
  maxUses: z.number().int().min(1).max(10_000).optional(),
  role: z.enum(['moderator', 'member']).optional(),
}) satisfies z.ZodType<CreateInviteRequest>;

/** Schema of {@link RoomDetails}. */
export const roomDetailsSchema = z
  .object({
    id: z.string().describe('Room id.'),
    name: z.string().describe('Display name.'),
    visibility: roomVisibilitySchema,
    hasPassword: z.boolean().describe('Joining as a non-member needs the password.'),
    capacity: z.number().int().describe('Most participants in a call at once.'),
    topology: roomTopologySchema,
    ownerId: z.string().nullable().describe("The owner's user id, or null."),
    myRole: roomRoleSchema.nullable().describe("The caller's role, or null for a non-member."),
    participantCount: z.number().int().min(0).describe('People in the call right now.'),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .describe('A room.') satisfies z.ZodType<RoomDetails>;

/** Schema of a page of rooms. */
export const roomPageSchema = z.object({
  items: z.array(roomDetailsSchema),
  nextCursor: z.string().nullable().describe('Cursor of the next page, or null.'),
});

/** Schema of {@link RoomMember}. */
export const roomMemberSchema = z.object({
  userId: z.string(),
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
  role: roomRoleSchema,
  joinedAt: timestampSchema,
}) satisfies z.ZodType<RoomMember>;

/** Schema of a page of members. */
export const roomMemberPageSchema = z.object({
  items: z.array(roomMemberSchema),
  nextCursor: z.string().nullable(),
});

/** Schema of {@link RoomInvite}. */
export const roomInviteSchema = z.object({
  code: z.string(),
  roomId: z.string(),
  role: z.enum(['moderator', 'member']),
  expiresAt: timestampSchema,
  maxUses: z.number().int().nullable(),
  uses: z.number().int().min(0),
  createdBy: z.string(),
  createdAt: timestampSchema,
  url: z.string(),
}) satisfies z.ZodType<RoomInvite>;

/** Schema of {@link AcceptedInvite}. */
export const acceptedInviteSchema = z.object({
  room: roomDetailsSchema,
}) satisfies z.ZodType<AcceptedInvite>;
