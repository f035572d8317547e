/** Socket payloads of rooms, calls and WebRTC signalling. */
import type { RoomRole } from './http.js';
import type { RoomTopology } from './rooms.js';
import type { SfuRtpCapabilities } from './sfu.js';

/** Where a published track comes from. */
export type TrackSource = 'camera' | 'microphone' | 'screen_share' | 'screen_share_audio';

/** A track a participant publishes, as everyone else in the room sees it. */
export interface PublishedTrack {
  /** What it captures. */
  source: TrackSource;
  /** `audio` or `video`. */
  kind: 'audio' | 'video';
  /**
   * The MediaStream id the track is sent in (the `msid` of the SDP), so a receiver can tell
   * which source an incoming track is; one stream per source.
   */
  streamId: string;
  /** Muted: the track is still sent (silence or black) without renegotiation. */
  muted: boolean;
}

/** Whether a participant's connection to the server is live or inside its reconnect grace period. */
export type ParticipantConnection = 'connected' | 'reconnecting';

/** What a participant may do in the room. */
export interface ParticipantPermissions {
  /** May publish camera, microphone and screen. */
  canPublish: boolean;
  /** May receive others' media. */
  canSubscribe: boolean;
  /** May send chat messages. */
  canChat: boolean;
  /** May publish the microphone; absent: as `canPublish`. A host may take it away live. */
  canPublishAudio?: boolean;
  /** May publish the camera; absent: as `canPublish`. A host may take it away live. */
  canPublishVideo?: boolean;
  /** May share the screen (and its audio); absent: as `canPublish`. A host may take it away live. */
  canShareScreen?: boolean;
}

/** A participant of a call, as the server describes it to everyone in the room. */
export interface ParticipantInfo {
  /** Server-assigned id of this participant in this call (`pa_…`); stable across a resume. */
  id: string;
  /** The principal behind it: a user id, or `guest:<owner>:<identity>` for a join-token guest. */
  principalId: string;
  /** Display name. */
  displayName: string;
  /** Avatar URL or null. */
  avatarUrl: string | null;
  /** Role in the room. */
  role: RoomRole;
  /** What the participant may do. */
  permissions: ParticipantPermissions;
  /** ISO 8601 time the participant joined the call. */
  joinedAt: string;
  /** Live, or away within its grace period after a dropped connection. */
  connection: ParticipantConnection;
  /** The tracks it publishes now. */
  tracks: PublishedTrack[];
}

/** An ICE server for `RTCPeerConnection`, with ephemeral TURN credentials when it is a TURN server. */
export interface IceServerInfo {
  /** `stun:` or `turn:`/`turns:` URLs. */
  urls: string[];
  /** TURN username (`<expiry>:<participant>`), absent for STUN. */
  username?: string;
  /** TURN password: base64 HMAC-SHA1 of the username with the secret shared with the TURN server. */
  credential?: string;
}

/** The room as a participant of its call sees it. */
export interface CallRoomInfo {
  /** Room id. */
  id: string;
  /** Display name. */
  name: string;
  /** Most participants at once. */
  capacity: number;
  /**
   * The topology the call runs on now: `mesh` (peer-to-peer between the participants) or `sfu`
   * (everyone sends to and receives from the server's media router). An `auto` room runs on one
   * of them at a time and announces a change with `call_topology_changed`.
   */
  topology: Exclude<RoomTopology, 'auto'>;
}

/** Proof that a participant may resume after a dropped connection. */
export interface ResumeCredentials {
  /** The participant id from the earlier `join_room` answer. */
  participantId: string;
  /** The `resumeKey` from the earlier `join_room` answer. */
  resumeKey: string;
}

/** Browser families the SDK reports for analytics. */
export type BrowserFamily = 'chrome' | 'edge' | 'firefox' | 'safari' | 'opera' | 'other';

/** Operating system families the SDK reports for analytics. */
export type OsFamily = 'windows' | 'macos' | 'ios' | 'android' | 'linux' | 'chromeos' | 'other';

/**
 * What the SDK says about the client in `join_room`, for analytics: families and a major version
 * only, never a user agent string.
 */
export interface ClientInfo {
  /** The SDK's name and version, e.g. `minimeet-sdk/0.1.0`. */
  sdk: string;
  /** The browser family. */
  browser?: BrowserFamily;
  /** The browser's major version. */
  browserVersion?: number;
  /** The operating system family. */
  os?: OsFamily;
}

/** `join_room` payload. */
export interface JoinRoomPayload {
  /** The room to join. */
  roomId: string;
  /** The room password, for a non-member of a room that has one. */
  password?: string;
  /** An invite code, for a non-member. */
  inviteCode?: string;
  /**
   * The name the others see in this call, for a user (1 to 80 characters); the account's name when
   * absent. Ignored for a guest, whose join token names it.
   */
  displayName?: string;
  /** Resume an earlier participant of this room within its grace period instead of joining anew. */
  resume?: ResumeCredentials;
  /** Tracks the joiner will publish at once, so that others learn them with the join. */
  tracks?: PublishedTrack[];
  /** The SDK, browser and OS families, for call analytics. */
  client?: ClientInfo;
}

/** `join_room` answer. */
export interface JoinRoomResult {
  /** The room. */
  room: CallRoomInfo;
  /** The caller as the others see it. */
  participant: ParticipantInfo;
  /** Everyone else in the call, including those within their reconnect grace period. */
  participants: ParticipantInfo[];
  /** ICE servers to give each `RTCPeerConnection`. */
  iceServers: IceServerInfo[];
  /** Secret that lets this participant resume after a dropped connection; keep it in memory only. */
  resumeKey: string;
  /** How long the server keeps the participant after its connection drops, in milliseconds. */
  reconnectGraceMs: number;
  /** True when this join resumed an earlier participant (same id, the others saw no leave). */
  resumed: boolean;
  /**
   * With `room.topology` `sfu`: the media router's capabilities, for mediasoup-client's
   * `device.load({ routerRtpCapabilities })`. Absent on mesh.
   */
  routerRtpCapabilities?: SfuRtpCapabilities;
}

/** `leave_room` payload. */
export interface LeaveRoomPayload {
  /** The room to leave. */
  roomId: string;
}

/** A session description, as `RTCSessionDescriptionInit` without the `rollback` type. */
export interface SessionDescription {
  /** `offer` for `webrtc_offer`, `answer` for `webrtc_answer`. */
  type: 'offer' | 'answer';
  /** The SDP. */
  sdp: string;
}

/** An ICE candidate, as `RTCIceCandidateInit`; `candidate: ''` marks the end of candidates. */
export interface IceCandidateInfo {
  /** The candidate line. */
  candidate: string;
  /** Media stream identification tag. */
  sdpMid?: string | null;
  /** Index of the m-line. */
  sdpMLineIndex?: number | null;
  /** ICE username fragment, which tells candidates of an ICE restart apart. */
  usernameFragment?: string | null;
}

/** `webrtc_offer` / `webrtc_answer` payload from a client: a description for one other participant. */
export interface SignalDescriptionPayload {
  /** The room both are in. */
  roomId: string;
  /** The participant id it is for. */
  to: string;
  /** The description. */
  description: SessionDescription;
}

/** `ice_candidate` payload from a client. */
export interface SignalCandidatePayload {
  /** The room both are in. */
  roomId: string;
  /** The participant id it is for. */
  to: string;
  /** The candidate. */
  candidate: IceCandidateInfo;
}

/** `webrtc_offer` / `webrtc_answer` as the server relays it: `from` is set by the server. */
export interface RelayedDescription {
  /** The room. */
  roomId: string;
  /** The sender's participant id, as the server knows it. */
  from: string;
  /** The description. */
  description: SessionDescription;
}

/** `ice_candidate` as the server relays it. */
export interface RelayedCandidate {
  /** The room. */
  roomId: string;
  /** The sender's participant id, as the server knows it. */
  from: string;
  /** The candidate. */
  candidate: IceCandidateInfo;
}

/** `update_media_state` payload: the caller's published tracks, all of them, now. */
export interface UpdateMediaStatePayload {
  /** The room. */
  roomId: string;
  /** Every track the caller publishes; an absent source is not published. */
  tracks: PublishedTrack[];
}

/** `participant_joined` and `participant_updated` payload. */
export interface ParticipantEventPayload {
  /** The room. */
  roomId: string;
  /** The participant as it is now. */
  participant: ParticipantInfo;
}

/** Why a participant left a call. */
export type LeaveReason =
  /** It called `leave_room` or closed its connection cleanly. */
  | 'left'
  /** Its connection dropped and it did not come back within the grace period. */
  | 'timeout'
  /** The room was deleted or closed. */
  | 'room_closed'
  /** It lost the right to be there (membership removed, token revoked). */
  | 'removed';

/** `participant_left` payload. */
export interface ParticipantLeftPayload {
  /** The room. */
  roomId: string;
  /** The participant that left. */
  participantId: string;
  /** Why. */
  reason: LeaveReason;
}

/** `room_closed` payload: the call is over for everyone (the room was deleted). */
export interface RoomClosedPayload {
  /** The room. */
  roomId: string;
  /** Why, as a leave reason. */
  reason: Extract<LeaveReason, 'room_closed' | 'removed'>;
  /** A human sentence. */
  message: string;
}
