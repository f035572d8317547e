/**
 * `@minimeet/sdk`: the framework-agnostic browser SDK of minimeet. Start with {@link createClient}
 * to connect and {@link createAuthClient} to sign in.
 *
 * @packageDocumentation
 */
export { MinimeetClient, createClient } from './client/MinimeetClient.js';
export { ConnectionState } from './client/ConnectionState.js';
export { AuthClient, createAuthClient } from './auth/AuthClient.js';
export { createWebAuthStorage } from './auth/AuthStorage.js';
export type { AuthStorage } from './auth/AuthStorage.js';
export {
  AuthEvent,
  ChatEvent,
  ClientEvent,
  ParticipantEvent,
  PresenceEvent,
  RoomEvent,
} from './events.js';
export type {
  AuthClientCallbacks,
  ChatEventCallbacks,
  ClientEventCallbacks,
  ParticipantEventCallbacks,
  PresenceEventCallbacks,
  RoomEventCallbacks,
} from './events.js';
export { ChatChannel } from './chat/ChatChannel.js';
export type { PendingChatMessage } from './chat/ChatChannel.js';
export { ChatState } from './chat/ChatState.js';
export { PresenceManager } from './presence/PresenceManager.js';
export type { PresenceStatus } from './presence/PresenceManager.js';
export type { MessageSearchResults } from './search/MessageSearch.js';
export { Room } from './room/Room.js';
export { RoomModeration } from './moderation/RoomModeration.js';
export type { ModerationCallbacks } from './moderation/RoomModeration.js';
export { ModerationEvent } from './moderation/ModerationEvent.js';
export { RoomState } from './room/RoomState.js';
export type { RoomDisconnectReason } from './room/RoomState.js';
export type {
  ConnectionQuality,
  ParticipantQualityStats,
  QualitySnapshot,
} from './stats/ConnectionQualityMonitor.js';
export { Participant } from './participant/Participant.js';
export { LocalParticipant } from './participant/LocalParticipant.js';
export { RemoteParticipant } from './participant/RemoteParticipant.js';
export { Track } from './track/Track.js';
export type { TrackKind } from './track/Track.js';
export { LocalTrack } from './track/LocalTrack.js';
export { RemoteTrack } from './track/RemoteTrack.js';
export type { VideoDimensions } from './media/layers.js';
export { TrackPublication } from './track/TrackPublication.js';
export type { LocalTrackPublication, RemoteTrackPublication } from './track/TrackPublication.js';
export { attachTrack, listDevices } from './track/devices.js';
export {
  ConnectionError,
  ConnectionErrorReason,
  InvalidStateError,
  MinimeetError,
  SdkErrorCode,
  UnsupportedError,
} from './errors.js';
export type { MinimeetErrorCode, MinimeetErrorOptions } from './errors.js';
export {
  DEFAULT_AUDIO_CAPTURE_OPTIONS,
  DEFAULT_AUTH_CLIENT_OPTIONS,
  DEFAULT_CLIENT_OPTIONS,
  DEFAULT_JOIN_ROOM_OPTIONS,
  DEFAULT_PRESENCE_OPTIONS,
  DEFAULT_QUALITY_OPTIONS,
  DEFAULT_RECONNECT_OPTIONS,
  DEFAULT_VIDEO_CAPTURE_OPTIONS,
} from './defaults.js';
export type {
  AudioCaptureOptions,
  AuthClientOptions,
  JoinRoomOptions,
  ScreenShareOptions,
  VideoCaptureOptions,
  FetchLike,
  MessageSearchOptions,
  MinimeetClientOptions,
  PresenceOptions,
  QualityOptions,
  ReconnectOptions,
  SignalTransport,
  TokenProvider,
  TokenRequest,
  TokenSource,
} from './options.js';
export { TypedEmitter } from './utils/TypedEmitter.js';
export type { EventMap } from './utils/TypedEmitter.js';
export { SDK_VERSION } from './version.js';

// The wire types an app meets through this SDK, so it needs no direct dependency on the protocol.
export { ErrorCode, PROTOCOL_VERSION } from '@minimeet/protocol';
export type {
  AuthSession,
  ChangePasswordRequest,
  ChatMessage,
  ChatReaction,
  ChatSender,
  ErrorInfo,
  IceServerInfo,
  IceServersResponse,
  JoinGrants,
  LeaveReason,
  LobbyEntry,
  LoginRequest,
  MessageSearchHit,
  MessageSearchPage,
  MessageSearchSort,
  ModerationActor,
  ModerationGrants,
  MuteSource,
  ParticipantConnection,
  ParticipantPermissions,
  PresenceState,
  PublishedTrack,
  Principal,
  QualityLeg,
  QualityLevel,
  QualityLimitationReason,
  RaisedHand,
  RemovedEvent,
  RoomModeration as RoomModerationSettings,
  RegisterRequest,
  RoomRole,
  SessionInfo,
  TrackSource,
  UpdateProfileRequest,
  UserPresence,
  UserProfile,
} from '@minimeet/protocol';
