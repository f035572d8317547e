/** Webhook REST bodies: endpoints an account registers, their deliveries, and the events sent. */

/** A webhook event type an endpoint can subscribe to. */
export type WebhookEventType =
  | 'room.started'
  | 'room.ended'
  | 'participant.joined'
  | 'participant.left'
  | 'participant.join_failed';

/** Every {@link WebhookEventType}. */
export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = [
  'room.started',
  'room.ended',
  'participant.joined',
  'participant.left',
  'participant.join_failed',
];

/** Body of `POST /api/webhooks`. */
export interface CreateWebhookEndpointRequest {
  /** Where events are POSTed: an `http(s)` URL. */
  url: string;
  /** The event types to send; every type when omitted. */
  eventTypes?: WebhookEventType[];
  /** A label for the owner. */
  description?: string;
}

/** Body of `PATCH /api/webhooks/:id`. */
export interface UpdateWebhookEndpointRequest {
  url?: string;
  eventTypes?: WebhookEventType[];
  description?: string;
  /** True re-enables a disabled endpoint (and clears its failure count); false pauses it. */
  enabled?: boolean;
}

/** A webhook endpoint as listed: never includes its secret. */
export interface WebhookEndpointInfo {
  id: string;
  url: string;
  description: string;
  eventTypes: WebhookEventType[];
  enabled: boolean;
  /** Why the server disabled it, or null. */
  disabledReason: string | null;
  /** Failed attempts in a row since the last success. */
  consecutiveFailures: number;
  createdAt: string;
  /** Until when the previous secret still signs after a rotation, or null. */
  previousSecretExpiresAt: string | null;
}

/** A new endpoint, or a rotated one, with its secret (`whsec_…`), shown only in this answer. */
export interface WebhookEndpointWithSecret extends WebhookEndpointInfo {
  secret: string;
}

/** One event's delivery to one endpoint, as the delivery log lists it. */
export interface WebhookDeliveryInfo {
  /** The `webhook-id` header: the same on every attempt. */
  id: string;
  eventType: WebhookEventType;
  roomId: string;
  sequence: number;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  /** HTTP status of the last attempt, or null (none yet, timeout, connection error). */
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
}
