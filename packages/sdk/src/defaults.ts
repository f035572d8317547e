import { QUALITY_REPORT_MAX_SAMPLES } from '@minimeet/protocol';
import type {
  AudioCaptureOptions,
  AuthClientOptions,
  JoinRoomOptions,
  ResolvedJoinRoomOptions,
  VideoCaptureOptions,
  MinimeetClientOptions,
  PresenceOptions,
  QualityOptions,
  ReconnectOptions,
  ResolvedAuthClientOptions,
  ResolvedClientOptions,
  SignalTransport,
} from './options.js';

/**
 * Defaults of {@link ReconnectOptions}: 300 ms doubling to 10 s (to 2 s in a call), half of it
 * jittered, forever; at once when the browser says the network is back; an open connection whose
 * ping goes unanswered for 2 s after a network change counts as lost. The reasoning is in
 * `docs/sdk/reconnection.md`.
 */
export const DEFAULT_RECONNECT_OPTIONS: Readonly<Required<ReconnectOptions>> = Object.freeze({
  enabled: true,
  initialDelayMs: 300,
  maxDelayMs: 10_000,
  multiplier: 2,
  jitter: 0.5,
  maxAttempts: Number.POSITIVE_INFINITY,
  inCallMaxDelayMs: 2_000,
  retryOnNetworkChange: true,
  probeTimeoutMs: 2_000,
});

/** Defaults of {@link PresenceOptions}: away when the page is hidden or after 5 minutes idle. */
export const DEFAULT_PRESENCE_OPTIONS: Readonly<Required<PresenceOptions>> = Object.freeze({
  autoAway: true,
  idleAfterMs: 5 * 60_000,
});

/** Defaults of {@link MinimeetClientOptions} (`fetch` is the global one). */
export const DEFAULT_CLIENT_OPTIONS: Readonly<Omit<ResolvedClientOptions, 'reconnect' | 'fetch'>> =
  Object.freeze({
    connectTimeoutMs: 10_000,
    requestTimeoutMs: 10_000,
    tokenTimeoutMs: 10_000,
    transports: ['websocket', 'polling'] satisfies SignalTransport[],
    path: '/socket.io',
    presence: DEFAULT_PRESENCE_OPTIONS,
  });

/** Timings and sizes of chat: the typing indicator and history pages. */
export const CHAT_DEFAULTS = Object.freeze({
  /** While the user keeps typing, at most one "typing" is sent per this many milliseconds. */
  typingRefreshMs: 2_000,
  /** "Stopped typing" is sent after this many milliseconds without a keystroke. */
  typingIdleMs: 4_000,
  /** Someone else stops counting as typing this long after their last "typing", if no "stopped" came. */
  typingExpireMs: 8_000,
  /** Messages per page of history (`loadOlder()` and catching up after a reconnect). */
  historyPageSize: 50,
  /** How often a missing message is asked for again before the messages after it are shown. */
  gapRetries: 3,
  /** Delay before asking again for a missing message, times the attempt, in milliseconds. */
  gapRetryDelayMs: 250,
});

/** Defaults of {@link AuthClientOptions} other than `fetch`, which is the global one. */
export const DEFAULT_AUTH_CLIENT_OPTIONS: Readonly<
  Omit<ResolvedAuthClientOptions, 'fetch' | 'storage'>
> = Object.freeze({
  storageKey: 'minimeet.session',
  refreshMarginMs: 30_000,
  requestTimeoutMs: 10_000,
});

const TRANSPORTS: readonly SignalTransport[] = ['websocket', 'polling'];

// An option given as `undefined` means "use the default", as if it had been left out.
function withDefaults<T extends object>(defaults: T, overrides: Partial<T> | undefined): T {
  const result = { ...defaults };
  if (overrides === undefined) return result;
  if (typeof overrides !== 'object' || overrides === null) {
    throw new TypeError('options must be an object.');
  }
  for (const key of Object.keys(defaults) as (keyof T)[]) {
    const value = overrides[key];
    if (value !== undefined) result[key] = value;
  }
  return result;
}

function positive(name: string, value: number): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
    throw new TypeError(`${name} must be a number greater than zero.`);
  }
  return value;
}

/** Merges client options over the defaults once, and checks every value; throws TypeError. */
export function resolveClientOptions(options: MinimeetClientOptions = {}): ResolvedClientOptions {
  const {
    reconnect: reconnectOptions,
    presence: presenceOptions,
    ...rest
  } = withDefaults<MinimeetClientOptions>(
    { ...DEFAULT_CLIENT_OPTIONS, reconnect: undefined, presence: undefined, fetch: undefined },
    options,
  );
  const reconnect = withDefaults<Required<ReconnectOptions>>(
    DEFAULT_RECONNECT_OPTIONS,
    reconnectOptions,
  );
  const presence = withDefaults<Required<PresenceOptions>>(
    DEFAULT_PRESENCE_OPTIONS,
    presenceOptions,
  );
  const resolved = { ...rest, reconnect, presence } as ResolvedClientOptions;
  if (resolved.fetch !== undefined && typeof resolved.fetch !== 'function') {
    throw new TypeError('fetch must be a function.');
  }
  if (typeof presence.autoAway !== 'boolean') {
    throw new TypeError('presence.autoAway must be a boolean.');
  }
  positive('presence.idleAfterMs', presence.idleAfterMs);
  if (!Array.isArray(resolved.transports)) throw new TypeError('transports must be an array.');
  resolved.transports = [...resolved.transports];
  positive('reconnect.initialDelayMs', reconnect.initialDelayMs);
  positive('reconnect.maxDelayMs', reconnect.maxDelayMs);
  positive('reconnect.maxAttempts', reconnect.maxAttempts);
  positive('reconnect.inCallMaxDelayMs', reconnect.inCallMaxDelayMs);
  positive('reconnect.probeTimeoutMs', reconnect.probeTimeoutMs);
  if (typeof reconnect.retryOnNetworkChange !== 'boolean') {
    throw new TypeError('reconnect.retryOnNetworkChange must be a boolean.');
  }
  if (typeof reconnect.multiplier !== 'number' || !(reconnect.multiplier >= 1)) {
    throw new TypeError('reconnect.multiplier must be a number of at least 1.');
  }
  if (typeof reconnect.jitter !== 'number' || !(reconnect.jitter >= 0 && reconnect.jitter <= 1)) {
    throw new TypeError('reconnect.jitter must be a number from 0 to 1.');
  }
  positive('connectTimeoutMs', resolved.connectTimeoutMs);
  positive('requestTimeoutMs', resolved.requestTimeoutMs);
  positive('tokenTimeoutMs', resolved.tokenTimeoutMs);
  if (
    resolved.transports.length === 0 ||
    resolved.transports.some((t) => !TRANSPORTS.includes(t))
  ) {
    throw new TypeError(`transports must list one or more of ${TRANSPORTS.join(', ')}.`);
  }
  if (typeof resolved.path !== 'string' || !resolved.path.startsWith('/')) {
    throw new TypeError('path must be a string that starts with "/".');
  }
  return resolved;
}

/** Merges auth client options over the defaults once, and checks every value; throws TypeError. */
export function resolveAuthClientOptions(
  options: AuthClientOptions = {},
): ResolvedAuthClientOptions {
  const merged = withDefaults<AuthClientOptions>(
    { ...DEFAULT_AUTH_CLIENT_OPTIONS, storage: undefined, fetch: undefined },
    options,
  );
  const fetchImpl =
    merged.fetch ??
    (typeof globalThis.fetch === 'function'
      ? (input: string, init: RequestInit) => globalThis.fetch(input, init)
      : undefined);
  if (typeof fetchImpl !== 'function') {
    throw new TypeError('No fetch is available; pass one in options.fetch.');
  }
  const resolved = { ...merged, fetch: fetchImpl } as ResolvedAuthClientOptions;
  positive('requestTimeoutMs', resolved.requestTimeoutMs);
  if (typeof resolved.refreshMarginMs !== 'number' || !(resolved.refreshMarginMs >= 0)) {
    throw new TypeError('refreshMarginMs must be a number of at least 0.');
  }
  if (typeof resolved.storageKey !== 'string' || resolved.storageKey.length === 0) {
    throw new TypeError('storageKey must be a non-empty string.');
  }
  const { storage } = resolved;
  if (
    storage !== undefined &&
    (typeof storage !== 'object' ||
      storage === null ||
      typeof storage.get !== 'function' ||
      typeof storage.set !== 'function' ||
      typeof storage.remove !== 'function')
  ) {
    throw new TypeError('storage must be an object with get, set and remove methods.');
  }
  return resolved;
}

/** Defaults of {@link VideoCaptureOptions}: 640x480 at 30 frames per second, a mesh-friendly size. */
export const DEFAULT_VIDEO_CAPTURE_OPTIONS: Readonly<VideoCaptureOptions> = Object.freeze({
  width: 640,
  height: 480,
  frameRate: 30,
});

/** Defaults of {@link AudioCaptureOptions}: the browser's echo cancellation, noise suppression and gain. */
export const DEFAULT_AUDIO_CAPTURE_OPTIONS: Readonly<AudioCaptureOptions> = Object.freeze({
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
});

/** Timings and thresholds of a room's media: active speaker detection and ICE recovery. */
export const ROOM_MEDIA_DEFAULTS = Object.freeze({
  /** How often audio levels are sampled for active speaker detection, in milliseconds. */
  speakerSampleIntervalMs: 250,
  /** Audio level (0 to 1) above which a participant counts as speaking. */
  speakerLevelThreshold: 0.01,
  /** How long a participant stays a speaker after its level drops below the threshold. */
  speakerHangoverMs: 750,
  /** How long an ICE connection may stay `disconnected` before it is restarted. */
  iceDisconnectedRestartMs: 3_000,
});

/** Defaults of {@link QualityOptions}: a sample every 5 s, three to a report. */
export const DEFAULT_QUALITY_OPTIONS: Readonly<Required<QualityOptions>> = Object.freeze({
  sampleIntervalMs: 5_000,
  samplesPerReport: 3,
});

/** How quality levels are smoothed, and how many samples wait while the connection is down. */
export const QUALITY_DEFAULTS = Object.freeze({
  /** Samples in a row below the current level before it drops. */
  downAfter: 2,
  /** Samples in a row above the current level before it rises. */
  upAfter: 3,
  /** Samples in a row with nothing arriving before a participant is `lost`. */
  lostAfter: 2,
  /** How far past a level's threshold a score must go to count, in MOS points. */
  margin: 0.1,
  /** Samples held at most while they cannot be sent (2 minutes at the default interval). */
  maxBufferedSamples: 24,
});

/**
 * Defaults of {@link JoinRoomOptions} other than capture: every candidate, leave on `pagehide`,
 * received videos adapt to their elements.
 */
export const DEFAULT_JOIN_ROOM_OPTIONS: Readonly<
  Pick<ResolvedJoinRoomOptions, 'iceTransportPolicy' | 'leaveOnPageHide' | 'adaptiveStream'>
> = Object.freeze({
  iceTransportPolicy: 'all',
  leaveOnPageHide: true,
  adaptiveStream: true,
});

const ICE_POLICIES: readonly RTCIceTransportPolicy[] = ['all', 'relay'];

function optionalString(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`${name} must be a non-empty string.`);
  }
  return value;
}

function captureOptions<T extends object>(name: string, value: unknown, defaults: T): T | false {
  if (value === undefined || value === false) return false;
  if (value === true) return { ...defaults };
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`${name} must be a boolean or an object of capture options.`);
  }
  return { ...defaults, ...(value as T) };
}

/** Merges join options over the defaults once, and checks every value; throws TypeError. */
export function resolveJoinRoomOptions(options: JoinRoomOptions = {}): ResolvedJoinRoomOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('options must be an object.');
  }
  const iceTransportPolicy =
    options.iceTransportPolicy ?? DEFAULT_JOIN_ROOM_OPTIONS.iceTransportPolicy;
  if (!ICE_POLICIES.includes(iceTransportPolicy)) {
    throw new TypeError(`iceTransportPolicy must be one of ${ICE_POLICIES.join(', ')}.`);
  }
  const leaveOnPageHide = options.leaveOnPageHide ?? DEFAULT_JOIN_ROOM_OPTIONS.leaveOnPageHide;
  if (typeof leaveOnPageHide !== 'boolean') {
    throw new TypeError('leaveOnPageHide must be a boolean.');
  }
  const adaptiveStream = options.adaptiveStream ?? DEFAULT_JOIN_ROOM_OPTIONS.adaptiveStream;
  if (typeof adaptiveStream !== 'boolean') {
    throw new TypeError('adaptiveStream must be a boolean.');
  }
  const quality = withDefaults<Required<QualityOptions>>(DEFAULT_QUALITY_OPTIONS, options.quality);
  if (typeof quality.sampleIntervalMs !== 'number' || !(quality.sampleIntervalMs >= 500)) {
    throw new TypeError('quality.sampleIntervalMs must be a number of at least 500.');
  }
  if (
    !Number.isInteger(quality.samplesPerReport) ||
    quality.samplesPerReport < 0 ||
    quality.samplesPerReport > QUALITY_REPORT_MAX_SAMPLES
  ) {
    throw new TypeError(
      `quality.samplesPerReport must be a whole number from 0 to ${QUALITY_REPORT_MAX_SAMPLES}.`,
    );
  }
  return {
    password: optionalString('password', options.password),
    inviteCode: optionalString('inviteCode', options.inviteCode),
    displayName: optionalString('displayName', options.displayName),
    audio: captureOptions('audio', options.audio, DEFAULT_AUDIO_CAPTURE_OPTIONS),
    video: captureOptions('video', options.video, DEFAULT_VIDEO_CAPTURE_OPTIONS),
    iceTransportPolicy,
    leaveOnPageHide,
    adaptiveStream,
    quality,
  };
}
