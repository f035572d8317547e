/**
 * The analytics events: what the call side tells analytics, through the analytics stream, about
 * sessions, legs and failed joins. They are the stream's public contract: the recorder consumes
 * them into the store, and any other consumer group (a webhook dispatcher, an export) may read the
 * same stream. Fields are ids and numbers unless the operator enabled personal data
 * (`ANALYTICS_STORE_NAMES`).
 */

/** Client software of a leg, as far as the handshake tells it; families only, no versions of the browser. */
export interface ClientFamily {
  /** `name/version` of the SDK, as announced in the handshake (`sdk`), or null. */
  sdk: string | null;
  /** `chrome`, `firefox`, `safari`, `edge`, `node`, `other`, or null when unknown. */
  browser: string | null;
  /** `windows`, `macos`, `ios`, `android`, `linux`, `chromeos`, `other`, or null when unknown. */
  os: string | null;
}

/**
 * One quality sample of a leg as analytics keeps it: the SDK's sample reduced to whole numbers
 * over all its tracks (`mosX100`: MOS × 100; `lossBp`: inbound packet loss in basis points;
 * `fpsX10`: inbound video frames per second × 10); null where nothing was measured.
 */
export interface LegSample {
  at: number;
  intervalMs: number;
  level: 'excellent' | 'good' | 'poor' | 'lost';
  mosX100: number | null;
  rttMs: number | null;
  jitterMs: number | null;
  lossBp: number | null;
  bitrateIn: number;
  bitrateOut: number;
  fpsX10: number | null;
  freezeMs: number | null;
  relayed: 0 | 1 | null;
}

/** Payload of each analytics event type. */
export interface AnalyticsEventMap {
  /** A participant entered a room's call: a new leg, and a new session when `sessionStarted`. */
  'participant.joined': {
    roomId: string;
    sessionId: string;
    participantId: string;
    principalId: string;
    principalKind: 'user' | 'guest';
    sessionStarted: boolean;
    topology: 'mesh' | 'sfu';
    client: ClientFamily;
    /** Server-side join time (request to seat), in ms. */
    joinLatencyMs: number;
    /** The display name, only when the operator keeps names; otherwise null. */
    displayName: string | null;
  };
  /** A participant left for good: its leg ends with `reason`. */
  'participant.left': {
    roomId: string;
    sessionId: string;
    participantId: string;
    reason: LegEndReason;
  };
  /** A participant's connection dropped; it is in its reconnect grace period. */
  'participant.reconnecting': { roomId: string; sessionId: string; participantId: string };
  /** A participant in its grace period came back. */
  'participant.resumed': { roomId: string; sessionId: string; participantId: string };
  /** A participant reported quality samples of its own leg (checked by the server: never another's). */
  'quality.reported': {
    roomId: string;
    sessionId: string;
    participantId: string;
    samples: LegSample[];
  };
  /**
   * A host acted on a call (mute, remove, grants, lock, lobby, end, …); `actorPrincipalId` is null
   * when a host app's backend acted with its API key (`apiKeyId`).
   */
  'moderation.action': {
    roomId: string;
    action: string;
    actorPrincipalId: string | null;
    apiKeyId: string | null;
    targetParticipantId: string | null;
    targetPrincipalId: string | null;
  };
  /**
   * A call session ended: nobody is left in the room's call (counting those in their reconnect
   * grace period). Published once the last leg's `participant.left` is on the stream, by the node
   * that saw the room empty; its id is derived from the session (`se_<sessionId>`), so when two
   * nodes see it at once consumers still apply it once.
   */
  'session.ended': { roomId: string; sessionId: string };
  /** A join was refused; `reason` is the error code (`room_full`, `forbidden`, `not_found`, …). */
  'participant.join_failed': {
    roomId: string;
    principalId: string;
    principalKind: 'user' | 'guest';
    reason: string;
  };
}

/**
 * Why a leg ended: `removed` when the server took the right to be there away (membership removed,
 * session revoked), `token_expired` when its access or join token expired unrefreshed in the call.
 */
export type LegEndReason = 'left' | 'timeout' | 'removed' | 'room_closed' | 'token_expired';

/** Name of an analytics event type. */
export type AnalyticsEventType = keyof AnalyticsEventMap;

/**
 * One analytics event: an id made by its producer (consumers are idempotent by it, so a
 * redelivered or re-sent event is applied once), its type, when it happened (epoch ms) and its data.
 */
export type AnalyticsEvent = {
  [K in AnalyticsEventType]: { id: string; type: K; at: number; data: AnalyticsEventMap[K] };
}[AnalyticsEventType];

/** The analytics event of one type. */
export type AnalyticsEventOf<K extends AnalyticsEventType> = Extract<AnalyticsEvent, { type: K }>;

/** Every analytics event type, for documentation and validation. */
export const ANALYTICS_EVENT_TYPES: readonly AnalyticsEventType[] = [
  'participant.joined',
  'participant.left',
  'participant.reconnecting',
  'participant.resumed',
  'participant.join_failed',
  'quality.reported',
  'moderation.action',
  'session.ended',
];

/** The events about one participant's leg (every type but failed joins and session ends). */
export type LegEvent = Exclude<
  AnalyticsEvent,
  { type: 'participant.join_failed' } | { type: 'session.ended' } | { type: 'moderation.action' }
>;

/** The event id of a session's end: the same on every node that publishes it. */
export function sessionEndedEventId(sessionId: string): string {
  return `se_${sessionId}`;
}
