import type {
  ChatMessage,
  LeaveReason,
  LobbyEntry,
  ModerationActor,
  MuteSource,
  ParticipantPermissions,
  RaisedHand,
  Participant,
  RemoteParticipant,
  Room,
  RoomDisconnectReason,
} from '@minimeet/sdk';
import type { ConnectionTransition } from '../controllers/ClientController.js';

/** Why `<minimeet-room>` shows an error state instead of the call. */
export type RoomErrorCode =
  | 'room_full'
  | 'password_required'
  | 'permission_denied'
  | 'token_expired'
  | 'token_invalid'
  | 'server_unreachable'
  | 'removed'
  | 'room_locked'
  | 'lobby_denied'
  | 'room_closed'
  | 'timeout'
  | 'forbidden'
  | 'not_found'
  | 'missing_config'
  | 'unknown';

/** `detail` of `minimeet-ready`: the element is connected to the server and can join. */
export interface ReadyDetail {
  /** The room id the element will join. */
  readonly roomId: string;
}

/** `detail` of `minimeet-joined`. */
export interface JoinedDetail {
  /** The joined call. */
  readonly room: Room;
  /** This browser's participant id in the call. */
  readonly participantId: string;
}

/** `detail` of `minimeet-left`. */
export interface LeftDetail {
  /** Why the call ended for this browser: `left` when the user (or `leave()`) left. */
  readonly reason: RoomDisconnectReason;
}

/** `detail` of `minimeet-participant-joined`. */
export interface ParticipantJoinedDetail {
  /** Who joined. */
  readonly participant: RemoteParticipant;
}

/** `detail` of `minimeet-participant-left`. */
export interface ParticipantLeftDetail {
  /** Who left. */
  readonly participant: RemoteParticipant;
  /** Why they left. */
  readonly reason: LeaveReason;
}

/** `detail` of `minimeet-microphone-toggled`, `-camera-toggled` and `-screen-share-toggled`. */
export interface ToggledDetail {
  /** Whether the source is on now. */
  readonly enabled: boolean;
}

/** `detail` of `minimeet-chat-message`. */
export interface ChatMessageDetail {
  /** The message, as stored by the server. */
  readonly message: ChatMessage;
}

/** `detail` of `minimeet-device-permission-denied`. */
export interface DevicePermissionDeniedDetail {
  /** The devices the browser refused. */
  readonly kind: 'camera' | 'microphone' | 'camera-and-microphone' | 'screen';
  /** The browser's error (usually a `NotAllowedError` `DOMException`). */
  readonly error: Error;
}

/** `detail` of `minimeet-error`: the call could not start or ended by an error. */
export interface ErrorDetail {
  /** What went wrong, also the state the element shows. */
  readonly code: RoomErrorCode;
  /** A sentence for developers (the UI shows its own localized text). */
  readonly message: string;
  /** The underlying error, when there is one. */
  readonly error: unknown;
}

/** `detail` of `minimeet-prejoin-submit`: the choices made on the pre-join screen. */
export interface PrejoinSubmitDetail {
  /** The display name entered, trimmed (a join token's name when it fixes one). */
  readonly displayName: string;
  /** The room password entered, when the pre-join screen asked for one (`ask-password`). */
  readonly password?: string;
  /** Whether to join with the microphone on. */
  readonly audio: boolean;
  /** Whether to join with the camera on. */
  readonly video: boolean;
  /** The chosen microphone, when one was picked. */
  readonly audioDeviceId: string | undefined;
  /** The chosen camera, when one was picked. */
  readonly videoDeviceId: string | undefined;
  /** The chosen speaker, when one was picked. */
  readonly audioOutputDeviceId: string | undefined;
}

/** `detail` of `minimeet-pin-changed`. */
export interface PinChangedDetail {
  /** Participant ids pinned now, in the order they were pinned. */
  readonly pinned: readonly string[];
}

/** `detail` of `minimeet-device-changed`. */
export interface DeviceChangedDetail {
  /** Which kind of device was chosen. */
  readonly kind: MediaDeviceKind;
  /** The chosen device id. */
  readonly deviceId: string;
}

/** `detail` of `minimeet-active-speaker-changed`. */
export interface ActiveSpeakerDetail {
  /** The participants speaking now, loudest first. */
  readonly speakers: readonly Participant[];
}

/** `detail` of `minimeet-lobby-waiting`: the room lets this browser in only through its lobby. */
export interface LobbyWaitingDetail {
  /** The wait, as the server knows it. */
  readonly entry: LobbyEntry;
}

/** `detail` of `minimeet-lobby-changed` (hosts): who waits in the lobby now. */
export interface LobbyChangedDetail {
  /** The people waiting, longest first. */
  readonly entries: readonly LobbyEntry[];
}

/** `detail` of `minimeet-hands-changed`: the raised hands now. */
export interface HandsChangedDetail {
  /** Raised hands in the order they went up. */
  readonly hands: readonly RaisedHand[];
}

/** What a host did to the local participant. */
export type ModeratedAction =
  'muted' | 'unmute_requested' | 'grants_changed' | 'removed' | 'call_ended';

/** `detail` of `minimeet-moderated`: a host acted on the local participant (or ended the call). */
export interface ModeratedDetail {
  /** What the host did. */
  readonly action: ModeratedAction;
  /** Who did it (`participantId` and `displayName` are null for a host app's backend). */
  readonly by: ModerationActor;
  /** `muted`, `unmute_requested`: the sources concerned. */
  readonly sources?: readonly MuteSource[];
  /** `grants_changed`: the permissions in force now. */
  readonly permissions?: ParticipantPermissions;
  /** `removed`: the host's reason, or null. */
  readonly reason?: string | null;
  /** `removed`: ISO 8601 time until which the person may not join again, or null. */
  readonly bannedUntil?: string | null;
}

/** Dispatched by `<minimeet-room>` once it is connected and can join. */
export type MinimeetReadyEvent = CustomEvent<ReadyDetail>;
/** Dispatched by `<minimeet-room>` once the server has admitted it to the call. */
export type MinimeetJoinedEvent = CustomEvent<JoinedDetail>;
/** Dispatched by `<minimeet-room>` when it is out of the call, with why. */
export type MinimeetLeftEvent = CustomEvent<LeftDetail>;
/** Dispatched by `<minimeet-room>` when someone joins the call. */
export type MinimeetParticipantJoinedEvent = CustomEvent<ParticipantJoinedDetail>;
/** Dispatched by `<minimeet-room>` when someone leaves the call. */
export type MinimeetParticipantLeftEvent = CustomEvent<ParticipantLeftDetail>;
/** Dispatched by `<minimeet-room>` when the local microphone goes on or off. */
export type MinimeetMicrophoneToggledEvent = CustomEvent<ToggledDetail>;
/** Dispatched by `<minimeet-room>` when the local camera goes on or off. */
export type MinimeetCameraToggledEvent = CustomEvent<ToggledDetail>;
/** Dispatched by `<minimeet-room>` when local screen sharing starts or stops. */
export type MinimeetScreenShareToggledEvent = CustomEvent<ToggledDetail>;
/** Dispatched by `<minimeet-room>` for each new chat message of the room. */
export type MinimeetChatMessageEvent = CustomEvent<ChatMessageDetail>;
/** Dispatched by `<minimeet-room>` when its connection to the server changes state. */
export type MinimeetConnectionStateEvent = CustomEvent<ConnectionTransition>;
/** Dispatched when the browser refuses the camera, microphone or screen. */
export type MinimeetDevicePermissionDeniedEvent = CustomEvent<DevicePermissionDeniedDetail>;
/** Dispatched by `<minimeet-room>` when it shows an error state. */
export type MinimeetErrorEvent = CustomEvent<ErrorDetail>;
/** Dispatched by `<minimeet-prejoin>` when the user presses Join. */
export type MinimeetPrejoinSubmitEvent = CustomEvent<PrejoinSubmitDetail>;
/** Dispatched by `<minimeet-room>` when the set of pinned tiles changes. */
export type MinimeetPinChangedEvent = CustomEvent<PinChangedDetail>;
/** Dispatched by `<minimeet-device-select>` when the user picks a device. */
export type MinimeetDeviceChangedEvent = CustomEvent<DeviceChangedDetail>;
/** Dispatched by `<minimeet-room>` when the active speakers change. */
export type MinimeetActiveSpeakerChangedEvent = CustomEvent<ActiveSpeakerDetail>;
/** Dispatched by `<minimeet-room>` when it waits in the room's lobby for a host. */
export type MinimeetLobbyWaitingEvent = CustomEvent<LobbyWaitingDetail>;
/** Dispatched by `<minimeet-room>`, for hosts, when the lobby's queue changes. */
export type MinimeetLobbyChangedEvent = CustomEvent<LobbyChangedDetail>;
/** Dispatched by `<minimeet-room>` when a hand goes up or down. */
export type MinimeetHandsChangedEvent = CustomEvent<HandsChangedDetail>;
/** Dispatched by `<minimeet-room>` when a host acts on the local participant. */
export type MinimeetModeratedEvent = CustomEvent<ModeratedDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'minimeet-ready': MinimeetReadyEvent;
    'minimeet-joined': MinimeetJoinedEvent;
    'minimeet-left': MinimeetLeftEvent;
    'minimeet-participant-joined': MinimeetParticipantJoinedEvent;
    'minimeet-participant-left': MinimeetParticipantLeftEvent;
    'minimeet-microphone-toggled': MinimeetMicrophoneToggledEvent;
    'minimeet-camera-toggled': MinimeetCameraToggledEvent;
    'minimeet-screen-share-toggled': MinimeetScreenShareToggledEvent;
    'minimeet-chat-message': MinimeetChatMessageEvent;
    'minimeet-connection-state': MinimeetConnectionStateEvent;
    'minimeet-device-permission-denied': MinimeetDevicePermissionDeniedEvent;
    'minimeet-error': MinimeetErrorEvent;
    'minimeet-prejoin-submit': MinimeetPrejoinSubmitEvent;
    'minimeet-pin-changed': MinimeetPinChangedEvent;
    'minimeet-device-changed': MinimeetDeviceChangedEvent;
    'minimeet-active-speaker-changed': MinimeetActiveSpeakerChangedEvent;
    'minimeet-lobby-waiting': MinimeetLobbyWaitingEvent;
    'minimeet-lobby-changed': MinimeetLobbyChangedEvent;
    'minimeet-hands-changed': MinimeetHandsChangedEvent;
    'minimeet-moderated': MinimeetModeratedEvent;
  }
}
