import type { ParticipantInfo, PublishedTrack } from '@minimeet/protocol';
import { ParticipantEvent } from '../events.js';
import { RemoteTrack } from '../track/RemoteTrack.js';
import { TrackPublication, type RemoteTrackPublication } from '../track/TrackPublication.js';
import { Participant } from './Participant.js';

interface ArrivedMedia {
  track: MediaStreamTrack;
  receiver: RTCRtpReceiver;
}

/**
 * Another participant of the call. Its publications follow what the server announces; a track's
 * media is matched to its publication by the MediaStream id, whichever of the two arrives first.
 */
export class RemoteParticipant extends Participant<RemoteTrack> {
  // Media that arrived before its announcement, by stream id.
  private readonly arrived = new Map<string, ArrivedMedia>();

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
    if (
      previous.displayName !== info.displayName ||
      previous.avatarUrl !== info.avatarUrl ||
      previous.role !== info.role ||
      JSON.stringify(previous.permissions) !== JSON.stringify(info.permissions)
    ) {
      this.emit(ParticipantEvent.Updated);
    }
    this.syncTracks(info.tracks);
  }

  /** Hands over media that arrived in stream `streamId`. @internal */
  addMedia(streamId: string, track: MediaStreamTrack, receiver: RTCRtpReceiver): void {
    const publication = [...this.publications.values()].find((p) => p.streamId === streamId);
    if (publication && !publication.track) this.subscribe(publication, { track, receiver });
    else if (!publication) this.arrived.set(streamId, { track, receiver });
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
        const media = this.arrived.get(track.streamId);
        if (media) {
          this.arrived.delete(track.streamId);
          this.subscribe(created, media);
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

  private subscribe(publication: RemoteTrackPublication, media: ArrivedMedia): void {
    const track = new RemoteTrack(publication.source, media.track, media.receiver);
    publication.setTrack(track);
    this.emit(ParticipantEvent.TrackSubscribed, track, publication);
  }

  private unsubscribe(publication: RemoteTrackPublication): void {
    const track = publication.track;
    if (!track) return;
    publication.setTrack(undefined);
    track.detach();
    this.emit(ParticipantEvent.TrackUnsubscribed, track, publication);
  }
}
