import type { WebhookEventType } from '@minimeet/protocol';
import type { AnalyticsEvent } from '../analytics/analytics-events.js';

/** The analytics event types the webhook dispatcher reads. */
export const DISPATCHED_TYPES = new Set<AnalyticsEvent['type']>([
  'participant.joined',
  'participant.left',
  'participant.join_failed',
  'session.ended',
]);

/** A webhook event before it has its sequence number: its type and its data (ids only). */
export interface WebhookEventDraft {
  type: WebhookEventType;
  roomId: string;
  /** Epoch ms of what happened. */
  at: number;
  data: Record<string, string | number | boolean | null>;
}

/** The body POSTed to an endpoint (Standard Webhooks: `type`, `timestamp`, `data`). */
export interface WebhookPayload {
  type: WebhookEventType;
  /** ISO 8601 time of what happened. */
  timestamp: string;
  data: Record<string, string | number | boolean | null> & { roomId: string; sequence: number };
}

/** The JSON body of a webhook event with its room sequence number. */
export function webhookBody(draft: WebhookEventDraft, sequence: number): string {
  const payload: WebhookPayload = {
    type: draft.type,
    timestamp: new Date(draft.at).toISOString(),
    data: { roomId: draft.roomId, sequence, ...draft.data },
  };
  return JSON.stringify(payload);
}

/** Parses the comma-separated event types of an endpoint row. */
export function parseEventTypes(value: string): WebhookEventType[] {
  return value.split(',').filter(Boolean) as WebhookEventType[];
}
