/** Runtime schemas of the moderation payloads and REST bodies in `moderation.ts`. */
import { z } from 'zod';
import { NO_CONTROL_CHARS, roomIdSchema, roomRoleSchema, timestampSchema } from './primitives.js';
import { participantIdSchema, publishedTrackSchema } from './signalling-schemas.js';
import {
  BAN_MAX_SECONDS,
  ROOM_DATA_MAX_BYTES,
  type AskUnmutePayload,
  type EndCallPayload,
  type LiveParticipantsResponse,
  type LobbyDecisionPayload,
  type LobbyEntry,
  type LobbyKnockPayload,
  type LobbyLeavePayload,
  type LobbyListPayload,
  type LowerHandPayload,
  type ModerationGrants,
  type ModerationStatePayload,
  type ModerationStateResult,
  type MuteAllPayload,
  type MuteParticipantPayload,
  type MuteRequest,
  type RaiseHandPayload,
  type RaisedHand,
  type RemoveParticipantPayload,
  type RemoveRequest,
  type RoomModeration,
  type SendDataRequest,
  type UpdateGrantsPayload,
  type UpdateRoomModerationPayload,
  type UpdateRoomModerationRequest,
} from './moderation.js';
import type { ParticipantInfo } from './signalling.js';

/** Schema of a {@link MuteSource}. */
export const muteSourceSchema = z.enum(['microphone', 'camera', 'screen_share']);

const sourcesSchema = z
  .array(muteSourceSchema)
  .min(1, 'Name at least one source.')
  .max(3)
  .refine((s) => new Set(s).size === s.length, 'Each source may appear only once.');

/** A lobby wait id as the server issues it. */
export const lobbyEntryIdSchema = z
  .string()
  .regex(/^lb_[A-Za-z0-9_-]{8,64}$/, 'Must be a lobby entry id (lb_…).');

const reasonSchema = z
  .string()
  .trim()
  .min(1, 'reason must not be empty.')
  .max(200, 'reason must be at most 200 characters.')
  .regex(NO_CONTROL_CHARS, 'reason must not contain control characters.');

const banSecondsSchema = z
  .number()
  .int('banSeconds must be a whole number.')
  .min(0, 'banSeconds must not be negative.')
  .max(BAN_MAX_SECONDS, `banSeconds must be at most ${BAN_MAX_SECONDS} (30 days).`);

/** Schema of {@link ModerationGrants} (REST body of a grants change too). */
export const moderationGrantsSchema = z
  .strictObject({
    canPublishAudio: z.boolean().optional(),
    canPublishVideo: z.boolean().optional(),
    canShareScreen: z.boolean().optional(),
    canChat: z.boolean().optional(),
  })
  .refine((g) => Object.values(g).some((v) => v !== undefined), {
    message: 'Give at least one grant to change.',
  }) satisfies z.ZodType<ModerationGrants>;

/** Schema of {@link MuteParticipantPayload}. */
export const muteParticipantPayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  participantId: participantIdSchema,
  sources: sourcesSchema,
}) satisfies z.ZodType<MuteParticipantPayload>;

/** Schema of {@link MuteAllPayload}. */
export const muteAllPayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  sources: sourcesSchema,
}) satisfies z.ZodType<MuteAllPayload>;

/** Schema of {@link AskUnmutePayload}. */
export const askUnmutePayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  participantId: participantIdSchema,
  sources: sourcesSchema,
}) satisfies z.ZodType<AskUnmutePayload>;

/** Schema of {@link RemoveParticipantPayload}. */
export const removeParticipantPayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  participantId: participantIdSchema,
  banSeconds: banSecondsSchema.optional(),
  reason: reasonSchema.optional(),
}) satisfies z.ZodType<RemoveParticipantPayload>;

/** Schema of {@link UpdateGrantsPayload}. */
export const updateGrantsPayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  participantId: participantIdSchema,
  grants: moderationGrantsSchema,
}) satisfies z.ZodType<UpdateGrantsPayload>;

/** Schema of {@link UpdateRoomModerationRequest} (the REST body). */
export const updateRoomModerationRequestSchema = z
  .strictObject({
    locked: z.boolean().optional(),
    lobby: z.boolean().optional(),
  })
  .refine((v) => v.locked !== undefined || v.lobby !== undefined, {
    message: 'Give locked, lobby or both.',
  }) satisfies z.ZodType<UpdateRoomModerationRequest>;

/** Schema of {@link UpdateRoomModerationPayload}. */
export const updateRoomModerationPayloadSchema = z
  .strictObject({
    roomId: roomIdSchema,
    locked: z.boolean().optional(),
    lobby: z.boolean().optional(),
  })
  .refine((v) => v.locked !== undefined || v.lobby !== undefined, {
    message: 'Give locked, lobby or both.',
  }) satisfies z.ZodType<UpdateRoomModerationPayload>;

const roomOnly = z.strictObject({ roomId: roomIdSchema });

/** Schema of {@link EndCallPayload}. */
export const endCallPayloadSchema = roomOnly satisfies z.ZodType<EndCallPayload>;

/** Schema of {@link LobbyLeavePayload}. */
export const lobbyLeavePayloadSchema = roomOnly satisfies z.ZodType<LobbyLeavePayload>;

/** Schema of {@link LobbyListPayload}. */
export const lobbyListPayloadSchema = roomOnly satisfies z.ZodType<LobbyListPayload>;

/** Schema of {@link ModerationStatePayload}. */
export const moderationStatePayloadSchema = roomOnly satisfies z.ZodType<ModerationStatePayload>;

/** Schema of {@link LobbyKnockPayload}. */
export const lobbyKnockPayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  password: z.string().max(128).optional(),
  inviteCode: z.string().min(1).max(128).optional(),
}) satisfies z.ZodType<LobbyKnockPayload>;

/** Schema of {@link LobbyDecisionPayload}. */
export const lobbyDecisionPayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  entryId: lobbyEntryIdSchema,
}) satisfies z.ZodType<LobbyDecisionPayload>;

/** Schema of {@link RaiseHandPayload}. */
export const raiseHandPayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  raised: z.boolean(),
}) satisfies z.ZodType<RaiseHandPayload>;

/** Schema of {@link LowerHandPayload}. */
export const lowerHandPayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  participantId: participantIdSchema,
}) satisfies z.ZodType<LowerHandPayload>;

/** Schema of {@link MuteRequest}. */
export const muteRequestSchema = z.strictObject({
  sources: sourcesSchema,
}) satisfies z.ZodType<MuteRequest>;

/** Schema of {@link RemoveRequest}. */
export const removeRequestSchema = z.strictObject({
  banSeconds: banSecondsSchema.optional(),
  reason: reasonSchema.optional(),
}) satisfies z.ZodType<RemoveRequest>;

/** Schema of {@link SendDataRequest}. */
export const sendDataRequestSchema = z.strictObject({
  topic: z
    .string()
    .min(1)
    .max(64, 'topic must be at most 64 characters.')
    .regex(NO_CONTROL_CHARS, 'topic must not contain control characters.')
    .optional(),
  data: z
    .json()
    .refine(
      (d) => d !== undefined && JSON.stringify(d).length <= ROOM_DATA_MAX_BYTES,
      `data must be a JSON value of at most ${ROOM_DATA_MAX_BYTES} bytes.`,
    ),
}) satisfies z.ZodType<SendDataRequest>;

// Response schemas: plain objects, so that a client keeps working when a server adds a field.

/** Schema of {@link RoomModeration}. */
export const roomModerationSchema = z
  .object({
    locked: z.boolean().describe('Only owners and moderators may join.'),
    lobby: z.boolean().describe('Non-members wait for a host to admit them.'),
  })
  .describe("A room's live moderation settings.") satisfies z.ZodType<RoomModeration>;

/** Schema of {@link RaisedHand}. */
export const raisedHandSchema = z.object({
  participantId: z.string(),
  raisedAt: timestampSchema,
}) satisfies z.ZodType<RaisedHand>;

/** Schema of {@link LobbyEntry}. */
export const lobbyEntrySchema = z.object({
  id: z.string(),
  principalId: z.string(),
  principalKind: z.enum(['user', 'guest']),
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
  knockedAt: timestampSchema,
}) satisfies z.ZodType<LobbyEntry>;

/** Schema of {@link ParticipantInfo}, as a response describes it. */
export const participantInfoSchema = z.object({
  id: z.string(),
  principalId: z.string(),
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
  role: roomRoleSchema,
  permissions: z.object({
    canPublish: z.boolean(),
    canSubscribe: z.boolean(),
    canChat: z.boolean(),
    canPublishAudio: z.boolean().optional(),
    canPublishVideo: z.boolean().optional(),
    canShareScreen: z.boolean().optional(),
  }),
  joinedAt: timestampSchema,
  connection: z.enum(['connected', 'reconnecting']),
  tracks: z.array(publishedTrackSchema),
}) satisfies z.ZodType<ParticipantInfo>;

/** Schema of {@link LiveParticipantsResponse}. */
export const liveParticipantsResponseSchema = z
  .object({
    roomId: z.string(),
    participants: z.array(participantInfoSchema),
    moderation: roomModerationSchema,
    hands: z.array(raisedHandSchema),
  })
  .describe('The live call of a room.') satisfies z.ZodType<LiveParticipantsResponse>;

/** Schema of the lobby as REST returns it. */
export const lobbyResponseSchema = z
  .object({ roomId: z.string(), entries: z.array(lobbyEntrySchema) })
  .describe("Who waits in a room's lobby, longest first.");

/** Schema of the answer to a mute: how many tracks (or participants, for mute-all) were muted. */
export const mutedResponseSchema = z
  .object({ muted: z.number().int().min(0) })
  .describe('How many tracks were marked muted (mute-all: how many participants).');

/** Schema of {@link ModerationStateResult}. */
export const moderationStateResultSchema = z
  .object({ moderation: roomModerationSchema, hands: z.array(raisedHandSchema) })
  .describe("The room's settings and raised hands.") satisfies z.ZodType<ModerationStateResult>;
