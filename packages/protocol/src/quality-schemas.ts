/** Runtime schemas of the quality payloads in `quality.ts`. */
import { z } from 'zod';
import { roomIdSchema } from './primitives.js';
import { participantIdSchema, trackSourceSchema } from './signalling-schemas.js';
import {
  QUALITY_REPORT_MAX_SAMPLES,
  QUALITY_SAMPLE_MAX_LEGS,
  type QualityLeg,
  type QualityReportPayload,
  type QualitySample,
} from './quality.js';

/** Schema of a {@link QualityLevel}. */
export const qualityLevelSchema = z.enum(['excellent', 'good', 'poor', 'lost']);

const count = (max: number) => z.number().int().min(0).max(max);
// Precision is bounded as well as range, so that the largest valid report stays far below the
// socket's message limit: whole milliseconds, a tenth of a frame, a thousandth of a ratio.
const milliseconds = count(60_000);
const mosSchema = z.number().min(1).max(5).multipleOf(0.01);

/** Schema of {@link QualityLeg}. */
export const qualityLegSchema = z.strictObject({
  direction: z.enum(['inbound', 'outbound']),
  kind: z.enum(['audio', 'video']),
  source: trackSourceSchema,
  peer: participantIdSchema.optional(),
  bitrate: count(1_000_000_000),
  packets: count(10_000_000),
  packetsLost: count(10_000_000),
  jitterMs: milliseconds.optional(),
  rttMs: milliseconds.optional(),
  fps: z.number().min(0).max(240).multipleOf(0.1).optional(),
  width: count(16_384).optional(),
  height: count(16_384).optional(),
  qualityLimitationReason: z.enum(['none', 'cpu', 'bandwidth', 'other']).optional(),
  freezeCount: count(10_000).optional(),
  freezeMs: count(600_000).optional(),
  concealedRatio: z.number().min(0).max(1).multipleOf(0.001).optional(),
  mos: mosSchema.optional(),
  relayed: z.boolean().optional(),
}) satisfies z.ZodType<QualityLeg>;

/** Schema of {@link QualitySample}. */
export const qualitySampleSchema = z.strictObject({
  at: z.number().int().min(0).max(8_640_000_000_000_000),
  intervalMs: z.number().int().min(100).max(600_000),
  level: qualityLevelSchema,
  mos: mosSchema.optional(),
  legs: z
    .array(qualityLegSchema)
    .max(QUALITY_SAMPLE_MAX_LEGS, `At most ${QUALITY_SAMPLE_MAX_LEGS} legs per sample.`),
}) satisfies z.ZodType<QualitySample>;

/** Schema of {@link QualityReportPayload}. */
export const qualityReportPayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  samples: z
    .array(qualitySampleSchema)
    .min(1, 'Give at least one sample.')
    .max(QUALITY_REPORT_MAX_SAMPLES, `At most ${QUALITY_REPORT_MAX_SAMPLES} samples per report.`),
}) satisfies z.ZodType<QualityReportPayload>;
