import type { AuthStorage } from './auth/AuthStorage.js';
import type { LobbyEntry } from '@minimeet/protocol';

/** Why the client asks its {@link TokenProvider} for a token. */
export interface TokenRequest {
  /**
   * `connect` and `reconnect` open a connection; `refresh` renews the token of an open one (or
   * replaces one a REST call was refused with as expired); `api` authorises a REST call such as
   * `client.search()`.
   */
  reason: 'connect' | 'reconnect' | 'refresh' | 'api';
  /**
   * On `refresh`: ISO 8601 expiry of the token the connection holds now. The provider should
   * answer with a token that lives longer than that, or the refresh gains nothing.
   */
  currentExpiresAt?: string;
}

/** A function the client calls for a token: on connect, before every reconnect and refresh. */
export type TokenProvider = (request?: TokenRequest) => string | Promise<string>;

/** A fixed token, or a {@link TokenProvider} that lets the client renew the connection's token. */
export type TokenSource = string | TokenProvider;

/** How a {@link MinimeetClient} retries after an open connection drops. */
export interface ReconnectOptions {
  /** Whether to reconnect at all after an unexpected drop. */
  enabled?: boolean;
  /** Delay before the first attempt, before jitter, in milliseconds. */
  initialDelayMs?: number;
  /** Ceiling of the delay between attempts, in milliseconds. */
  maxDelayMs?: number;
  /** Growth factor of the delay from one attempt to the next. */
  multiplier?: number;
  /** Fraction of each delay, 0 to 1, that is randomised away so that clients spread out. */
  jitter?: number;
  /** Attempts before giving up with `Disconnected`; `Infinity` never gives up. */
  maxAttempts?: number;
  /**
   * Ceiling of the delay between attempts while this client is in a call (a joined room that has
   * not ended), in milliseconds; the lower of this and `maxDelayMs` applies then. Keep it well
   * under the server's `RECONNECT_GRACE_SECONDS`, so that an outage shorter than the grace period
   * is followed by an attempt in time to resume the same participant.
   */
  inCallMaxDelayMs?: number;
  /**
   * Listen to the browser's word that the network is back or changed (`online`, a
   * `navigator.connection` change) and that the page is visible again: a scheduled attempt then
   * starts at once, an attempt begun on the old network starts over, and an open connection is
   * checked with a ping.
   */
  retryOnNetworkChange?: boolean;
  /**
   * How long the server may take to answer the ping that checks an open connection after the
   * network changed or the media lost its way, in milliseconds; without an answer by then the
   * connection counts as lost and the client reconnects.
   */
  probeTimeoutMs?: number;
}

/** A low-level transport the signalling connection may use, in order of preference. */
export type SignalTransport = 'websocket' | 'polling';

/** Options of a {@link MinimeetClient}; every field is optional and has a default in `defaults.ts`. */
export interface MinimeetClientOptions {
  /** Reconnection after a dropped connection. */
  reconnect?: ReconnectOptions;
  /** How long one connection attempt may take, from the token to the server's `session`. */
  connectTimeoutMs?: number;
  /** How long a request may wait for the server's answer. */
  requestTimeoutMs?: number;
  /** How long a token provider may take to produce a token. */
  tokenTimeoutMs?: number;
  /** Transports to try in order; WebSocket first, long-polling as the fallback. */
  transports?: SignalTransport[];
  /** Path of the Socket.IO endpoint, appended to any path in the server URL. */
  path?: string;
  /** How `client.presence` reports this connection away. */
  presence?: PresenceOptions;
  /** The `fetch` for REST calls such as `client.search()`; the global one by default. */
  fetch?: FetchLike;
}

/** How `client.presence` detects that the user is away; every field is optional. */
export interface PresenceOptions {
  /**
   * Report this connection away while the page is hidden or the user idle, and back when not;
   * `true` by default. Only in a browser: without a `document` nothing is detected.
   */
  autoAway?: boolean;
  /** The user counts as idle after this long without input; `Infinity` never idles. */
  idleAfterMs?: number;
}

/** Options of `client.search()`; every field is optional. */
export interface MessageSearchOptions {
  /** Only this room. */
  roomId?: string;
  /** Only messages from this principal (a user id, or a guest's `guest:…` id). */
  senderId?: string;
  /** Only messages stored at or after this time. */
  from?: Date | string;
  /** Only messages stored before this time. */
  to?: Date | string;
  /** `newest` first (default) or by `relevance`. */
  sort?: 'newest' | 'relevance';
  /** Page size, 1 to 100 (the server's default is 20). */
  limit?: number;
  /** The `nextCursor` of a previous page. */
  cursor?: string;
  /** Aborts the request. */
  signal?: AbortSignal;
}

/** Options of an {@link AuthClient}; every field is optional and has a default in `defaults.ts`. */
export interface AuthClientOptions {
  /** Where to keep the session across page loads; none by default, so a reload signs out. */
  storage?: AuthStorage;
  /** The key under which the session is stored. */
  storageKey?: string;
  /** Refresh the access token when it expires within this many milliseconds. */
  refreshMarginMs?: number;
  /** How long one REST request may take. */
  requestTimeoutMs?: number;
  /** The `fetch` to use; the global one by default. */
  fetch?: FetchLike;
}

/** The part of `fetch` the SDK uses. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** {@link MinimeetClientOptions} with every default applied. */
export interface ResolvedClientOptions {
  reconnect: Required<ReconnectOptions>;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  tokenTimeoutMs: number;
  transports: SignalTransport[];
  path: string;
  presence: Required<PresenceOptions>;
  /** Undefined: the global `fetch`, looked up at the time of each request. */
  fetch: FetchLike | undefined;
}

/** {@link AuthClientOptions} with every default applied. */
export interface ResolvedAuthClientOptions {
  storage: AuthStorage | undefined;
  storageKey: string;
  refreshMarginMs: number;
  requestTimeoutMs: number;
  fetch: FetchLike;
}

/** How to capture a microphone; every field is optional and left to the browser when absent. */
export interface AudioCaptureOptions {
  /** The `deviceId` of the microphone (from {@link listDevices}); the default device when absent. */
  deviceId?: string;
  /** Cancel the echo of the room's audio; on by default in browsers. */
  echoCancellation?: boolean;
  /** Suppress background noise. */
  noiseSuppression?: boolean;
  /** Level the volume automatically. */
  autoGainControl?: boolean;
}

/** How to capture a camera; every field is optional and has a default in `defaults.ts`. */
export interface VideoCaptureOptions {
  /** The `deviceId` of the camera (from {@link listDevices}); the default device when absent. */
  deviceId?: string;
  /** Ideal width in pixels. */
  width?: number;
  /** Ideal height in pixels. */
  height?: number;
  /** Ideal frames per second. */
  frameRate?: number;
  /** Front (`user`) or back (`environment`) camera, where a device has both. */
  facingMode?: 'user' | 'environment';
}

/** How to share the screen. */
export interface ScreenShareOptions {
  /** Also share the audio of the tab or screen when the browser offers it (`screen_share_audio`). */
  audio?: boolean;
}

/** How a room measures call quality and reports it to the server; every field is optional. */
export interface QualityOptions {
  /** Milliseconds between `getStats()` samples: 5000 by default, at least 500. */
  sampleIntervalMs?: number;
  /**
   * Samples sent to the server per `quality_report`, for call analytics: 3 by default, at most 6;
   * 0 sends none (the levels and the snapshot still work).
   */
  samplesPerReport?: number;
}

/** Options of {@link MinimeetClient.joinRoom}; every field is optional. */
export interface JoinRoomOptions {
  /** The room password, for a non-member of a room that has one. */
  password?: string;
  /** An invite code, for a non-member. */
  inviteCode?: string;
  /**
   * The name the others see in this call, 1 to 80 characters; the account's name when absent.
   * Ignored for a guest, whose join token names it.
   */
  displayName?: string;
  /** Publish the microphone at join; `false` by default. */
  audio?: boolean | AudioCaptureOptions;
  /** Publish the camera at join; `false` by default. */
  video?: boolean | VideoCaptureOptions;
  /** `all` (default) lets ICE use every candidate; `relay` only TURN, which hides the address. */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /**
   * Leave the call when the page is hidden for good or put in the back/forward cache (`pagehide`),
   * so that the others see this participant leave at once instead of a reconnecting tile for the
   * server's whole grace period; `true` by default.
   */
  leaveOnPageHide?: boolean;
  /**
   * Called when the room lets this client in only through its lobby: `joinRoom()` knocks and
   * waits until a host admits it (or rejects with `lobby_denied`); show a waiting screen meanwhile.
   */
  onLobbyWaiting?: (entry: LobbyEntry) => void;
  /**
   * On the SFU, have each received video follow the elements it is attached to: the simulcast
   * layer that fits their size, and paused while none of them is on screen (or the page is
   * hidden). `true` by default; with `false` every video is received whole, whether shown or not.
   * `RemoteTrack.setVideoDimensions()` overrides the elements' size either way.
   */
  adaptiveStream?: boolean;
  /** Call quality sampling and reporting. */
  quality?: QualityOptions;
}

/** {@link JoinRoomOptions} with every default applied. */
export interface ResolvedJoinRoomOptions {
  password: string | undefined;
  inviteCode: string | undefined;
  displayName: string | undefined;
  audio: AudioCaptureOptions | false;
  video: VideoCaptureOptions | false;
  iceTransportPolicy: RTCIceTransportPolicy;
  leaveOnPageHide: boolean;
  adaptiveStream: boolean;
  quality: Required<QualityOptions>;
}
