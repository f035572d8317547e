import {
  ErrorCode,
  type ParticipantInfo,
  type ParticipantPermissions,
  type PublishedTrack,
  type TrackSource,
} from '@minimeet/protocol';
import { DEFAULT_AUDIO_CAPTURE_OPTIONS, DEFAULT_VIDEO_CAPTURE_OPTIONS } from '../defaults.js';
import { MinimeetError } from '../errors.js';
import { ParticipantEvent } from '../events.js';
import type { AudioCaptureOptions, ScreenShareOptions, VideoCaptureOptions } from '../options.js';
import { captureDevice, captureScreen, listDevices } from '../track/devices.js';
import { LocalTrack } from '../track/LocalTrack.js';
import { TrackPublication, type LocalTrackPublication } from '../track/TrackPublication.js';
import { SerialQueue } from '../utils/SerialQueue.js';
import { Participant } from './Participant.js';

type DeviceSource = 'camera' | 'microphone';
type DeviceKind = 'audioinput' | 'videoinput';

const SOURCE_OF_KIND: Readonly<Record<DeviceKind, DeviceSource>> = {
  audioinput: 'microphone',
  videoinput: 'camera',
};

/** What a {@link LocalParticipant} needs from its room; the room passes it in. */
export interface LocalMediaHost {
  /** Throws `InvalidStateError` when the room is no longer in the call. */
  assertActive(): void;
  /** Starts sending a newly published track to everyone. */
  publish(track: LocalTrack): void;
  /** Stops sending a track that is no longer published. */
  unpublish(track: LocalTrack): void;
  /** Sends the track's current `mediaStreamTrack` (or nothing) in place of the previous one. */
  replaceTrack(track: LocalTrack): Promise<void>;
  /** Tells the others what this participant publishes now (`update_media_state`). */
  announce(): Promise<void>;
  /** Reports a capture failure that no app call is waiting for. */
  reportDeviceError(error: Error): void;
}

function checkBoolean(name: string, value: unknown): void {
  if (typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean.`);
}

function checkOptions(value: unknown): void {
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new TypeError('options must be an object.');
  }
}

/**
 * This browser's participant: it captures and publishes camera, microphone and screen, mutes
 * without renegotiation, and switches devices live. Calls run one at a time, in order.
 */
export class LocalParticipant extends Participant<LocalTrack> {
  private readonly queue = new SerialQueue();

  /** Creates the local participant of a joined room. @internal */
  constructor(
    info: ParticipantInfo,
    private readonly host: LocalMediaHost,
  ) {
    super(info);
  }

  /**
   * Switches the camera on (capturing it, publishing it the first time) or off (stopping the
   * device, so its light goes out; the others see the publication muted).
   */
  setCameraEnabled(enabled: boolean, options?: VideoCaptureOptions): Promise<void> {
    checkBoolean('enabled', enabled);
    checkOptions(options);
    return this.serialize(() =>
      enabled ? this.enableDevice('camera', options) : this.disableDevice('camera'),
    );
  }

  /** Switches the microphone on (capturing and publishing it) or off (stopping the device). */
  setMicrophoneEnabled(enabled: boolean, options?: AudioCaptureOptions): Promise<void> {
    checkBoolean('enabled', enabled);
    checkOptions(options);
    return this.serialize(() =>
      enabled ? this.enableDevice('microphone', options) : this.disableDevice('microphone'),
    );
  }

  /**
   * Starts sharing a screen, window or tab the user picks (with its audio when `options.audio`
   * and the browser offers it), or stops; sharing also stops when the browser's own "stop
   * sharing" ends it. Rejects with `UnsupportedError` where the browser cannot share a screen.
   */
  setScreenShareEnabled(enabled: boolean, options?: ScreenShareOptions): Promise<void> {
    checkBoolean('enabled', enabled);
    checkOptions(options);
    return this.serialize(() =>
      enabled ? this.enableScreenShare(options ?? {}) : this.disableScreenShare(),
    );
  }

  /** Mutes or unmutes the microphone without renegotiation: the track keeps flowing as silence. */
  setMicrophoneMuted(muted: boolean): Promise<void> {
    checkBoolean('muted', muted);
    return this.serialize(() => this.setDeviceMuted('microphone', muted));
  }

  /** Mutes or unmutes the camera without renegotiation: the track keeps flowing as black frames. */
  setCameraMuted(muted: boolean): Promise<void> {
    checkBoolean('muted', muted);
    return this.serialize(() => this.setDeviceMuted('camera', muted));
  }

  /**
   * Captures from device `deviceId` from now on and sends it in place of the current one, without
   * renegotiation; when the device is off, the choice applies the next time it is switched on.
   */
  switchActiveDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    if (kind !== 'audioinput' && kind !== 'videoinput') {
      throw new TypeError('kind must be audioinput or videoinput.');
    }
    if (typeof deviceId !== 'string' || deviceId.length === 0) {
      throw new TypeError('deviceId must be a non-empty string.');
    }
    return this.serialize(() => this.switchDevice(SOURCE_OF_KIND[kind], deviceId));
  }

  /** The device captured now for `kind`, or the one chosen for the next capture. */
  getActiveDevice(kind: DeviceKind): string | undefined {
    const track = this.publications.get(SOURCE_OF_KIND[kind])?.track;
    return track?.deviceId ?? track?.captureOptions.deviceId;
  }

  /** What this participant publishes, in wire form. @internal */
  publishedTracks(): PublishedTrack[] {
    // A source a host took away is not announced, even while its (stopped) track is kept.
    return [...this.publications.values()]
      .map((p) => p.toPublishedTrack())
      .filter((t) => this.mayPublish(t.source));
  }

  /** Adopts the server's description of this participant (a new id after a fresh rejoin). @internal */
  setInfo(info: ParticipantInfo): void {
    const previous = this.info.permissions;
    this.info = info;
    this.announcePermissions(previous, info.permissions);
  }

  /** Adopts permissions a host just set (before the server's next description arrives). @internal */
  setPermissions(permissions: ParticipantPermissions): void {
    const previous = this.info.permissions;
    this.info = { ...this.info, permissions };
    this.announcePermissions(previous, permissions);
  }

  /** Publishes tracks captured before the join. @internal */
  adoptTracks(tracks: readonly LocalTrack[]): void {
    for (const track of tracks) this.publishLocal(track);
  }

  /**
   * Falls back to the default device where the captured one is gone, after the browser's
   * `devicechange`. @internal
   */
  handleDevicesChanged(): Promise<void> {
    return this.serialize(async () => {
      const present = new Set((await listDevices()).map((d) => d.deviceId));
      for (const source of ['camera', 'microphone'] as const) {
        const track = this.publications.get(source)?.track;
        const deviceId = track?.deviceId;
        if (track?.isLive && deviceId && deviceId !== 'default' && !present.has(deviceId)) {
          await this.fallBackToDefault(source);
        }
      }
    });
  }

  /** Stops every captured track; the room is leaving. @internal */
  stopAllTracks(): void {
    for (const publication of this.publications.values()) publication.track?.stop();
  }

  private serialize<T>(operation: () => Promise<T>): Promise<T> {
    return this.queue.run(() => {
      this.host.assertActive();
      return operation();
    });
  }

  private assertCanPublish(source?: TrackSource): void {
    if (!this.permissions.canPublish) {
      throw new MinimeetError(ErrorCode.Forbidden, 'This participant may not publish media.');
    }
    if (source && !this.mayPublish(source)) {
      throw new MinimeetError(
        ErrorCode.Forbidden,
        `A host took away the right to publish the ${source.replace(/_/g, ' ')}.`,
      );
    }
  }

  // The per-source grants a host may change live; absent, they follow `canPublish`.
  private mayPublish(source: TrackSource): boolean {
    const p = this.permissions;
    if (!p.canPublish) return false;
    if (source === 'microphone') return p.canPublishAudio ?? true;
    if (source === 'camera') return p.canPublishVideo ?? true;
    return p.canShareScreen ?? true;
  }

  // Capture can take long (a permission prompt); the room may have been left meanwhile.
  private adoptCaptured(tracks: (MediaStreamTrack | undefined)[]): void {
    try {
      this.host.assertActive();
    } catch (error) {
      for (const track of tracks) track?.stop();
      throw error;
    }
  }

  private async enableDevice(
    source: DeviceSource,
    options: AudioCaptureOptions | VideoCaptureOptions | undefined,
  ): Promise<void> {
    this.assertCanPublish(source);
    const publication = this.publications.get(source);
    const track = publication?.track;
    if (publication && track?.isLive) {
      if (publication.isMuted) await this.setDeviceMuted(source, false);
      return;
    }
    const defaults =
      source === 'camera' ? DEFAULT_VIDEO_CAPTURE_OPTIONS : DEFAULT_AUDIO_CAPTURE_OPTIONS;
    const captureOptions = { ...defaults, ...track?.captureOptions, ...options };
    const captured = await captureDevice(source, captureOptions);
    this.adoptCaptured([captured]);
    if (publication && track) {
      track.captureOptions = captureOptions;
      publication.setMuted(false);
      track.replaceMediaStreamTrack(captured);
      await this.host.replaceTrack(track);
      this.emit(ParticipantEvent.TrackUnmuted, publication);
    } else {
      this.publishLocal(new LocalTrack(source, captured, captureOptions));
    }
    await this.host.announce();
  }

  private async disableDevice(source: DeviceSource): Promise<void> {
    const publication = this.publications.get(source);
    const track = publication?.track;
    if (!publication || !track || (!track.isLive && publication.isMuted)) return;
    track.replaceMediaStreamTrack(undefined);
    await this.host.replaceTrack(track);
    if (!publication.isMuted) {
      publication.setMuted(true);
      this.emit(ParticipantEvent.TrackMuted, publication);
    }
    await this.host.announce();
  }

  private async setDeviceMuted(source: DeviceSource, muted: boolean): Promise<void> {
    const publication = this.publications.get(source);
    if (!muted && !publication?.track?.isLive) {
      await this.enableDevice(source, undefined);
      return;
    }
    if (!publication || publication.isMuted === muted) return;
    publication.setMuted(muted);
    this.emit(muted ? ParticipantEvent.TrackMuted : ParticipantEvent.TrackUnmuted, publication);
    await this.host.announce();
  }

  private async switchDevice(source: DeviceSource, deviceId: string): Promise<void> {
    const track = this.publications.get(source)?.track;
    if (!track) return;
    const captureOptions = { ...track.captureOptions, deviceId };
    if (track.isLive) {
      // Some devices refuse a second capture while the first runs: stop first.
      track.replaceMediaStreamTrack(undefined);
      const captured = await captureDevice(source, captureOptions);
      this.adoptCaptured([captured]);
      track.replaceMediaStreamTrack(captured);
      await this.host.replaceTrack(track);
    }
    track.captureOptions = captureOptions;
  }

  private async fallBackToDefault(source: DeviceSource): Promise<void> {
    const track = this.publications.get(source)?.track;
    if (!track) return;
    const { deviceId: _gone, ...captureOptions } = track.captureOptions;
    try {
      const captured = await captureDevice(source, captureOptions);
      this.adoptCaptured([captured]);
      track.captureOptions = captureOptions;
      track.replaceMediaStreamTrack(captured);
      await this.host.replaceTrack(track);
    } catch (error) {
      this.host.reportDeviceError(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private async enableScreenShare(options: ScreenShareOptions): Promise<void> {
    this.assertCanPublish();
    if (this.publications.has('screen_share')) return;
    const { video, audio } = await captureScreen(options);
    this.adoptCaptured([video, audio]);
    const screen = new LocalTrack('screen_share', video);
    screen.setEndedListener(() => void this.setScreenShareEnabled(false).catch(() => undefined));
    this.publishLocal(screen);
    if (audio) this.publishLocal(new LocalTrack('screen_share_audio', audio));
    await this.host.announce();
  }

  private async disableScreenShare(): Promise<void> {
    const sources: TrackSource[] = ['screen_share', 'screen_share_audio'];
    const publications = sources.flatMap((s) => this.publications.get(s) ?? []);
    if (publications.length === 0) return;
    for (const publication of publications) this.unpublishLocal(publication);
    await this.host.announce();
  }

  private publishLocal(track: LocalTrack): void {
    const publication: LocalTrackPublication = new TrackPublication(track.source, track.streamId);
    publication.setTrack(track);
    if (track.source === 'camera' || track.source === 'microphone') {
      const source = track.source;
      track.setEndedListener(
        () => void this.serialize(() => this.fallBackToDefault(source)).catch(() => undefined),
      );
    }
    this.publications.set(track.source, publication);
    this.host.publish(track);
    this.emit(ParticipantEvent.TrackPublished, publication);
  }

  private unpublishLocal(publication: LocalTrackPublication): void {
    const track = publication.track!;
    track.setEndedListener(undefined);
    track.stop();
    this.host.unpublish(track);
    this.publications.delete(publication.source);
    this.emit(ParticipantEvent.TrackUnpublished, publication);
  }
}
