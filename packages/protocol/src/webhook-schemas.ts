/** Runtime schemas of the webhook REST bodies in `webhooks.ts`. */
import { z } from 'zod';
import { timestampSchema } from './primitives.js';
import type {
  CreateWebhookEndpointRequest,
  UpdateWebhookEndpointRequest,
  WebhookDeliveryInfo,
  WebhookEndpointInfo,
  WebhookEndpointWithSecret,
  WebhookEventType,
} from './webhooks.js';

/** Schema of a {@link WebhookEventType}. */
export const webhookEventTypeSchema = z.enum([
  'room.started',
  'room.ended',
  'participant.joined',
  'participant.left',
  'participant.join_failed',
]) satisfies z.ZodType<WebhookEventType>;

const webhookUrlSchema = z
  .string()
  .max(2000)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'must be an http:// or https:// URL.')
  .describe('Where events are POSTed.');

const eventTypesSchema = z
  .array(webhookEventTypeSchema)
  .min(1)
  .max(5)
  .describe('Event types to send.');

/** Schema of {@link CreateWebhookEndpointRequest}. */
export const createWebhookEndpointRequestSchema = z.strictObject({
  url: webhookUrlSchema,
  eventTypes: eventTypesSchema.optional(),
  description: z.string().max(200).optional(),
}) satisfies z.ZodType<CreateWebhookEndpointRequest>;

/** Schema of {@link UpdateWebhookEndpointRequest}. */
export const updateWebhookEndpointRequestSchema = z
  .strictObject({
    url: webhookUrlSchema.optional(),
    eventTypes: eventTypesSchema.optional(),
    description: z.string().max(200).optional(),
    enabled: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'Send at least one field.')
  .describe(
    'Fields to change; `enabled: true` re-enables a disabled endpoint.',
  ) satisfies z.ZodType<UpdateWebhookEndpointRequest>;

const endpointShape = {
  id: z.string(),
  url: z.string(),
  description: z.string(),
  eventTypes: z.array(webhookEventTypeSchema),
  enabled: z.boolean(),
  disabledReason: z.string().nullable().describe('Why the server disabled it, or null.'),
  consecutiveFailures: z.number().int(),
  createdAt: timestampSchema,
  previousSecretExpiresAt: timestampSchema
    .nullable()
    .describe('Until when the previous secret still signs after a rotation.'),
};

/** Schema of {@link WebhookEndpointInfo}. */
export const webhookEndpointInfoSchema = z
  .object(endpointShape)
  .describe(
    'A webhook endpoint: never includes its secret.',
  ) satisfies z.ZodType<WebhookEndpointInfo>;

/** Schema of {@link WebhookEndpointWithSecret}. */
export const webhookEndpointWithSecretSchema = z
  .object({
    ...endpointShape,
    secret: z.string().describe('The signing secret (`whsec_…`), shown only in this answer.'),
  })
  .describe('A webhook endpoint with its secret.') satisfies z.ZodType<WebhookEndpointWithSecret>;

/** Schema of {@link WebhookDeliveryInfo}. */
export const webhookDeliveryInfoSchema = z
  .object({
    id: z.string(),
    eventType: webhookEventTypeSchema,
    roomId: z.string(),
    sequence: z.number().int(),
    status: z.enum(['pending', 'succeeded', 'failed']),
    attempts: z.number().int(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    nextAttemptAt: timestampSchema.nullable(),
    createdAt: timestampSchema,
  })
  .describe('One event delivery to an endpoint.') satisfies z.ZodType<WebhookDeliveryInfo>;
