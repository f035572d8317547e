import {
  ParticipantEvent,
  RoomEvent,
  type ParticipantEventCallbacks,
  type RoomEventCallbacks,
} from '../events.js';
import type { LocalParticipant } from '../participant/LocalParticipant.js';
import type { Participant } from '../participant/Participant.js';
import type { RemoteParticipant } from '../participant/RemoteParticipant.js';
import type { LocalTrackPublication, RemoteTrackPublication } from '../track/TrackPublication.js';

/** Emits a room event; the room hands its own `emit` over as this. */
export type RoomEmit = <E extends RoomEvent>(
  event: E,
  ...args: Parameters<RoomEventCallbacks[E]>
) => void;

// Registers each listener on `participant` and returns the function that removes them all.
function forward(
  participant: Participant,
  listeners: Partial<ParticipantEventCallbacks>,
): () => void {
  const entries = Object.entries(listeners) as [
    ParticipantEvent,
    ParticipantEventCallbacks[ParticipantEvent],
  ][];
  for (const [event, listener] of entries) participant.on(event, listener);
  return () => {
    for (const [event, listener] of entries) participant.off(event, listener);
  };
}

/** Re-emits the local participant's events as room events; returns the function that stops it. */
export function forwardLocalEvents(participant: LocalParticipant, emit: RoomEmit): () => void {
  return forward(participant, {
    [ParticipantEvent.TrackPublished]: (pub) =>
      emit(RoomEvent.LocalTrackPublished, pub as LocalTrackPublication),
    [ParticipantEvent.TrackUnpublished]: (pub) =>
      emit(RoomEvent.LocalTrackUnpublished, pub as LocalTrackPublication),
    [ParticipantEvent.TrackMuted]: (pub) => emit(RoomEvent.TrackMuted, pub, participant),
    [ParticipantEvent.TrackUnmuted]: (pub) => emit(RoomEvent.TrackUnmuted, pub, participant),
    [ParticipantEvent.ConnectionQualityChanged]: (quality) =>
      emit(RoomEvent.ConnectionQualityChanged, quality, participant),
  });
}

/** Re-emits a remote participant's events as room events; returns the function that stops it. */
export function forwardRemoteEvents(participant: RemoteParticipant, emit: RoomEmit): () => void {
  return forward(participant, {
    [ParticipantEvent.TrackPublished]: (pub) =>
      emit(RoomEvent.TrackPublished, pub as RemoteTrackPublication, participant),
    [ParticipantEvent.TrackUnpublished]: (pub) =>
      emit(RoomEvent.TrackUnpublished, pub as RemoteTrackPublication, participant),
    [ParticipantEvent.TrackSubscribed]: (track, pub) =>
      emit(RoomEvent.TrackSubscribed, track, pub, participant),
    [ParticipantEvent.TrackUnsubscribed]: (track, pub) =>
      emit(RoomEvent.TrackUnsubscribed, track, pub, participant),
    [ParticipantEvent.TrackMuted]: (pub) => emit(RoomEvent.TrackMuted, pub, participant),
    [ParticipantEvent.TrackUnmuted]: (pub) => emit(RoomEvent.TrackUnmuted, pub, participant),
    [ParticipantEvent.Updated]: () => emit(RoomEvent.ParticipantUpdated, participant),
    [ParticipantEvent.ConnectionQualityChanged]: (quality) =>
      emit(RoomEvent.ConnectionQualityChanged, quality, participant),
    [ParticipantEvent.ConnectionChanged]: (connection) =>
      emit(
        connection === 'reconnecting'
          ? RoomEvent.ParticipantReconnecting
          : RoomEvent.ParticipantReconnected,
        participant,
      ),
  });
}
