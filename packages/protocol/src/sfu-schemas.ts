/**
 * Runtime schemas of the SFU socket payloads in `sfu.ts`. Media parameters are bounded in size
 * and count (a client cannot make the server hold megabytes per request) and stripped of fields
 * mediasoup does not read; the server's own answers are described by the same shapes.
 */
import { z } from 'zod';
import { roomIdSchema } from './primitives.js';
import { participantIdSchema, trackSourceSchema } from './signalling-schemas.js';
import type {
  MediaMovedPayload,
  SfuConnectTransportPayload,
  SfuConsumerPayload,
  SfuCreateTransportPayload,
  SfuDtlsParameters,
  SfuProducePayload,
  SfuProducerPayload,
  SfuRestartIcePayload,
  SfuRtcpFeedback,
  SfuRtpCapabilities,
  SfuRtpCodecCapability,
  SfuRtpCodecParameters,
  SfuRtpEncodingParameters,
  SfuRtpHeaderExtension,
  SfuRtpHeaderExtensionParameters,
  SfuRtpParameters,
  SfuSetCapabilitiesPayload,
  SfuSetPreferredLayersPayload,
} from './sfu.js';

/** An id of a transport, producer or consumer, as the server issues it (a UUID). */
export const sfuIdSchema = z.uuid('Must be an id the server gave (a UUID).');

/** Schema of a media kind. */
export const sfuMediaKindSchema = z.enum(['audio', 'video']);

const mimeTypeSchema = z
  .string()
  .regex(/^(audio|video)\/[A-Za-z0-9._+-]{1,64}$/, 'Must be a MIME type such as video/VP8.');
const payloadTypeSchema = z.number().int().min(0).max(127);
const clockRateSchema = z.number().int().min(1).max(1_000_000);
const channelsSchema = z.number().int().min(1).max(8);
const ssrcSchema = z.number().int().min(0).max(0xffffffff);

/** Codec parameters (the SDP `fmtp`): at most 32 short entries of strings, numbers or booleans. */
const codecParametersSchema = z
  .record(z.string().min(1).max(64), z.union([z.string().max(256), z.number(), z.boolean()]))
  .refine((p) => Object.keys(p).length <= 32, 'At most 32 codec parameters.');

/** Schema of {@link SfuRtcpFeedback}. */
export const sfuRtcpFeedbackSchema = z.object({
  type: z.string().min(1).max(32),
  parameter: z.string().max(32).optional(),
}) satisfies z.ZodType<SfuRtcpFeedback>;

const rtcpFeedbackListSchema = z.array(sfuRtcpFeedbackSchema).max(16);

/** Schema of {@link SfuRtpCodecCapability}. */
export const sfuRtpCodecCapabilitySchema = z.object({
  kind: sfuMediaKindSchema,
  mimeType: mimeTypeSchema,
  preferredPayloadType: payloadTypeSchema.optional(),
  clockRate: clockRateSchema,
  channels: channelsSchema.optional(),
  parameters: codecParametersSchema.optional(),
  rtcpFeedback: rtcpFeedbackListSchema.optional(),
}) satisfies z.ZodType<SfuRtpCodecCapability>;

const headerExtensionUriSchema = z.string().min(1).max(256);
const headerExtensionIdSchema = z.number().int().min(1).max(255);

/** Schema of {@link SfuRtpHeaderExtension}. */
export const sfuRtpHeaderExtensionSchema = z.object({
  kind: sfuMediaKindSchema,
  uri: headerExtensionUriSchema,
  preferredId: headerExtensionIdSchema,
  preferredEncrypt: z.boolean().optional(),
  direction: z.enum(['sendrecv', 'sendonly', 'recvonly', 'inactive']).optional(),
}) satisfies z.ZodType<SfuRtpHeaderExtension>;

/** Schema of {@link SfuRtpCapabilities}. */
export const sfuRtpCapabilitiesSchema = z.object({
  codecs: z.array(sfuRtpCodecCapabilitySchema).max(64).optional(),
  headerExtensions: z.array(sfuRtpHeaderExtensionSchema).max(32).optional(),
}) satisfies z.ZodType<SfuRtpCapabilities>;

/** Schema of {@link SfuRtpCodecParameters}. */
export const sfuRtpCodecParametersSchema = z.object({
  mimeType: mimeTypeSchema,
  payloadType: payloadTypeSchema,
  clockRate: clockRateSchema,
  channels: channelsSchema.optional(),
  parameters: codecParametersSchema.optional(),
  rtcpFeedback: rtcpFeedbackListSchema.optional(),
}) satisfies z.ZodType<SfuRtpCodecParameters>;

/** Schema of {@link SfuRtpHeaderExtensionParameters}. */
export const sfuRtpHeaderExtensionParametersSchema = z.object({
  uri: headerExtensionUriSchema,
  id: headerExtensionIdSchema,
  encrypt: z.boolean().optional(),
  parameters: codecParametersSchema.optional(),
}) satisfies z.ZodType<SfuRtpHeaderExtensionParameters>;

const prioritySchema = z.enum(['very-low', 'low', 'medium', 'high']);

/** Schema of {@link SfuRtpEncodingParameters}. */
export const sfuRtpEncodingParametersSchema = z.object({
  ssrc: ssrcSchema.optional(),
  rid: z.string().min(1).max(32).optional(),
  codecPayloadType: payloadTypeSchema.optional(),
  rtx: z.object({ ssrc: ssrcSchema }).optional(),
  dtx: z.boolean().optional(),
  scalabilityMode: z
    .string()
    .regex(/^[LS]\d+T\d+(_KEY)?(h)?$/, 'Must be a scalability mode such as L1T3.')
    .optional(),
  scaleResolutionDownBy: z.number().min(1).max(64).optional(),
  maxBitrate: z.number().int().min(1).max(100_000_000).optional(),
  maxFramerate: z.number().min(0).max(240).optional(),
  active: z.boolean().optional(),
  priority: prioritySchema.optional(),
  networkPriority: prioritySchema.optional(),
}) satisfies z.ZodType<SfuRtpEncodingParameters>;

/** Schema of {@link SfuRtpParameters}. */
export const sfuRtpParametersSchema = z.object({
  mid: z.string().min(1).max(32).optional(),
  codecs: z.array(sfuRtpCodecParametersSchema).min(1).max(16),
  headerExtensions: z.array(sfuRtpHeaderExtensionParametersSchema).max(32).optional(),
  encodings: z.array(sfuRtpEncodingParametersSchema).max(4).optional(),
  rtcp: z
    .object({
      cname: z.string().max(256).optional(),
      reducedSize: z.boolean().optional(),
      mux: z.boolean().optional(),
    })
    .optional(),
  msid: z.string().max(256).optional(),
}) satisfies z.ZodType<SfuRtpParameters>;

/** Schema of {@link SfuDtlsParameters}. */
export const sfuDtlsParametersSchema = z.object({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z
    .array(
      z.object({
        algorithm: z.string().min(1).max(16),
        value: z
          .string()
          .min(1)
          .max(256)
          .regex(/^[0-9A-Fa-f:]+$/, 'Must be a fingerprint in colon-separated hex.'),
      }),
    )
    .min(1)
    .max(8),
}) satisfies z.ZodType<SfuDtlsParameters>;

/** Schema of {@link SfuSetCapabilitiesPayload}. */
export const sfuSetCapabilitiesPayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  rtpCapabilities: sfuRtpCapabilitiesSchema,
}) satisfies z.ZodType<SfuSetCapabilitiesPayload>;

/** Schema of {@link SfuCreateTransportPayload}. */
export const sfuCreateTransportPayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  direction: z.enum(['send', 'recv']),
}) satisfies z.ZodType<SfuCreateTransportPayload>;

/** Schema of {@link SfuConnectTransportPayload}. */
export const sfuConnectTransportPayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  transportId: sfuIdSchema,
  dtlsParameters: sfuDtlsParametersSchema,
}) satisfies z.ZodType<SfuConnectTransportPayload>;

/** Schema of {@link SfuProducePayload}: the kind must match the source. */
export const sfuProducePayloadSchema = z
  .strictObject({
    roomId: roomIdSchema,
    transportId: sfuIdSchema,
    kind: sfuMediaKindSchema,
    source: trackSourceSchema,
    rtpParameters: sfuRtpParametersSchema,
    paused: z.boolean().optional(),
  })
  .refine(
    (p) =>
      (p.kind === 'audio') === (p.source === 'microphone' || p.source === 'screen_share_audio'),
    { message: 'The kind must match the source.', path: ['kind'] },
  ) satisfies z.ZodType<SfuProducePayload>;

/** Schema of {@link SfuProducerPayload}. */
export const sfuProducerPayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  producerId: sfuIdSchema,
}) satisfies z.ZodType<SfuProducerPayload>;

/** Schema of {@link SfuConsumerPayload}. */
export const sfuConsumerPayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  consumerId: sfuIdSchema,
}) satisfies z.ZodType<SfuConsumerPayload>;

/** Schema of {@link SfuSetPreferredLayersPayload}. */
export const sfuSetPreferredLayersPayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  consumerId: sfuIdSchema,
  spatialLayer: z.number().int().min(0).max(3),
  temporalLayer: z.number().int().min(0).max(3).optional(),
}) satisfies z.ZodType<SfuSetPreferredLayersPayload>;

/** Schema of {@link SfuRestartIcePayload}. */
export const sfuRestartIcePayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  transportId: sfuIdSchema,
}) satisfies z.ZodType<SfuRestartIcePayload>;

/** Schema of {@link MediaMovedPayload}. */
export const mediaMovedPayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  to: participantIdSchema,
  topology: z.enum(['mesh', 'sfu']),
}) satisfies z.ZodType<MediaMovedPayload>;
