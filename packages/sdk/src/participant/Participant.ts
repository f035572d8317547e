import type {
  ParticipantConnection,
  ParticipantInfo,
  ParticipantPermissions,
  RoomRole,
  TrackSource,
} from '@minimeet/protocol';
import { ParticipantEvent, type ParticipantEventCallbacks } from '../events.js';
import type { ConnectionQuality } from '../stats/ConnectionQualityMonitor.js';
import type { LocalTrack } from '../track/LocalTrack.js';
import type { RemoteTrack } from '../track/RemoteTrack.js';
import type { TrackPublication } from '../track/TrackPublication.js';
import { TypedEmitter } from '../utils/TypedEmitter.js';

/**
 * Someone in a call: who they are, what they may do, what they publish and whether they speak.
 * {@link LocalParticipant} and {@link RemoteParticipant} extend it.
 */
export abstract class Participant<
  T extends LocalTrack | RemoteTrack = LocalTrack | RemoteTrack,
> extends TypedEmitter<ParticipantEventCallbacks> {
  protected info: ParticipantInfo;
  protected readonly publications = new Map<TrackSource, TrackPublication<T>>();
  private speaking = false;
  private level = 0;
  private quality: ConnectionQuality = 'unknown';

  /** Creates a participant from the server's description. @internal */
  protected constructor(info: ParticipantInfo) {
    super();
    this.info = info;
  }

  /** Server-assigned id of this participant in this call (`pa_…`); stable across a resume. */
  get id(): string {
    return this.info.id;
  }

  /** The user id, or `guest:<owner>:<identity>` for a join-token guest. */
  get principalId(): string {
    return this.info.principalId;
  }

  /** Display name. */
  get name(): string {
    return this.info.displayName;
  }

  /** Avatar URL, or null. */
  get avatarUrl(): string | null {
    return this.info.avatarUrl;
  }

  /** Role in the room. */
  get role(): RoomRole {
    return this.info.role;
  }

  /** What the participant may do. */
  get permissions(): Readonly<ParticipantPermissions> {
    return this.info.permissions;
  }

  /** Live, or away within its grace period after a dropped connection. */
  get connection(): ParticipantConnection {
    return this.info.connection;
  }

  /** ISO 8601 time the participant joined the call. */
  get joinedAt(): string {
    return this.info.joinedAt;
  }

  /** Whether the participant is speaking now. */
  get isSpeaking(): boolean {
    return this.speaking;
  }

  /** The participant's latest audio level, from 0 to 1. */
  get audioLevel(): number {
    return this.level;
  }

  /**
   * How well the participant's media fares: for a remote participant, what arrives from it; for
   * the local one, what it sends. `unknown` until measured.
   */
  get connectionQuality(): ConnectionQuality {
    return this.quality;
  }

  /** The publications by source. */
  get trackPublications(): ReadonlyMap<TrackSource, TrackPublication<T>> {
    return this.publications;
  }

  /** The publication of `source`, if the participant publishes it. */
  getTrackPublication(source: TrackSource): TrackPublication<T> | undefined {
    return this.publications.get(source);
  }

  /** Whether the camera is published and not muted or switched off. */
  get isCameraEnabled(): boolean {
    return this.isEnabled('camera');
  }

  /** Whether the microphone is published and not muted or switched off. */
  get isMicrophoneEnabled(): boolean {
    return this.isEnabled('microphone');
  }

  /** Whether the participant shares a screen. */
  get isScreenShareEnabled(): boolean {
    return this.publications.has('screen_share');
  }

  /** Sets the audio level and the speaking flag; the room's speaker detector does this. @internal */
  setSpeaking(speaking: boolean, level: number): void {
    this.level = level;
    if (speaking === this.speaking) return;
    this.speaking = speaking;
    this.emit(ParticipantEvent.IsSpeakingChanged, speaking);
  }

  /** Sets the connection quality; the room's quality monitor does this. @internal */
  setConnectionQuality(quality: ConnectionQuality): void {
    if (quality === this.quality) return;
    this.quality = quality;
    this.emit(ParticipantEvent.ConnectionQualityChanged, quality);
  }

  /** Emits {@link ParticipantEvent.PermissionsChanged} when `next` differs from `previous`. */
  protected announcePermissions(
    previous: ParticipantPermissions,
    next: ParticipantPermissions,
  ): void {
    if (samePermissions(previous, next)) return;
    this.emit(ParticipantEvent.PermissionsChanged, next, previous);
  }

  private isEnabled(source: TrackSource): boolean {
    const publication = this.publications.get(source);
    return publication !== undefined && !publication.isMuted;
  }
}

const PERMISSION_KEYS = [
  'canPublish',
  'canSubscribe',
  'canChat',
  'canPublishAudio',
  'canPublishVideo',
  'canShareScreen',
] as const satisfies readonly (keyof ParticipantPermissions)[];

/** Whether two sets of permissions allow the same. @internal */
export function samePermissions(a: ParticipantPermissions, b: ParticipantPermissions): boolean {
  return PERMISSION_KEYS.every((k) => a[k] === b[k]);
}
