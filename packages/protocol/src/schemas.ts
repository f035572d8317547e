/**
 * Runtime schemas for every body and payload in the contract. The server validates each inbound
 * request against these; the types they produce are the interfaces in `http.ts` and `events.ts`.
 * Kept in their own entry point so that a browser bundle that needs only types never ships zod.
 */
import { z } from 'zod';
import type { AuthRefreshPayload, HandshakeAuth, PingPayload } from './events.js';
import type {
  CreateApiKeyRequest,
  CreateJoinTokenRequest,
  JoinGrants,
  LoginRequest,
  RefreshRequest,
  RegisterRequest,
  UpdateProfileRequest,
} from './http.js';

// Control characters in a name would let one user forge line breaks or bidi overrides in others'
// UIs; lone surrogates would be silently replaced by the database.
const NO_CONTROL_CHARS = /^[^\p{Cc}\p{Cs}\u202a-\u202e\u2066-\u2069]*$/u;

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

/** A display name: 1 to 80 visible characters, no control characters. */
export const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'Display name must not be empty.')
  .max(80, 'Display name must be at most 80 characters.')
  .regex(NO_CONTROL_CHARS, 'Display name must not contain control characters.');

/** An http(s) URL of at most 2048 characters. */
export const httpUrlSchema = z
  .string()
  .max(2048, 'URL must be at most 2048 characters.')
  .url({ protocol: /^https?$/, message: 'Must be an http or https URL.' });

/** A room id as host apps name rooms: letters, digits and `._:-`, 1 to 128 characters. */
export const roomIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/,
    'Room id must be 1 to 128 letters, digits or ._:- and start with a letter or digit.',
  );

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

/** Schema of a role in a room. */
export const roomRoleSchema = z.enum(['owner', 'moderator', 'member']);

/** Schema of {@link JoinGrants}, with defaults for everything but the room. */
export const joinGrantsSchema = z.strictObject({
  room: roomIdSchema,
  role: roomRoleSchema.default('member'),
  canPublish: z.boolean().default(true),
  canSubscribe: z.boolean().default(true),
  canChat: z.boolean().default(true),
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
} as const;
