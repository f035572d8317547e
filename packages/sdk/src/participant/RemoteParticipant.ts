import type { ParticipantInfo, PublishedTrack } from '@minimeet/protocol';
import { ParticipantEvent } from '../events.js';
import type { ReceivedMedia } from '../media/MediaTransport.js';
import { RemoteTrack } from '../track/RemoteTrack.js';
import { TrackPublication, type RemoteTrackPublication } from '../track/TrackPublication.js';
import { Participant, samePermissions } from './Participant.js';

/**
 * Another participant of the call. Its publications follow what the server announces; a track's
 * media is matched to its publication by the MediaStream id (mesh) or the source (SFU), whichever
 * of the two arrives first.
 */
export class RemoteParticipant extends Participant<RemoteTrack> {
  // Media that arrived before its announcement, by stream id or source.
  private readonly arrived = new Map<string, ReceivedMedia>();

  /** Creates the participant without publications; `update()` adds them. @internal */
  constructor(info: ParticipantInfo) {
    super({ ...info, tracks: [] });
  }

  /** Applies the server's latest description and emits what changed. @internal */
  update(info: ParticipantInfo): void {
    const previous = this.info;
    this.info = info;
    if (previous.connection !== info.connection) {
      this.emit(ParticipantEvent.ConnectionChanged, info.connection);
    }
    this.announcePermissions(previous.permissions, info.permissions);
    if (
      previous.displayName !== info.displayName ||
      previous.avatarUrl !== info.avatarUrl ||
      previous.role !== info.role ||
      !samePermissions(previous.permissions, info.permissions)
    ) {
      this.emit(ParticipantEvent.Updated);
    }
    this.syncTracks(info.tracks);
  }

  /**
   * Hands over media that arrived; when its publication already has a track (the call moved to
   * another topology), the new media replaces the old under the same track object. @internal
   */
  addMedia(media: ReceivedMedia): void {
    const publication = [...this.publications.values()].find((p) => matches(p, media));
    if (!publication) {
      this.arrived.set(media.source ?? media.streamId ?? '', media);
      return;
    }
    const track = publication.track;
    if (track) track.replaceMedia(media.track, media.receiver, media.control);
    else this.subscribe(publication, media);
  }

  /** The media of `track` ended (its SFU consumer closed): its track goes. @internal */
  removeMedia(track: MediaStreamTrack): void {
    for (const [key, media] of this.arrived) if (media.track === track) this.arrived.delete(key);
    for (const publication of this.publications.values()) {
      if (publication.track?.mediaStreamTrack === track) this.unsubscribe(publication);
    }
  }

  /** Forgets all received media, as when the peer connection closes. @internal */
  removeAllMedia(): void {
    this.arrived.clear();
    for (const publication of this.publications.values()) this.unsubscribe(publication);
  }

  /** Unpublishes everything, as when the participant leaves. @internal */
  removeAllPublications(): void {
    this.syncTracks([]);
    this.arrived.clear();
  }

  private syncTracks(tracks: readonly PublishedTrack[]): void {
    const announced = new Map(tracks.map((t) => [t.source, t]));
    for (const publication of [...this.publications.values()]) {
      const next = announced.get(publication.source);
      if (next?.streamId !== publication.streamId) {
        this.unsubscribe(publication);
        this.publications.delete(publication.source);
        this.emit(ParticipantEvent.TrackUnpublished, publication);
      }
    }
    for (const track of tracks) {
      const publication = this.publications.get(track.source);
      if (!publication) {
        const created: RemoteTrackPublication = new TrackPublication(
          track.source,
          track.streamId,
          track.muted,
        );
        this.publications.set(track.source, created);
        this.emit(ParticipantEvent.TrackPublished, created);
        for (const key of [track.streamId, track.source]) {
          const media = this.arrived.get(key);
          if (!media) continue;
          this.arrived.delete(key);
          if (!created.track) this.subscribe(created, media);
        }
      } else if (publication.isMuted !== track.muted) {
        publication.setMuted(track.muted);
        this.emit(
          track.muted ? ParticipantEvent.TrackMuted : ParticipantEvent.TrackUnmuted,
          publication,
        );
      }
    }
  }

  private subscribe(publication: RemoteTrackPublication, media: ReceivedMedia): void {
    const track = new RemoteTrack(publication.source, media.track, media.receiver, media.control);
    publication.setTrack(track);
    this.emit(ParticipantEvent.TrackSubscribed, track, publication);
  }

  private unsubscribe(publication: RemoteTrackPublication): void {
    const track = publication.track;
    if (!track) return;
    publication.setTrack(undefined);
    track.detach();
    track.dispose();
    this.emit(ParticipantEvent.TrackUnsubscribed, track, publication);
  }
}

function matches(publication: RemoteTrackPublication, media: ReceivedMedia): boolean {
  return media.source !== undefined
    ? publication.source === media.source
    : publication.streamId === media.streamId;
}
