import type {
  AuthSession,
  ChatMessage,
  ChatSender,
  LeaveReason,
  ParticipantConnection,
  ParticipantPermissions,
  SessionInfo,
  UserPresence,
} from '@minimeet/protocol';
import type { ChatState } from './chat/ChatState.js';
import type { ConnectionState } from './client/ConnectionState.js';
import type { ConnectionError, MinimeetError } from './errors.js';
import type { Participant } from './participant/Participant.js';
import type { RemoteParticipant } from './participant/RemoteParticipant.js';
import type { RoomDisconnectReason, RoomState } from './room/RoomState.js';
import type { ConnectionQuality } from './stats/ConnectionQualityMonitor.js';
import type { RemoteTrack } from './track/RemoteTrack.js';
import type {
  LocalTrackPublication,
  RemoteTrackPublication,
  TrackPublication,
} from './track/TrackPublication.js';

/** Events of a {@link MinimeetClient}; listen with `client.on(ClientEvent.X, …)`. */
export enum ClientEvent {
  /**
   * The connection state changed.
   *
   * args: (`state`: {@link ConnectionState}, `previous`: {@link ConnectionState})
   */
  ConnectionStateChanged = 'connectionStateChanged',
  /**
   * `connect()` opened the first connection and the server authenticated it.
   *
   * args: (`session`: {@link SessionInfo})
   */
  Connected = 'connected',
  /**
   * An open connection dropped unexpectedly and the client starts reconnecting; emitted once per
   * outage, before the first attempt.
   *
   * args: (`cause`: {@link ConnectionError})
   */
  Reconnecting = 'reconnecting',
  /**
   * A reconnect attempt is scheduled.
   *
   * args: (`attempt`: number, from 1; `delayMs`: number until it starts; `lastError`:
   * ConnectionError, why the connection dropped or why the previous attempt failed)
   */
  ReconnectScheduled = 'reconnectScheduled',
  /**
   * The client reconnected after a drop and the server authenticated the new connection.
   *
   * args: (`session`: {@link SessionInfo}, with a new `connectionId`)
   */
  Reconnected = 'reconnected',
  /**
   * The client is disconnected and will not reconnect by itself; emitted once per disconnection.
   *
   * args: (`error`: {@link ConnectionError} saying why, or `undefined` after `disconnect()`)
   */
  Disconnected = 'disconnected',
  /**
   * The server warned that the connection's token expires soon.
   *
   * args: (`tokenExpiresAt`: Date)
   */
  SessionExpiring = 'sessionExpiring',
  /**
   * The connection's token was replaced with a fresh one from the token provider.
   *
   * args: (`tokenExpiresAt`: Date of the new token's expiry)
   */
  TokenRefreshed = 'tokenRefreshed',
  /**
   * Replacing the connection's token failed; the client retries while the old one is valid.
   *
   * args: (`error`: {@link MinimeetError})
   */
  TokenRefreshFailed = 'tokenRefreshFailed',
  /**
   * The server reported an error that belongs to no request.
   *
   * args: (`error`: {@link MinimeetError})
   */
  ServerNoticeReceived = 'serverNoticeReceived',
}

/** The listener signature of each {@link ClientEvent}. */
export interface ClientEventCallbacks {
  [ClientEvent.ConnectionStateChanged]: (state: ConnectionState, previous: ConnectionState) => void;
  [ClientEvent.Connected]: (session: SessionInfo) => void;
  [ClientEvent.Reconnecting]: (cause: ConnectionError) => void;
  [ClientEvent.ReconnectScheduled]: (
    attempt: number,
    delayMs: number,
    lastError: ConnectionError,
  ) => void;
  [ClientEvent.Reconnected]: (session: SessionInfo) => void;
  [ClientEvent.Disconnected]: (error: ConnectionError | undefined) => void;
  [ClientEvent.SessionExpiring]: (tokenExpiresAt: Date) => void;
  [ClientEvent.TokenRefreshed]: (tokenExpiresAt: Date) => void;
  [ClientEvent.TokenRefreshFailed]: (error: MinimeetError) => void;
  [ClientEvent.ServerNoticeReceived]: (error: MinimeetError) => void;
}

/** Events of an {@link AuthClient}; listen with `auth.on(AuthEvent.X, …)`. */
export enum AuthEvent {
  /**
   * The signed-in session changed: signed in, refreshed, restored from storage, or signed out.
   *
   * args: (`session`: {@link AuthSession}, or `null` when signed out)
   */
  SessionChanged = 'sessionChanged',
}

/** The listener signature of each {@link AuthEvent}. */
export interface AuthClientCallbacks {
  [AuthEvent.SessionChanged]: (session: AuthSession | null) => void;
}

/** Events of a {@link Room}; listen with `room.on(RoomEvent.X, …)`. */
export enum RoomEvent {
  /**
   * Someone joined the call (after this client did).
   *
   * args: (`participant`: {@link RemoteParticipant})
   */
  ParticipantJoined = 'participantJoined',
  /**
   * Someone left the call.
   *
   * args: (`participant`: {@link RemoteParticipant}, `reason`: {@link LeaveReason})
   */
  ParticipantLeft = 'participantLeft',
  /**
   * Someone's connection dropped; they stay in the call within their grace period.
   *
   * args: (`participant`: {@link RemoteParticipant})
   */
  ParticipantReconnecting = 'participantReconnecting',
  /**
   * Someone whose connection dropped is back.
   *
   * args: (`participant`: {@link RemoteParticipant})
   */
  ParticipantReconnected = 'participantReconnected',
  /**
   * Someone's name, avatar, role or permissions changed.
   *
   * args: (`participant`: {@link Participant})
   */
  ParticipantUpdated = 'participantUpdated',
  /**
   * A remote participant published a track; its media may not have arrived yet.
   *
   * args: (`publication`: {@link RemoteTrackPublication}, `participant`: {@link RemoteParticipant})
   */
  TrackPublished = 'trackPublished',
  /**
   * A remote participant stopped publishing a track.
   *
   * args: (`publication`: {@link RemoteTrackPublication}, `participant`: {@link RemoteParticipant})
   */
  TrackUnpublished = 'trackUnpublished',
  /**
   * A remote track's media arrived: attach it now.
   *
   * args: (`track`: {@link RemoteTrack}, `publication`: {@link RemoteTrackPublication},
   * `participant`: {@link RemoteParticipant})
   */
  TrackSubscribed = 'trackSubscribed',
  /**
   * A remote track's media is gone (unpublished, participant left, connection rebuilt).
   *
   * args: (`track`: {@link RemoteTrack}, `publication`: {@link RemoteTrackPublication},
   * `participant`: {@link RemoteParticipant})
   */
  TrackUnsubscribed = 'trackUnsubscribed',
  /**
   * A track was muted (or its camera or microphone switched off), by a remote or the local participant.
   *
   * args: (`publication`: {@link TrackPublication}, `participant`: {@link Participant})
   */
  TrackMuted = 'trackMuted',
  /**
   * A track was unmuted, by a remote or the local participant.
   *
   * args: (`publication`: {@link TrackPublication}, `participant`: {@link Participant})
   */
  TrackUnmuted = 'trackUnmuted',
  /**
   * The local participant published a track.
   *
   * args: (`publication`: {@link LocalTrackPublication})
   */
  LocalTrackPublished = 'localTrackPublished',
  /**
   * The local participant stopped publishing a track.
   *
   * args: (`publication`: {@link LocalTrackPublication})
   */
  LocalTrackUnpublished = 'localTrackUnpublished',
  /**
   * The set or the order of the participants speaking now changed.
   *
   * args: (`speakers`: {@link Participant}[], loudest first)
   */
  ActiveSpeakersChanged = 'activeSpeakersChanged',
  /**
   * The room's state changed.
   *
   * args: (`state`: {@link RoomState})
   */
  StateChanged = 'stateChanged',
  /**
   * The connection to the server dropped; the room keeps its media and tries to resume.
   *
   * args: none
   */
  Reconnecting = 'reconnecting',
  /**
   * The room is back in the call after a dropped connection.
   *
   * args: none
   */
  Reconnected = 'reconnected',
  /**
   * The room is out of the call for good; emitted once.
   *
   * args: (`reason`: {@link RoomDisconnectReason})
   */
  Disconnected = 'disconnected',
  /**
   * A participant's connection quality changed, the local one's or a remote one's (`lost` when
   * its media stopped arriving).
   *
   * args: (`quality`: {@link ConnectionQuality}, `participant`: {@link Participant})
   */
  ConnectionQualityChanged = 'connectionQualityChanged',
  /**
   * Cameras or microphones were plugged in or out.
   *
   * args: none
   */
  MediaDevicesChanged = 'mediaDevicesChanged',
  /**
   * Capturing from a device failed outside a call the app made (a fallback after a device vanished).
   *
   * args: (`error`: the browser's `DOMException` or an `Error`)
   */
  MediaDevicesError = 'mediaDevicesError',
}

/** The listener signature of each {@link RoomEvent}. */
export interface RoomEventCallbacks {
  [RoomEvent.ParticipantJoined]: (participant: RemoteParticipant) => void;
  [RoomEvent.ParticipantLeft]: (participant: RemoteParticipant, reason: LeaveReason) => void;
  [RoomEvent.ParticipantReconnecting]: (participant: RemoteParticipant) => void;
  [RoomEvent.ParticipantReconnected]: (participant: RemoteParticipant) => void;
  [RoomEvent.ParticipantUpdated]: (participant: Participant) => void;
  [RoomEvent.TrackPublished]: (
    publication: RemoteTrackPublication,
    participant: RemoteParticipant,
  ) => void;
  [RoomEvent.TrackUnpublished]: (
    publication: RemoteTrackPublication,
    participant: RemoteParticipant,
  ) => void;
  [RoomEvent.TrackSubscribed]: (
    track: RemoteTrack,
    publication: RemoteTrackPublication,
    participant: RemoteParticipant,
  ) => void;
  [RoomEvent.TrackUnsubscribed]: (
    track: RemoteTrack,
    publication: RemoteTrackPublication,
    participant: RemoteParticipant,
  ) => void;
  [RoomEvent.TrackMuted]: (publication: TrackPublication, participant: Participant) => void;
  [RoomEvent.TrackUnmuted]: (publication: TrackPublication, participant: Participant) => void;
  [RoomEvent.LocalTrackPublished]: (publication: LocalTrackPublication) => void;
  [RoomEvent.LocalTrackUnpublished]: (publication: LocalTrackPublication) => void;
  [RoomEvent.ActiveSpeakersChanged]: (speakers: Participant[]) => void;
  [RoomEvent.StateChanged]: (state: RoomState) => void;
  [RoomEvent.Reconnecting]: () => void;
  [RoomEvent.Reconnected]: () => void;
  [RoomEvent.Disconnected]: (reason: RoomDisconnectReason) => void;
  [RoomEvent.ConnectionQualityChanged]: (
    quality: ConnectionQuality,
    participant: Participant,
  ) => void;
  [RoomEvent.MediaDevicesChanged]: () => void;
  [RoomEvent.MediaDevicesError]: (error: Error) => void;
}

/** Events of a {@link Participant}; listen with `participant.on(ParticipantEvent.X, …)`. */
export enum ParticipantEvent {
  /**
   * The participant published a track.
   *
   * args: (`publication`: {@link TrackPublication})
   */
  TrackPublished = 'trackPublished',
  /**
   * The participant stopped publishing a track.
   *
   * args: (`publication`: {@link TrackPublication})
   */
  TrackUnpublished = 'trackUnpublished',
  /**
   * A remote track's media arrived.
   *
   * args: (`track`: {@link RemoteTrack}, `publication`: {@link RemoteTrackPublication})
   */
  TrackSubscribed = 'trackSubscribed',
  /**
   * A remote track's media is gone.
   *
   * args: (`track`: {@link RemoteTrack}, `publication`: {@link RemoteTrackPublication})
   */
  TrackUnsubscribed = 'trackUnsubscribed',
  /**
   * A track was muted or switched off.
   *
   * args: (`publication`: {@link TrackPublication})
   */
  TrackMuted = 'trackMuted',
  /**
   * A track was unmuted or switched on.
   *
   * args: (`publication`: {@link TrackPublication})
   */
  TrackUnmuted = 'trackUnmuted',
  /**
   * Its connection to the server changed (`connected` or `reconnecting`).
   *
   * args: (`connection`: {@link ParticipantConnection})
   */
  ConnectionChanged = 'connectionChanged',
  /**
   * Its name, avatar, role or permissions changed.
   *
   * args: none
   */
  Updated = 'updated',
  /**
   * It started or stopped speaking.
   *
   * args: (`speaking`: boolean)
   */
  IsSpeakingChanged = 'isSpeakingChanged',
  /**
   * Its connection quality changed (`lost` when its media stopped arriving).
   *
   * args: (`quality`: {@link ConnectionQuality})
   */
  ConnectionQualityChanged = 'connectionQualityChanged',
  /**
   * What the participant may do changed: a host changed its grants, or a refreshed token did.
   * On the local participant, sources it may no longer publish have been turned off already.
   *
   * args: (`permissions`: ParticipantPermissions, `previous`: ParticipantPermissions)
   */
  PermissionsChanged = 'permissionsChanged',
}

/** The listener signature of each {@link ParticipantEvent}. */
export interface ParticipantEventCallbacks {
  [ParticipantEvent.TrackPublished]: (publication: TrackPublication) => void;
  [ParticipantEvent.TrackUnpublished]: (publication: TrackPublication) => void;
  [ParticipantEvent.TrackSubscribed]: (
    track: RemoteTrack,
    publication: RemoteTrackPublication,
  ) => void;
  [ParticipantEvent.TrackUnsubscribed]: (
    track: RemoteTrack,
    publication: RemoteTrackPublication,
  ) => void;
  [ParticipantEvent.TrackMuted]: (publication: TrackPublication) => void;
  [ParticipantEvent.TrackUnmuted]: (publication: TrackPublication) => void;
  [ParticipantEvent.ConnectionChanged]: (connection: ParticipantConnection) => void;
  [ParticipantEvent.Updated]: () => void;
  [ParticipantEvent.IsSpeakingChanged]: (speaking: boolean) => void;
  [ParticipantEvent.ConnectionQualityChanged]: (quality: ConnectionQuality) => void;
  [ParticipantEvent.PermissionsChanged]: (
    permissions: ParticipantPermissions,
    previous: ParticipantPermissions,
  ) => void;
}

/** Events of a {@link ChatChannel}; listen with `chat.on(ChatEvent.X, …)`. */
export enum ChatEvent {
  /**
   * A message joined the end of the conversation: someone's new message, one's own once stored,
   * or one missed while the connection was down. Each message is reported once, in seq order.
   *
   * args: (`message`: {@link ChatMessage})
   */
  MessageReceived = 'messageReceived',
  /**
   * A message's text was edited.
   *
   * args: (`message`: {@link ChatMessage}, as it is now)
   */
  MessageEdited = 'messageEdited',
  /**
   * A message was deleted; it keeps its place, with empty text and `deletedAt` set.
   *
   * args: (`message`: {@link ChatMessage}, as it is now)
   */
  MessageDeleted = 'messageDeleted',
  /**
   * A message's reactions changed.
   *
   * args: (`message`: {@link ChatMessage}, with its reactions now)
   */
  ReactionsChanged = 'reactionsChanged',
  /**
   * The set of other people typing changed.
   *
   * args: (`typing`: {@link ChatSender}[], in the order they started)
   */
  TypingChanged = 'typingChanged',
  /**
   * Older messages were added at the start of the conversation: the recent history on opening,
   * or a page from `loadOlder()`.
   *
   * args: (`messages`: {@link ChatMessage}[], oldest first; `hasMoreOlder`: boolean, whether
   * older messages remain on the server)
   */
  HistoryLoaded = 'historyLoaded',
  /**
   * The conversation is up to date with the server: after opening, and after each reconnect once
   * everything missed has been fetched.
   *
   * args: none
   */
  Synced = 'synced',
  /**
   * The conversation's state changed.
   *
   * args: (`state`: {@link ChatState})
   */
  StateChanged = 'stateChanged',
  /**
   * The conversation is closed for good: `close()`, the client disconnected, or the server
   * refused it (not a member, removed, no such room); emitted once.
   *
   * args: (`error`: {@link MinimeetError} from the server, or `undefined` after `close()` or a
   * disconnect)
   */
  Closed = 'closed',
}

/** The listener signature of each {@link ChatEvent}. */
export interface ChatEventCallbacks {
  [ChatEvent.MessageReceived]: (message: ChatMessage) => void;
  [ChatEvent.MessageEdited]: (message: ChatMessage) => void;
  [ChatEvent.MessageDeleted]: (message: ChatMessage) => void;
  [ChatEvent.ReactionsChanged]: (message: ChatMessage) => void;
  [ChatEvent.TypingChanged]: (typing: ChatSender[]) => void;
  [ChatEvent.HistoryLoaded]: (messages: ChatMessage[], hasMoreOlder: boolean) => void;
  [ChatEvent.Synced]: () => void;
  [ChatEvent.StateChanged]: (state: ChatState) => void;
  [ChatEvent.Closed]: (error: MinimeetError | undefined) => void;
}

/** Events of a {@link PresenceManager} (`client.presence`); listen with `client.presence.on(PresenceEvent.X, …)`. */
export enum PresenceEvent {
  /**
   * A followed user's presence changed, or became known (from a subscription's snapshot).
   *
   * args: (`presence`: {@link UserPresence})
   */
  PresenceChanged = 'presenceChanged',
  /**
   * This connection started or stopped reporting itself away (page hidden or user idle).
   *
   * args: (`away`: boolean)
   */
  AwayChanged = 'awayChanged',
}

/** The listener signature of each {@link PresenceEvent}. */
export interface PresenceEventCallbacks {
  [PresenceEvent.PresenceChanged]: (presence: UserPresence) => void;
  [PresenceEvent.AwayChanged]: (away: boolean) => void;
}
