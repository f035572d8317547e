import type { AckResult, ErrorInfo, SessionEndReason } from './errors.js';
import type {
  ChatHistoryPayload,
  ChatHistorySlice,
  ChatMessageEvent,
  ChatMessageUpdatedEvent,
  ChatSubscribePayload,
  ChatTypingEvent,
  ChatTypingPayload,
  ChatUnsubscribePayload,
  DeleteChatMessagePayload,
  EditChatMessagePayload,
  ReactChatMessagePayload,
  SendChatMessagePayload,
} from './chat.js';
import type { JoinGrants } from './http.js';
import type {
  PresenceChangedEvent,
  PresenceSnapshot,
  PresenceSubscribePayload,
  PresenceUnsubscribePayload,
  PresenceUpdatePayload,
  PresenceUpdateResult,
} from './presence.js';
import type {
  AskUnmutePayload,
  CallEndedEvent,
  EndCallPayload,
  GrantsChangedEvent,
  HandsUpdatedEvent,
  LobbyAdmittedEvent,
  LobbyDecisionPayload,
  LobbyDeniedEvent,
  LobbyKnockPayload,
  LobbyKnockResult,
  LobbyLeavePayload,
  LobbyListPayload,
  LobbySnapshot,
  LowerHandPayload,
  ModerationStatePayload,
  ModerationStateResult,
  MuteAllPayload,
  MutedEvent,
  MuteParticipantPayload,
  RaiseHandPayload,
  RemovedEvent,
  RemoveParticipantPayload,
  RoomDataEvent,
  RoomModerationUpdatedEvent,
  UnmuteRequestedEvent,
  UpdateGrantsPayload,
  UpdateRoomModerationPayload,
} from './moderation.js';
import type { QualityReportPayload } from './quality.js';
import type {
  CallTopologyChangedEvent,
  MediaMovedPayload,
  RelayedMediaMoved,
  SfuConnectTransportPayload,
  SfuConsumerEvent,
  SfuConsumerLayersChangedEvent,
  SfuConsumerPayload,
  SfuCreateTransportPayload,
  SfuNewConsumerEvent,
  SfuProducePayload,
  SfuProduceResult,
  SfuProducerClosedEvent,
  SfuProducerLayersWantedEvent,
  SfuProducerPayload,
  SfuRestartIcePayload,
  SfuRestartIceResult,
  SfuSetCapabilitiesPayload,
  SfuSetPreferredLayersPayload,
  SfuTransportInfo,
  SfuTransportsResetEvent,
} from './sfu.js';
import type {
  JoinRoomPayload,
  JoinRoomResult,
  LeaveRoomPayload,
  ParticipantEventPayload,
  ParticipantLeftPayload,
  RelayedCandidate,
  RelayedDescription,
  RoomClosedPayload,
  SignalCandidatePayload,
  SignalDescriptionPayload,
  UpdateMediaStatePayload,
} from './signalling.js';

/** Who a connection belongs to: a minimeet account, or a host app's user admitted by a join token. */
export type Principal =
  | {
      /** A registered minimeet user, authenticated by an access token. */
      kind: 'user';
      /** The user id. */
      id: string;
      /** Display name. */
      displayName: string;
      /** Avatar URL or null. */
      avatarUrl: string | null;
    }
  | {
      /** A host app's user, authenticated by a join token minted with an API key. */
      kind: 'guest';
      /** Server-side id, stable for one API key owner and identity: `guest:<keyOwner>:<identity>`. */
      id: string;
      /** The identity the host app gave. */
      identity: string;
      /** Display name. */
      displayName: string;
      /** Avatar URL or null. */
      avatarUrl: string | null;
      /** What the token allows. */
      grants: JoinGrants;
    };

/** What the client sends as Socket.IO `auth` in the handshake. */
export interface HandshakeAuth {
  /** An access token or a join token. */
  token: string;
  /** The client's {@link PROTOCOL_VERSION}. */
  protocolVersion: number;
  /** Optional SDK name and version, for logs and analytics. */
  sdk?: string;
}

/** Sent by the server right after it accepts a connection. */
export interface SessionInfo {
  /** The server's protocol version. */
  protocolVersion: number;
  /** Id of this connection (the Socket.IO socket id). */
  connectionId: string;
  /** Who the server has authenticated. */
  principal: Principal;
  /** ISO 8601 expiry of the token the connection was opened or last refreshed with. */
  tokenExpiresAt: string;
  /** Milliseconds before expiry at which the server emits `session_expiring`. */
  refreshLeadMs: number;
}

/** `auth_refresh` payload: a fresh token for the same principal. */
export interface AuthRefreshPayload {
  /** A new access or join token for the same principal. */
  token: string;
}

/** `ping` payload. */
export interface PingPayload {
  /** Any number the client wants echoed, usually its clock. */
  t: number;
}

/** Sent before the server closes a connection on its own. */
export interface SessionEndedPayload {
  /** Why. */
  reason: SessionEndReason;
  /** A human sentence. */
  message: string;
}

/** Sent when the connection's token nears expiry and no refresh has arrived. */
export interface SessionExpiringPayload {
  /** ISO 8601 expiry of the current token. */
  tokenExpiresAt: string;
}

/** Socket.IO acknowledgement callback carrying an {@link AckResult}. */
export type Ack<T extends object = object> = (result: AckResult<T>) => void;

/**
 * Events a client emits. Each request takes its payload and an acknowledgement that answers with
 * `{ ok: true, … }` or `{ ok: false, error }`.
 */
export interface ClientToServerEvents {
  /** Replace the connection's token before it expires; answers with the new expiry. */
  auth_refresh: (payload: AuthRefreshPayload, ack: Ack<{ tokenExpiresAt: string }>) => void;
  /** Round trip check; answers with the server's clock and the echoed `t`. */
  ping: (payload: PingPayload, ack: Ack<{ t: number; serverTime: number }>) => void;
  /** Join (or, with `resume`, rejoin) a room's call; answers with the room, the others and ICE servers. */
  join_room: (payload: JoinRoomPayload, ack: Ack<JoinRoomResult>) => void;
  /** Leave a room's call; the others receive `participant_left` with `left`. */
  leave_room: (payload: LeaveRoomPayload, ack: Ack) => void;
  /** Send an SDP offer to another participant of the same room. */
  webrtc_offer: (payload: SignalDescriptionPayload, ack: Ack) => void;
  /** Send an SDP answer to another participant of the same room. */
  webrtc_answer: (payload: SignalDescriptionPayload, ack: Ack) => void;
  /** Send a trickled ICE candidate to another participant of the same room. */
  ice_candidate: (payload: SignalCandidatePayload, ack: Ack) => void;
  /** Announce the caller's published tracks (published, muted, camera off, screen sharing). */
  update_media_state: (payload: UpdateMediaStatePayload, ack: Ack) => void;
  /** Report a batch of call quality samples measured with `getStats()` in a room's call. */
  quality_report: (payload: QualityReportPayload, ack: Ack) => void;
  /** Send a chat message; answers with the stored message (the same one again for a retried `clientId`). */
  chat_message: (payload: SendChatMessagePayload, ack: Ack<ChatMessageEvent>) => void;
  /** Edit one's own message; answers with the message as it is now. */
  chat_edit: (payload: EditChatMessagePayload, ack: Ack<ChatMessageEvent>) => void;
  /** Delete one's own message (moderators and owners: any message); answers with the message. */
  chat_delete: (payload: DeleteChatMessagePayload, ack: Ack<ChatMessageEvent>) => void;
  /** Add or take back a reaction; answers with the message and its reactions. */
  chat_react: (payload: ReactChatMessagePayload, ack: Ack<ChatMessageEvent>) => void;
  /** Say that one is typing, or stopped; others subscribed to the room receive `chat_typing`. */
  chat_typing: (payload: ChatTypingPayload, ack: Ack) => void;
  /** Receive a room's chat live; answers with the recent history, or with what came after `afterSeq`. */
  chat_subscribe: (payload: ChatSubscribePayload, ack: Ack<ChatHistorySlice>) => void;
  /** Stop receiving a room's chat. */
  chat_unsubscribe: (payload: ChatUnsubscribePayload, ack: Ack) => void;
  /** Page through a room's conversation. */
  chat_history: (payload: ChatHistoryPayload, ack: Ack<ChatHistorySlice>) => void;
  /** Report this connection away or not, or the user busy, or a status text. */
  presence_update: (payload: PresenceUpdatePayload, ack: Ack<PresenceUpdateResult>) => void;
  /** Follow users' presence; answers with a snapshot, then `presence_changed` follows. */
  presence_subscribe: (payload: PresenceSubscribePayload, ack: Ack<PresenceSnapshot>) => void;
  /** Stop following users' presence. */
  presence_unsubscribe: (payload: PresenceUnsubscribePayload, ack: Ack) => void;
  /** Hosts: mute sources of one participant; answers with how many sources were marked muted. */
  moderation_mute: (payload: MuteParticipantPayload, ack: Ack<{ muted: number }>) => void;
  /** Hosts: mute sources of everyone but the hosts; answers with how many participants were asked. */
  moderation_mute_all: (payload: MuteAllPayload, ack: Ack<{ muted: number }>) => void;
  /** Hosts: ask a participant to unmute (never forced). */
  moderation_ask_unmute: (payload: AskUnmutePayload, ack: Ack) => void;
  /** Hosts: remove a participant from the call, optionally barred for a time. */
  moderation_remove: (payload: RemoveParticipantPayload, ack: Ack) => void;
  /** Hosts: change a participant's grants; enforced at once. */
  moderation_grants: (payload: UpdateGrantsPayload, ack: Ack) => void;
  /** Hosts: lock or unlock the room, turn its lobby on or off. */
  moderation_room: (payload: UpdateRoomModerationPayload, ack: Ack<ModerationStateResult>) => void;
  /** Hosts: end the call for everyone. */
  moderation_end_call: (payload: EndCallPayload, ack: Ack) => void;
  /** Anyone in the call: the room's settings and raised hands. */
  moderation_state: (payload: ModerationStatePayload, ack: Ack<ModerationStateResult>) => void;
  /** Wait in a room's lobby; `lobby_admitted` or `lobby_denied` follows. */
  lobby_knock: (payload: LobbyKnockPayload, ack: Ack<LobbyKnockResult>) => void;
  /** Stop waiting in a room's lobby. */
  lobby_leave: (payload: LobbyLeavePayload, ack: Ack) => void;
  /** Hosts: who waits in the lobby. */
  lobby_list: (payload: LobbyListPayload, ack: Ack<LobbySnapshot>) => void;
  /** Hosts: let a waiter in. */
  lobby_admit: (payload: LobbyDecisionPayload, ack: Ack) => void;
  /** Hosts: turn a waiter away. */
  lobby_deny: (payload: LobbyDecisionPayload, ack: Ack) => void;
  /** Anyone in the call: raise or lower one's own hand. */
  hand_raise: (payload: RaiseHandPayload, ack: Ack) => void;
  /** Hosts: lower someone's hand. */
  hand_lower: (payload: LowerHandPayload, ack: Ack) => void;
  /** SFU: say what the client's Device can receive; consumers are created only after this. */
  sfu_set_capabilities: (payload: SfuSetCapabilitiesPayload, ack: Ack) => void;
  /** SFU: create a send (`canPublish`) or receive (`canSubscribe`) transport on the room's router. */
  sfu_create_transport: (payload: SfuCreateTransportPayload, ack: Ack<SfuTransportInfo>) => void;
  /** SFU: give a transport the client's DTLS parameters (its `connect` event). */
  sfu_connect_transport: (payload: SfuConnectTransportPayload, ack: Ack) => void;
  /** SFU: publish a track on the send transport (its `produce` event); needs `canPublish`. */
  sfu_produce: (payload: SfuProducePayload, ack: Ack<SfuProduceResult>) => void;
  /** SFU: stop publishing a track; its consumers close on every side. */
  sfu_close_producer: (payload: SfuProducerPayload, ack: Ack) => void;
  /** SFU: pause a published track (mute); its consumers see `sfu_consumer_paused`. */
  sfu_pause_producer: (payload: SfuProducerPayload, ack: Ack) => void;
  /** SFU: resume a paused published track; its consumers see `sfu_consumer_resumed`. */
  sfu_resume_producer: (payload: SfuProducerPayload, ack: Ack) => void;
  /** SFU: start receiving a consumer (created paused) once its track is wired or shown. */
  sfu_resume_consumer: (payload: SfuConsumerPayload, ack: Ack) => void;
  /** SFU: stop receiving a consumer nobody watches (dynacast counts it as not wanted). */
  sfu_pause_consumer: (payload: SfuConsumerPayload, ack: Ack) => void;
  /** SFU: ask the sender of a consumer's media for a key frame (after a drop on the receiving side). */
  sfu_request_key_frame: (payload: SfuConsumerPayload, ack: Ack) => void;
  /** SFU: the highest simulcast layers a consumer should receive (from the size it is shown at). */
  sfu_set_preferred_layers: (payload: SfuSetPreferredLayersPayload, ack: Ack) => void;
  /** SFU: restart ICE on a transport; answers with the server's new ICE parameters. */
  sfu_restart_ice: (payload: SfuRestartIcePayload, ack: Ack<SfuRestartIceResult>) => void;
  /** During a move between mesh and SFU: tell another participant its media now plays over the new topology. */
  media_moved: (payload: MediaMovedPayload, ack: Ack) => void;
}

/** Events the server emits. */
export interface ServerToClientEvents {
  /** The connection is accepted and authenticated; emitted once per connection. */
  session: (info: SessionInfo) => void;
  /** The token expires soon; send `auth_refresh` or the server closes the connection at expiry. */
  session_expiring: (payload: SessionExpiringPayload) => void;
  /**
   * The server is about to close this connection. `server_shutdown`: reconnect with backoff;
   * `token_expired`: reconnect only with a fresh token; `token_invalid`: do not reconnect.
   */
  session_ended: (payload: SessionEndedPayload) => void;
  /** An error that belongs to no request (a request without an ack, or an unknown event). */
  error_notice: (error: ErrorInfo) => void;
  /** Someone joined the call of a room the client is in. */
  participant_joined: (payload: ParticipantEventPayload) => void;
  /** Someone's connection state, tracks or role changed. */
  participant_updated: (payload: ParticipantEventPayload) => void;
  /** Someone left the call: they left, timed out after a dropped connection, or were removed. */
  participant_left: (payload: ParticipantLeftPayload) => void;
  /** The call is over for this client: the room was deleted or the client was removed from it. */
  room_closed: (payload: RoomClosedPayload) => void;
  /** An SDP offer from another participant of the same room. */
  webrtc_offer: (payload: RelayedDescription) => void;
  /** An SDP answer from another participant of the same room. */
  webrtc_answer: (payload: RelayedDescription) => void;
  /** A trickled ICE candidate from another participant of the same room. */
  ice_candidate: (payload: RelayedCandidate) => void;
  /** A new message in a room whose chat the client subscribed to. */
  chat_message: (payload: ChatMessageEvent) => void;
  /** A message was edited, deleted or reacted to in a subscribed room. */
  chat_message_updated: (payload: ChatMessageUpdatedEvent) => void;
  /** Someone started or stopped typing in a subscribed room. */
  chat_typing: (payload: ChatTypingEvent) => void;
  /** A followed user's presence changed. */
  presence_changed: (payload: PresenceChangedEvent) => void;
  /** A host muted some of the receiver's sources; the SDK turns them off. */
  moderation_muted: (payload: MutedEvent) => void;
  /** A host asks the receiver to unmute; the user decides. */
  moderation_unmute_requested: (payload: UnmuteRequestedEvent) => void;
  /** A host changed the receiver's grants. */
  moderation_grants_changed: (payload: GrantsChangedEvent) => void;
  /** A host removed the receiver from the call; `room_closed` follows. */
  moderation_removed: (payload: RemovedEvent) => void;
  /** A host ended the call for everyone; `room_closed` follows. */
  moderation_call_ended: (payload: CallEndedEvent) => void;
  /** The room was locked or unlocked, or its lobby turned on or off. */
  room_moderation_updated: (payload: RoomModerationUpdatedEvent) => void;
  /** Hosts: the lobby's queue changed. */
  lobby_updated: (payload: LobbySnapshot) => void;
  /** The waiter was let in: `join_room` now. */
  lobby_admitted: (payload: LobbyAdmittedEvent) => void;
  /** The waiter was turned away. */
  lobby_denied: (payload: LobbyDeniedEvent) => void;
  /** The raised hands of the call changed. */
  hands_updated: (payload: HandsUpdatedEvent) => void;
  /** A data message from the host app's backend to everyone in the call. */
  room_data: (payload: RoomDataEvent) => void;
  /** An `auto` room's call moved between mesh and SFU. */
  call_topology_changed: (payload: CallTopologyChangedEvent) => void;
  /** During a move: another participant now plays this client's media over the new topology. */
  media_moved: (payload: RelayedMediaMoved) => void;
  /** SFU: a new (paused) consumer of another participant's track, to `consume()` and resume. */
  sfu_new_consumer: (payload: SfuNewConsumerEvent) => void;
  /** SFU: a consumer closed (its producer closed, or its publisher left). */
  sfu_consumer_closed: (payload: SfuConsumerEvent) => void;
  /** SFU: the publisher paused the consumer's producer (muted). */
  sfu_consumer_paused: (payload: SfuConsumerEvent) => void;
  /** SFU: the publisher resumed the consumer's producer. */
  sfu_consumer_resumed: (payload: SfuConsumerEvent) => void;
  /** SFU: the layers a consumer receives changed (bandwidth, or preferred layers). */
  sfu_consumer_layers_changed: (payload: SfuConsumerLayersChangedEvent) => void;
  /** SFU (dynacast): the highest spatial layer anyone wants of one of the client's producers. */
  sfu_producer_layers_wanted: (payload: SfuProducerLayersWantedEvent) => void;
  /** SFU: the server closed one of the client's producers. */
  sfu_producer_closed: (payload: SfuProducerClosedEvent) => void;
  /** SFU: the room's media router was re-created; set up transports, producers and consumers anew. */
  sfu_transports_reset: (payload: SfuTransportsResetEvent) => void;
}

/** Names of the client-to-server events. */
export type ClientEventName = keyof ClientToServerEvents;

/** Names of the server-to-client events. */
export type ServerEventName = keyof ServerToClientEvents;

/** Event name constants, so neither side spells a wire name by hand. */
export const ClientEvent = {
  AuthRefresh: 'auth_refresh',
  Ping: 'ping',
  JoinRoom: 'join_room',
  LeaveRoom: 'leave_room',
  WebrtcOffer: 'webrtc_offer',
  WebrtcAnswer: 'webrtc_answer',
  IceCandidate: 'ice_candidate',
  UpdateMediaState: 'update_media_state',
  QualityReport: 'quality_report',
  ChatMessage: 'chat_message',
  ChatEdit: 'chat_edit',
  ChatDelete: 'chat_delete',
  ChatReact: 'chat_react',
  ChatTyping: 'chat_typing',
  ChatSubscribe: 'chat_subscribe',
  ChatUnsubscribe: 'chat_unsubscribe',
  ChatHistory: 'chat_history',
  PresenceUpdate: 'presence_update',
  PresenceSubscribe: 'presence_subscribe',
  PresenceUnsubscribe: 'presence_unsubscribe',
  ModerationMute: 'moderation_mute',
  ModerationMuteAll: 'moderation_mute_all',
  ModerationAskUnmute: 'moderation_ask_unmute',
  ModerationRemove: 'moderation_remove',
  ModerationGrants: 'moderation_grants',
  ModerationRoom: 'moderation_room',
  ModerationEndCall: 'moderation_end_call',
  ModerationState: 'moderation_state',
  LobbyKnock: 'lobby_knock',
  LobbyLeave: 'lobby_leave',
  LobbyList: 'lobby_list',
  LobbyAdmit: 'lobby_admit',
  LobbyDeny: 'lobby_deny',
  HandRaise: 'hand_raise',
  HandLower: 'hand_lower',
  SfuSetCapabilities: 'sfu_set_capabilities',
  SfuCreateTransport: 'sfu_create_transport',
  SfuConnectTransport: 'sfu_connect_transport',
  SfuProduce: 'sfu_produce',
  SfuCloseProducer: 'sfu_close_producer',
  SfuPauseProducer: 'sfu_pause_producer',
  SfuResumeProducer: 'sfu_resume_producer',
  SfuResumeConsumer: 'sfu_resume_consumer',
  SfuPauseConsumer: 'sfu_pause_consumer',
  SfuRequestKeyFrame: 'sfu_request_key_frame',
  SfuSetPreferredLayers: 'sfu_set_preferred_layers',
  SfuRestartIce: 'sfu_restart_ice',
  MediaMoved: 'media_moved',
} as const satisfies Record<string, ClientEventName>;

/** Event name constants for what the server emits. */
export const ServerEvent = {
  Session: 'session',
  SessionExpiring: 'session_expiring',
  SessionEnded: 'session_ended',
  ErrorNotice: 'error_notice',
  ParticipantJoined: 'participant_joined',
  ParticipantUpdated: 'participant_updated',
  ParticipantLeft: 'participant_left',
  RoomClosed: 'room_closed',
  WebrtcOffer: 'webrtc_offer',
  WebrtcAnswer: 'webrtc_answer',
  IceCandidate: 'ice_candidate',
  ChatMessage: 'chat_message',
  ChatMessageUpdated: 'chat_message_updated',
  ChatTyping: 'chat_typing',
  PresenceChanged: 'presence_changed',
  ModerationMuted: 'moderation_muted',
  ModerationUnmuteRequested: 'moderation_unmute_requested',
  ModerationGrantsChanged: 'moderation_grants_changed',
  ModerationRemoved: 'moderation_removed',
  ModerationCallEnded: 'moderation_call_ended',
  RoomModerationUpdated: 'room_moderation_updated',
  LobbyUpdated: 'lobby_updated',
  LobbyAdmitted: 'lobby_admitted',
  LobbyDenied: 'lobby_denied',
  HandsUpdated: 'hands_updated',
  RoomData: 'room_data',
  CallTopologyChanged: 'call_topology_changed',
  MediaMoved: 'media_moved',
  SfuNewConsumer: 'sfu_new_consumer',
  SfuConsumerClosed: 'sfu_consumer_closed',
  SfuConsumerPaused: 'sfu_consumer_paused',
  SfuConsumerResumed: 'sfu_consumer_resumed',
  SfuConsumerLayersChanged: 'sfu_consumer_layers_changed',
  SfuProducerLayersWanted: 'sfu_producer_layers_wanted',
  SfuProducerClosed: 'sfu_producer_closed',
  SfuTransportsReset: 'sfu_transports_reset',
} as const satisfies Record<string, ServerEventName>;
