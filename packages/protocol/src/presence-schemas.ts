/** Runtime schemas of the presence payloads in `presence.ts`. */
import { z } from 'zod';
import { NO_CONTROL_CHARS } from './primitives.js';
import type {
  PresenceSubscribePayload,
  PresenceUnsubscribePayload,
  PresenceUpdatePayload,
} from './presence.js';

/** The most users one `presence_subscribe` may name. */
export const PRESENCE_SUBSCRIBE_MAX_USERS = 500;

const userIdsSchema = z
  .array(z.string().min(1).max(64))
  .max(
    PRESENCE_SUBSCRIBE_MAX_USERS,
    `At most ${PRESENCE_SUBSCRIBE_MAX_USERS} user ids per request.`,
  );

/** Schema of {@link PresenceUpdatePayload}. */
export const presenceUpdatePayloadSchema = z
  .strictObject({
    away: z.boolean().optional(),
    busy: z.boolean().optional(),
    statusText: z
      .string()
      .trim()
      .max(100, 'statusText must be at most 100 characters.')
      .regex(NO_CONTROL_CHARS, 'statusText must not contain control characters.')
      .nullable()
      .optional(),
  })
  .refine(
    (p) => p.away !== undefined || p.busy !== undefined || p.statusText !== undefined,
    'Give at least one of away, busy or statusText.',
  ) satisfies z.ZodType<PresenceUpdatePayload>;

/** Schema of {@link PresenceSubscribePayload}. */
export const presenceSubscribePayloadSchema = z
  .strictObject({
    userIds: userIdsSchema.optional(),
    sharedRooms: z.boolean().optional(),
  })
  .refine(
    (p) => (p.userIds?.length ?? 0) > 0 || p.sharedRooms === true,
    'Give userIds or sharedRooms: true.',
  ) satisfies z.ZodType<PresenceSubscribePayload>;

/** Schema of {@link PresenceUnsubscribePayload}. */
export const presenceUnsubscribePayloadSchema = z
  .strictObject({
    userIds: userIdsSchema.optional(),
    sharedRooms: z.boolean().optional(),
  })
  .refine(
    (p) => (p.userIds?.length ?? 0) > 0 || p.sharedRooms === true,
    'Give userIds or sharedRooms: true.',
  ) satisfies z.ZodType<PresenceUnsubscribePayload>;
