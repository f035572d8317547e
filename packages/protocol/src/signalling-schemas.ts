/** Runtime schemas of the socket payloads in `signalling.ts`. */
import { z } from 'zod';
import { displayNameSchema, roomIdSchema } from './primitives.js';
import type {
  ClientInfo,
  IceCandidateInfo,
  JoinRoomPayload,
  LeaveRoomPayload,
  PublishedTrack,
  ResumeCredentials,
  SessionDescription,
  SignalCandidatePayload,
  SignalDescriptionPayload,
  UpdateMediaStatePayload,
} from './signalling.js';

/** A participant id as the server issues it. */
export const participantIdSchema = z
  .string()
  .regex(/^pa_[A-Za-z0-9_-]{8,64}$/, 'Must be a participant id (pa_…).');

/** Schema of a {@link TrackSource}. */
export const trackSourceSchema = z.enum([
  'camera',
  'microphone',
  'screen_share',
  'screen_share_audio',
]);

/** Schema of {@link PublishedTrack}. */
export const publishedTrackSchema = z.strictObject({
  source: trackSourceSchema,
  kind: z.enum(['audio', 'video']),
  streamId: z.string().min(1).max(128),
  muted: z.boolean(),
}) satisfies z.ZodType<PublishedTrack>;

const tracksSchema = z
  .array(publishedTrackSchema)
  .max(4, 'At most 4 tracks: one per source.')
  .refine(
    (tracks) => new Set(tracks.map((t) => t.source)).size === tracks.length,
    'Each source may appear only once.',
  )
  .refine(
    (tracks) =>
      tracks.every(
        (t) =>
          (t.kind === 'audio') === (t.source === 'microphone' || t.source === 'screen_share_audio'),
      ),
    'A track kind must match its source.',
  );

/** Schema of {@link ResumeCredentials}. */
export const resumeCredentialsSchema = z.strictObject({
  participantId: participantIdSchema,
  resumeKey: z.string().min(16).max(128),
}) satisfies z.ZodType<ResumeCredentials>;

/** Schema of {@link ClientInfo}. */
export const clientInfoSchema = z.strictObject({
  sdk: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[\w.@/+-]+$/, 'sdk must be a name and version such as minimeet-sdk/0.1.0.'),
  browser: z.enum(['chrome', 'edge', 'firefox', 'safari', 'opera', 'other']).optional(),
  browserVersion: z.number().int().min(0).max(10_000).optional(),
  os: z.enum(['windows', 'macos', 'ios', 'android', 'linux', 'chromeos', 'other']).optional(),
}) satisfies z.ZodType<ClientInfo>;

/** Schema of {@link JoinRoomPayload}. */
export const joinRoomPayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  password: z.string().max(128).optional(),
  inviteCode: z.string().min(1).max(128).optional(),
  displayName: displayNameSchema.optional(),
  resume: resumeCredentialsSchema.optional(),
  tracks: tracksSchema.optional(),
  client: clientInfoSchema.optional(),
}) satisfies z.ZodType<JoinRoomPayload>;

/** Schema of {@link LeaveRoomPayload}. */
export const leaveRoomPayloadSchema = z.strictObject({
  roomId: roomIdSchema,
}) satisfies z.ZodType<LeaveRoomPayload>;

// An SDP of a 4-person mesh with camera, microphone and screen stays far below this.
const MAX_SDP_LENGTH = 64 * 1024;

/** Schema of {@link SessionDescription}. */
export const sessionDescriptionSchema = z.strictObject({
  type: z.enum(['offer', 'answer']),
  sdp: z.string().min(1).max(MAX_SDP_LENGTH),
}) satisfies z.ZodType<SessionDescription>;

/** Schema of {@link IceCandidateInfo}. */
export const iceCandidateSchema = z.strictObject({
  candidate: z.string().max(1024),
  sdpMid: z.string().max(64).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(1024).nullable().optional(),
  usernameFragment: z.string().max(256).nullable().optional(),
}) satisfies z.ZodType<IceCandidateInfo>;

/** Schema of a `webrtc_offer` payload: the description must be an offer. */
export const webrtcOfferPayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  to: participantIdSchema,
  description: sessionDescriptionSchema.refine((d) => d.type === 'offer', 'Must be an offer.'),
}) satisfies z.ZodType<SignalDescriptionPayload>;

/** Schema of a `webrtc_answer` payload: the description must be an answer. */
export const webrtcAnswerPayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  to: participantIdSchema,
  description: sessionDescriptionSchema.refine((d) => d.type === 'answer', 'Must be an answer.'),
}) satisfies z.ZodType<SignalDescriptionPayload>;

/** Schema of {@link SignalCandidatePayload}. */
export const iceCandidatePayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  to: participantIdSchema,
  candidate: iceCandidateSchema,
}) satisfies z.ZodType<SignalCandidatePayload>;

/** Schema of {@link UpdateMediaStatePayload}. */
export const updateMediaStatePayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  tracks: tracksSchema,
}) satisfies z.ZodType<UpdateMediaStatePayload>;
