import type {
  ChatMessage,
  LeaveReason,
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
  }
}
