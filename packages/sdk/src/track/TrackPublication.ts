import type { PublishedTrack, TrackSource } from '@minimeet/protocol';
import type { LocalTrack } from './LocalTrack.js';
import type { RemoteTrack } from './RemoteTrack.js';
import { kindOfSource, type TrackKind } from './Track.js';

/**
 * A source a participant publishes (camera, microphone, screen), whether or not its media has
 * arrived yet: `track` is set once it is subscribed.
 */
export class TrackPublication<T extends LocalTrack | RemoteTrack = LocalTrack | RemoteTrack> {
  /** Audio or video. */
  readonly kind: TrackKind;
  private currentTrack: T | undefined;
  private muted: boolean;

  /** Creates a publication of `source` sent in stream `streamId`. @internal */
  constructor(
    readonly source: TrackSource,
    /** The MediaStream id it is sent in. @internal */
    readonly streamId: string,
    muted = false,
  ) {
    this.kind = kindOfSource(source);
    this.muted = muted;
  }

  /** Whether the publisher has muted it (or switched its camera or microphone off). */
  get isMuted(): boolean {
    return this.muted;
  }

  /** The track, once its media is here (always, for a local publication). */
  get track(): T | undefined {
    return this.currentTrack;
  }

  /** Whether the track's media is here. */
  get isSubscribed(): boolean {
    return this.currentTrack !== undefined;
  }

  /** Sets the track. @internal */
  setTrack(track: T | undefined): void {
    this.currentTrack = track;
    track?.setMuted(this.muted);
  }

  /** Sets the muted flag, on the track too. @internal */
  setMuted(muted: boolean): void {
    this.muted = muted;
    this.currentTrack?.setMuted(muted);
  }

  /** The wire form of this publication. @internal */
  toPublishedTrack(): PublishedTrack {
    return { source: this.source, kind: this.kind, streamId: this.streamId, muted: this.muted };
  }
}

/** A publication of the local participant. */
export type LocalTrackPublication = TrackPublication<LocalTrack>;

/** A publication of a remote participant. */
export type RemoteTrackPublication = TrackPublication<RemoteTrack>;
