/**
 * Moderation: what hosts (owners and moderators of a room) do during a call — mute, ask to unmute,
 * remove (and bar for a time), change grants, lock, lobby, end the call — and raised hands, over
 * the socket and over REST for a host app's backend.
 */
import type { ParticipantInfo, ParticipantPermissions, TrackSource } from './signalling.js';

/** A source a host may ask to mute (or to unmute): the microphone, the camera or the screen share. */
export type MuteSource = Extract<TrackSource, 'microphone' | 'camera' | 'screen_share'>;

/**
 * Grants a host may change live. Each field is optional: absent leaves it as it is. They map onto
 * {@link ParticipantPermissions}: `canPublishAudio` (microphone), `canPublishVideo` (camera),
 * `canShareScreen` (screen and its audio), `canChat`.
 */
export interface ModerationGrants {
  /** May publish the microphone. */
  canPublishAudio?: boolean;
  /** May publish the camera. */
  canPublishVideo?: boolean;
  /** May share the screen (and its audio). */
  canShareScreen?: boolean;
  /** May send chat messages in the room. */
  canChat?: boolean;
}

/** A room's live moderation settings. */
export interface RoomModeration {
  /** Locked: nobody but owners and moderators may join the call (a lobby admission still may). */
  locked: boolean;
  /** Lobby: people who are not members of the room must be admitted by a host before they join. */
  lobby: boolean;
}

/** Who did something: a host in the call, or the host app's backend over REST. */
export interface ModerationActor {
  /** The host's participant id, or null when a host app's backend acted with its API key. */
  participantId: string | null;
  /** The host's display name, or null for a host app's backend. */
  displayName: string | null;
}

/** Someone waiting in a room's lobby. */
export interface LobbyEntry {
  /** Id of this wait (`lb_…`); admit or deny by it. */
  id: string;
  /** The principal who waits (a user id or `guest:…`). */
  principalId: string;
  /** A user or a join-token guest. */
  principalKind: 'user' | 'guest';
  /** Display name. */
  displayName: string;
  /** Avatar URL or null. */
  avatarUrl: string | null;
  /** ISO 8601 time the wait began. */
  knockedAt: string;
}

/** A raised hand, in the order hands went up. */
export interface RaisedHand {
  /** The participant whose hand is up. */
  participantId: string;
  /** ISO 8601 time it went up. */
  raisedAt: string;
}

// ---- Client requests --------------------------------------------------------------------------

/** `moderation_mute` payload: ask one participant to mute sources (the server marks them muted). */
export interface MuteParticipantPayload {
  /** The room. */
  roomId: string;
  /** The participant to mute. */
  participantId: string;
  /** What to mute. */
  sources: MuteSource[];
}

/** `moderation_mute_all` payload: ask everyone but the hosts to mute sources. */
export interface MuteAllPayload {
  /** The room. */
  roomId: string;
  /** What to mute. */
  sources: MuteSource[];
}

/** `moderation_ask_unmute` payload: ask a participant to unmute; never forced. */
export interface AskUnmutePayload {
  /** The room. */
  roomId: string;
  /** The participant asked. */
  participantId: string;
  /** What to unmute. */
  sources: MuteSource[];
}

/** `moderation_remove` payload: remove a participant, optionally barring it for a time. */
export interface RemoveParticipantPayload {
  /** The room. */
  roomId: string;
  /** The participant to remove. */
  participantId: string;
  /** Bar the principal from joining again for this many seconds (up to 30 days); 0 or absent: not barred. */
  banSeconds?: number;
  /** A sentence shown to the removed person. */
  reason?: string;
}

/** `moderation_grants` payload: change a participant's grants live. */
export interface UpdateGrantsPayload {
  /** The room. */
  roomId: string;
  /** The participant. */
  participantId: string;
  /** What changes. */
  grants: ModerationGrants;
}

/** `moderation_room` payload: lock or unlock the room, turn the lobby on or off. */
export interface UpdateRoomModerationPayload {
  /** The room. */
  roomId: string;
  /** Lock or unlock. */
  locked?: boolean;
  /** Lobby on or off. */
  lobby?: boolean;
}

/** `moderation_end_call` payload: end the call for everyone. */
export interface EndCallPayload {
  /** The room. */
  roomId: string;
}

/** `lobby_knock` payload: wait in a room's lobby for a host to admit the caller. */
export interface LobbyKnockPayload {
  /** The room. */
  roomId: string;
  /** The room password, for a non-member of a room that has one. */
  password?: string;
  /** An invite code, for a non-member. */
  inviteCode?: string;
}

/** `lobby_knock` answer. */
export interface LobbyKnockResult {
  /** The caller's place in the lobby. */
  entry: LobbyEntry;
}

/** `lobby_leave` payload: stop waiting. */
export interface LobbyLeavePayload {
  /** The room. */
  roomId: string;
}

/** `lobby_list` payload (hosts): who waits, and the room's settings. */
export interface LobbyListPayload {
  /** The room. */
  roomId: string;
}

/** `lobby_list` answer and the `lobby_updated` event. */
export interface LobbySnapshot {
  /** The room. */
  roomId: string;
  /** Who waits, longest first. */
  entries: LobbyEntry[];
}

/** `lobby_admit` / `lobby_deny` payload. */
export interface LobbyDecisionPayload {
  /** The room. */
  roomId: string;
  /** The wait to decide on. */
  entryId: string;
}

/** `hand_raise` payload: raise or lower one's own hand. */
export interface RaiseHandPayload {
  /** The room. */
  roomId: string;
  /** Up or down. */
  raised: boolean;
}

/** `hand_lower` payload (hosts): lower someone's hand. */
export interface LowerHandPayload {
  /** The room. */
  roomId: string;
  /** Whose hand. */
  participantId: string;
}

/** `moderation_state` payload: the room's settings and raised hands, for anyone in the call. */
export interface ModerationStatePayload {
  /** The room. */
  roomId: string;
}

/** `moderation_state` answer. */
export interface ModerationStateResult {
  /** The room's settings. */
  moderation: RoomModeration;
  /** Raised hands in order. */
  hands: RaisedHand[];
}

// ---- Server events ----------------------------------------------------------------------------

/** `moderation_muted`: a host muted some of the receiver's sources; the SDK turns them off. */
export interface MutedEvent {
  /** The room. */
  roomId: string;
  /** What was muted. */
  sources: MuteSource[];
  /** Who did it. */
  by: ModerationActor;
}

/** `moderation_unmute_requested`: a host asks the receiver to unmute (the user decides). */
export interface UnmuteRequestedEvent {
  /** The room. */
  roomId: string;
  /** What the host would like on. */
  sources: MuteSource[];
  /** Who asks. */
  by: ModerationActor;
}

/** `moderation_grants_changed`: the receiver's permissions changed. */
export interface GrantsChangedEvent {
  /** The room. */
  roomId: string;
  /** The permissions now. */
  permissions: ParticipantPermissions;
  /** Who changed them. */
  by: ModerationActor;
}

/** `moderation_removed`: a host removed the receiver; `room_closed` (`removed`) follows. */
export interface RemovedEvent {
  /** The room. */
  roomId: string;
  /** Who removed it. */
  by: ModerationActor;
  /** The host's reason, or null. */
  reason: string | null;
  /** ISO 8601 time until which it may not join again, or null. */
  bannedUntil: string | null;
}

/** `moderation_call_ended`: a host ended the call for everyone; `room_closed` follows. */
export interface CallEndedEvent {
  /** The room. */
  roomId: string;
  /** Who ended it. */
  by: ModerationActor;
}

/** `room_moderation_updated`: the room was locked or unlocked, or its lobby turned on or off. */
export interface RoomModerationUpdatedEvent {
  /** The room. */
  roomId: string;
  /** The settings now. */
  moderation: RoomModeration;
  /** Who changed them. */
  by: ModerationActor;
}

/** `lobby_admitted`: a host let the waiter in; it may `join_room` now. */
export interface LobbyAdmittedEvent {
  /** The room. */
  roomId: string;
  /** The wait that ended. */
  entryId: string;
}

/** `lobby_denied`: a host turned the waiter away. */
export interface LobbyDeniedEvent {
  /** The room. */
  roomId: string;
  /** The wait that ended. */
  entryId: string;
  /** A human sentence. */
  message: string;
}

/** `hands_updated`: the raised hands of a call changed. */
export interface HandsUpdatedEvent {
  /** The room. */
  roomId: string;
  /** Raised hands in order. */
  hands: RaisedHand[];
}

/** `room_data`: a data message a host app's backend sent to everyone in the call. */
export interface RoomDataEvent {
  /** The room. */
  roomId: string;
  /** A topic the app chose, or null. */
  topic: string | null;
  /** Any JSON value, at most 16 KiB serialised. */
  data: unknown;
}

// ---- REST for host apps -----------------------------------------------------------------------

/** `GET /api/calls/:roomId/participants` answer. */
export interface LiveParticipantsResponse {
  /** The room. */
  roomId: string;
  /** Everyone in the call now, in join order, including those within their grace period. */
  participants: ParticipantInfo[];
  /** The room's settings. */
  moderation: RoomModeration;
  /** Raised hands in order. */
  hands: RaisedHand[];
}

/** `POST /api/calls/:roomId/participants/:participantId/mute` and `…/mute-all` body. */
export interface MuteRequest {
  /** What to mute. */
  sources: MuteSource[];
}

/** `POST /api/calls/:roomId/participants/:participantId/remove` body. */
export interface RemoveRequest {
  /** Bar from joining again for this many seconds (up to 30 days). */
  banSeconds?: number;
  /** A sentence shown to the removed person. */
  reason?: string;
}

/** `PATCH /api/calls/:roomId/participants/:participantId/grants` body. */
export type UpdateGrantsRequest = ModerationGrants;

/** `PATCH /api/calls/:roomId/moderation` body. */
export interface UpdateRoomModerationRequest {
  /** Lock or unlock. */
  locked?: boolean;
  /** Lobby on or off. */
  lobby?: boolean;
}

/** `POST /api/calls/:roomId/data` body. */
export interface SendDataRequest {
  /** A topic the receiving app may switch on, 1 to 64 characters. */
  topic?: string;
  /** Any JSON value, at most 16 KiB serialised. */
  data: unknown;
}

/** The most bytes a data message's `data` may take, serialised as JSON. */
export const ROOM_DATA_MAX_BYTES = 16 * 1024;

/** The longest bar a removal may carry, in seconds (30 days). */
export const BAN_MAX_SECONDS = 30 * 86_400;
