/**
 * Runtime schemas for every body and payload in the contract. The server validates each inbound
 * request against these and documents each response with them; the types they produce are the
 * interfaces in `http.ts`, `events.ts` and `errors.ts`. Kept in their own entry point so that a
 * browser bundle that needs only types never ships zod.
 */
import { z } from 'zod';
import type { ErrorBody } from './errors.js';
import {
  displayNameSchema,
  errorInfoSchema,
  httpUrlSchema,
  NO_CONTROL_CHARS,
  roomIdSchema,
  roomRoleSchema,
  timestampSchema,
} from './primitives.js';
import type { AuthRefreshPayload, ClientEventName, HandshakeAuth, PingPayload } from './events.js';
import {
  iceCandidatePayloadSchema,
  joinRoomPayloadSchema,
  leaveRoomPayloadSchema,
  updateMediaStatePayloadSchema,
  webrtcAnswerPayloadSchema,
  webrtcOfferPayloadSchema,
} from './signalling-schemas.js';
import {
  chatHistoryPayloadSchema,
  chatSubscribePayloadSchema,
  chatTypingPayloadSchema,
  chatUnsubscribePayloadSchema,
  deleteChatMessagePayloadSchema,
  editChatMessagePayloadSchema,
  reactChatMessagePayloadSchema,
  sendChatMessagePayloadSchema,
} from './chat-schemas.js';
import { qualityReportPayloadSchema } from './quality-schemas.js';
import {
  sfuConnectTransportPayloadSchema,
  sfuConsumerPayloadSchema,
  sfuCreateTransportPayloadSchema,
  sfuProducePayloadSchema,
  sfuProducerPayloadSchema,
  sfuRestartIcePayloadSchema,
  mediaMovedPayloadSchema,
  sfuSetCapabilitiesPayloadSchema,
  sfuSetPreferredLayersPayloadSchema,
} from './sfu-schemas.js';
import {
  presenceSubscribePayloadSchema,
  presenceUnsubscribePayloadSchema,
  presenceUpdatePayloadSchema,
} from './presence-schemas.js';
import {
  askUnmutePayloadSchema,
  endCallPayloadSchema,
  lobbyDecisionPayloadSchema,
  lobbyKnockPayloadSchema,
  lobbyLeavePayloadSchema,
  lobbyListPayloadSchema,
  lowerHandPayloadSchema,
  moderationStatePayloadSchema,
  muteAllPayloadSchema,
  muteParticipantPayloadSchema,
  raiseHandPayloadSchema,
  removeParticipantPayloadSchema,
  updateGrantsPayloadSchema,
  updateRoomModerationPayloadSchema,
} from './moderation-schemas.js';
import type {
  AdminUserInfo,
  ApiKeyInfo,
  AuthSession,
  ChangePasswordRequest,
  CreateApiKeyRequest,
  CreatedApiKey,
  CreatedJoinToken,
  CreateJoinTokenRequest,
  HealthResponse,
  IceServersResponse,
  JoinGrants,
  LoginRequest,
  RefreshRequest,
  RegisterRequest,
  UpdateProfileRequest,
  UserProfile,
} from './http.js';

/** A normalised email address (trimmed, lower-cased). */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'Email must be at most 254 characters.')
  .email('Must be a valid email address.');

/** A password as accepted at registration. */
export const passwordSchema = z
  .string()
  .min(10, 'Password must be at least 10 characters.')
  .max(256, 'Password must be at most 256 characters.');

/** Schema of {@link RegisterRequest}. */
export const registerRequestSchema = z.strictObject({
  email: emailSchema,
  password: passwordSchema,
  displayName: displayNameSchema,
}) satisfies z.ZodType<RegisterRequest>;

/** Schema of {@link LoginRequest}; the password is only length-checked so old passwords still work. */
export const loginRequestSchema = z.strictObject({
  email: emailSchema,
  password: z
    .string()
    .min(1, 'Password must not be empty.')
    .max(256, 'Password must be at most 256 characters.'),
}) satisfies z.ZodType<LoginRequest>;

/** Schema of {@link ChangePasswordRequest}. */
export const changePasswordRequestSchema = z.strictObject({
  currentPassword: z
    .string()
    .min(1, 'currentPassword must not be empty.')
    .max(256, 'currentPassword must be at most 256 characters.'),
  newPassword: passwordSchema,
}) satisfies z.ZodType<ChangePasswordRequest>;

/** Schema of {@link RefreshRequest}. */
export const refreshRequestSchema = z.strictObject({
  refreshToken: z
    .string()
    .min(1, 'refreshToken must not be empty.')
    .max(512, 'refreshToken is too long.'),
}) satisfies z.ZodType<RefreshRequest>;

/** Schema of {@link UpdateProfileRequest}. */
export const updateProfileRequestSchema = z
  .strictObject({
    displayName: displayNameSchema.optional(),
    avatarUrl: httpUrlSchema.nullable().optional(),
  })
  .refine((v) => v.displayName !== undefined || v.avatarUrl !== undefined, {
    message: 'Give at least one of displayName or avatarUrl.',
  }) satisfies z.ZodType<UpdateProfileRequest>;

/** Schema of {@link CreateApiKeyRequest}. */
export const createApiKeyRequestSchema = z.strictObject({
  name: displayNameSchema,
}) satisfies z.ZodType<CreateApiKeyRequest>;

/** Schema of {@link JoinGrants}, with defaults for everything but the room. */
export const joinGrantsSchema = z.strictObject({
  room: roomIdSchema,
  role: roomRoleSchema.default('member'),
  canPublish: z.boolean().default(true),
  canSubscribe: z.boolean().default(true),
  canChat: z.boolean().default(true),
  lobby: z.boolean().optional(),
}) satisfies z.ZodType<JoinGrants>;

/** An external identity given by a host app. */
export const identitySchema = z
  .string()
  .min(1, 'identity must not be empty.')
  .max(128, 'identity must be at most 128 characters.')
  .regex(NO_CONTROL_CHARS, 'identity must not contain control characters.');

/** Schema of {@link CreateJoinTokenRequest}. */
export const createJoinTokenRequestSchema = z.strictObject({
  identity: identitySchema,
  name: displayNameSchema,
  avatarUrl: httpUrlSchema.optional(),
  grants: joinGrantsSchema,
  ttlSeconds: z.number().int('ttlSeconds must be a whole number.').min(30).max(86_400).optional(),
}) satisfies z.ZodType<CreateJoinTokenRequest>;

// Response schemas describe what the server sends. They are plain (not strict) objects so that a
// client checking an answer against them keeps working when a later server adds a field.

/** Schema of {@link UserProfile}. */
export const userProfileSchema = z
  .object({
    id: z.uuid().describe('Stable user id.'),
    email: z.email().describe('Normalised (lower-case, trimmed) email address.'),
    displayName: z.string().describe('The name other people see.'),
    avatarUrl: z.url().nullable().describe('An http or https URL of the avatar image, or null.'),
    createdAt: timestampSchema.describe('When the account was created.'),
  })
  .describe("A user's public profile.") satisfies z.ZodType<UserProfile>;

/** Schema of {@link AdminUserInfo}. */
export const adminUserInfoSchema = userProfileSchema
  .extend({
    disabledAt: timestampSchema
      .nullable()
      .describe('When an operator disabled the account, or null while it may sign in.'),
  })
  .describe('An account as an operator sees it.') satisfies z.ZodType<AdminUserInfo>;

/** Schema of {@link AuthSession}. */
export const authSessionSchema = z
  .object({
    accessToken: z
      .string()
      .describe(
        'Short-lived signed access token for `Authorization: Bearer` and the socket handshake.',
      ),
    accessTokenExpiresAt: timestampSchema.describe('Expiry of the access token.'),
    refreshToken: z
      .string()
      .describe('Opaque single-use refresh token (`mmr_…`); each refresh returns a new one.'),
    refreshTokenExpiresAt: timestampSchema.describe('Expiry of the refresh token.'),
    user: userProfileSchema.describe('The signed-in user.'),
  })
  .describe(
    'A signed-in session: the answer to register, login and refresh.',
  ) satisfies z.ZodType<AuthSession>;

const apiKeyInfoShape = {
  id: z.string().describe('Public key id (`mk_…`); sent with every use of the key.'),
  name: z.string().describe('The label given at creation.'),
  createdAt: timestampSchema.describe('When the key was created.'),
  lastUsedAt: timestampSchema
    .nullable()
    .describe('Last REST use or join-token verification, or null.'),
  revokedAt: timestampSchema.nullable().describe('When the key was revoked, or null while active.'),
};

/** Schema of {@link ApiKeyInfo}. */
export const apiKeyInfoSchema = z
  .object(apiKeyInfoShape)
  .describe('An API key as listed: never includes the secret.') satisfies z.ZodType<ApiKeyInfo>;

/** Schema of {@link CreatedApiKey}. */
export const createdApiKeySchema = z
  .object({
    ...apiKeyInfoShape,
    secret: z
      .string()
      .describe(
        "The secret (`mks_…`), shown only in this answer. Store it in the host app's backend.",
      ),
  })
  .describe('A new API key with its secret.') satisfies z.ZodType<CreatedApiKey>;

/** Schema of {@link CreatedJoinToken}. */
export const createdJoinTokenSchema = z
  .object({
    token: z.string().describe("The signed join token, for the SDK's `connect()`."),
    expiresAt: timestampSchema.describe('When the token expires.'),
  })
  .describe('A minted join token.') satisfies z.ZodType<CreatedJoinToken>;

/** Schema of {@link IceServersResponse}. */
export const iceServersResponseSchema = z
  .object({
    iceServers: z
      .array(
        z.object({
          urls: z.array(z.string()).describe('`stun:` or `turn:`/`turns:` URLs.'),
          username: z
            .string()
            .optional()
            .describe('TURN username (`<expiry>:<principal>`), absent for STUN.'),
          credential: z
            .string()
            .optional()
            .describe('TURN password: base64 HMAC-SHA1 of the username with the shared secret.'),
        }),
      )
      .describe('STUN, then TURN with ephemeral credentials; empty when none is configured.'),
    ttlSeconds: z
      .number()
      .int()
      .min(0)
      .describe('Seconds the TURN credentials stay valid (0 without TURN).'),
  })
  .describe(
    'ICE servers for a connection check before joining.',
  ) satisfies z.ZodType<IceServersResponse>;

/** Schema of {@link HealthResponse}. */
export const healthResponseSchema = z
  .object({
    status: z
      .enum(['ok', 'degraded'])
      .describe('`ok` when every dependency answers, `degraded` otherwise (HTTP 503).'),
    version: z.string().describe('Server package version.'),
    protocolVersion: z.number().int().describe('Wire protocol version.'),
    uptimeSeconds: z.number().int().min(0).describe('Seconds since the process started.'),
    database: z
      .object({
        status: z.enum(['up', 'down']),
        driver: z.enum(['sqlite', 'mysql', 'postgres']),
        latencyMs: z
          .number()
          .min(0)
          .nullable()
          .describe('Round-trip time of a trivial query, or null when it failed.'),
      })
      .describe('The relational store.'),
    sfu: z
      .object({
        status: z
          .enum(['available', 'unavailable'])
          .describe('`unavailable` leaves mesh rooms working and refuses `sfu` rooms.'),
        reason: z.string().optional().describe('Why the SFU is unavailable.'),
        workers: z
          .number()
          .int()
          .min(0)
          .describe('Running mediasoup workers (0 until the first SFU call starts them).'),
        rooms: z.number().int().min(0).describe('Rooms with a media router on this node.'),
      })
      .describe('The SFU (media server); never makes the server `degraded`.'),
  })
  .describe('Server, database and SFU status.') satisfies z.ZodType<HealthResponse>;

/** Schema of {@link ErrorBody}, the body of every failed HTTP response. */
export const errorBodySchema = z
  .object({ error: errorInfoSchema })
  .describe(
    'What went wrong: `{ error: { code, message, details? } }`.',
  ) satisfies z.ZodType<ErrorBody>;

/** Schema of {@link HandshakeAuth}. */
export const handshakeAuthSchema = z.object({
  token: z.string().min(1).max(8192),
  protocolVersion: z.number().int().min(0),
  sdk: z.string().max(64).optional(),
}) satisfies z.ZodType<HandshakeAuth>;

/** Schema of {@link AuthRefreshPayload}. */
export const authRefreshPayloadSchema = z.strictObject({
  token: z.string().min(1).max(8192),
}) satisfies z.ZodType<AuthRefreshPayload>;

/** Schema of {@link PingPayload}. */
export const pingPayloadSchema = z.strictObject({
  t: z.number().finite(),
}) satisfies z.ZodType<PingPayload>;

/** Inbound socket payload schemas, keyed by event name; the gateway refuses an event without one. */
export const clientPayloadSchemas = {
  auth_refresh: authRefreshPayloadSchema,
  ping: pingPayloadSchema,
  join_room: joinRoomPayloadSchema,
  leave_room: leaveRoomPayloadSchema,
  webrtc_offer: webrtcOfferPayloadSchema,
  webrtc_answer: webrtcAnswerPayloadSchema,
  ice_candidate: iceCandidatePayloadSchema,
  update_media_state: updateMediaStatePayloadSchema,
  quality_report: qualityReportPayloadSchema,
  chat_message: sendChatMessagePayloadSchema,
  chat_edit: editChatMessagePayloadSchema,
  chat_delete: deleteChatMessagePayloadSchema,
  chat_react: reactChatMessagePayloadSchema,
  chat_typing: chatTypingPayloadSchema,
  chat_subscribe: chatSubscribePayloadSchema,
  chat_unsubscribe: chatUnsubscribePayloadSchema,
  chat_history: chatHistoryPayloadSchema,
  presence_update: presenceUpdatePayloadSchema,
  presence_subscribe: presenceSubscribePayloadSchema,
  presence_unsubscribe: presenceUnsubscribePayloadSchema,
  moderation_mute: muteParticipantPayloadSchema,
  moderation_mute_all: muteAllPayloadSchema,
  moderation_ask_unmute: askUnmutePayloadSchema,
  moderation_remove: removeParticipantPayloadSchema,
  moderation_grants: updateGrantsPayloadSchema,
  moderation_room: updateRoomModerationPayloadSchema,
  moderation_end_call: endCallPayloadSchema,
  moderation_state: moderationStatePayloadSchema,
  lobby_knock: lobbyKnockPayloadSchema,
  lobby_leave: lobbyLeavePayloadSchema,
  lobby_list: lobbyListPayloadSchema,
  lobby_admit: lobbyDecisionPayloadSchema,
  lobby_deny: lobbyDecisionPayloadSchema,
  hand_raise: raiseHandPayloadSchema,
  hand_lower: lowerHandPayloadSchema,
  sfu_set_capabilities: sfuSetCapabilitiesPayloadSchema,
  sfu_create_transport: sfuCreateTransportPayloadSchema,
  sfu_connect_transport: sfuConnectTransportPayloadSchema,
  sfu_produce: sfuProducePayloadSchema,
  sfu_close_producer: sfuProducerPayloadSchema,
  sfu_pause_producer: sfuProducerPayloadSchema,
  sfu_resume_producer: sfuProducerPayloadSchema,
  sfu_resume_consumer: sfuConsumerPayloadSchema,
  sfu_pause_consumer: sfuConsumerPayloadSchema,
  sfu_request_key_frame: sfuConsumerPayloadSchema,
  sfu_set_preferred_layers: sfuSetPreferredLayersPayloadSchema,
  sfu_restart_ice: sfuRestartIcePayloadSchema,
  media_moved: mediaMovedPayloadSchema,
} as const satisfies Record<ClientEventName, z.ZodType>;

export {
  displayNameSchema,
  errorCodeSchema,
  errorInfoSchema,
  httpUrlSchema,
  roomIdSchema,
  roomRoleSchema,
  timestampSchema,
  validationIssueSchema,
} from './primitives.js';
export * from './room-schemas.js';
export * from './signalling-schemas.js';
export * from './chat-schemas.js';
export * from './presence-schemas.js';
export * from './quality-schemas.js';
export * from './sfu-schemas.js';
export * from './webhook-schemas.js';
export * from './moderation-schemas.js';
export * from './analytics-schemas.js';
