import {
  ParticipantEvent,
  RoomEvent,
  RoomState,
  type Participant,
  type RemoteParticipant,
  type Room,
} from '@minimeet/sdk';
import type { ReactiveController, ReactiveControllerHost } from 'lit';

// Every room event that changes who is in the call or what they show.
const ROOM_EVENTS = [
  RoomEvent.ParticipantJoined,
  RoomEvent.ParticipantLeft,
  RoomEvent.ParticipantReconnecting,
  RoomEvent.ParticipantReconnected,
  RoomEvent.ParticipantUpdated,
  RoomEvent.TrackPublished,
  RoomEvent.TrackUnpublished,
  RoomEvent.TrackMuted,
  RoomEvent.TrackUnmuted,
  RoomEvent.LocalTrackPublished,
  RoomEvent.LocalTrackUnpublished,
  RoomEvent.ActiveSpeakersChanged,
  RoomEvent.StateChanged,
] as const;

/** Options of a {@link RoomParticipantsController}. */
export interface RoomParticipantsControllerOptions {
  /** Someone joined the call after the host was bound. */
  onJoined?: (participant: RemoteParticipant) => void;
  /** Someone left the call. */
  onLeft?: (participant: RemoteParticipant) => void;
}

/**
 * A Lit reactive controller that binds a {@link Room}'s participants to an element: it listens to
 * who joins, leaves, reconnects, mutes, publishes and speaks while the host is in the document,
 * and asks the host to re-render. {@link participants} lists the local participant first, then
 * the others in the order they joined.
 */
export class RoomParticipantsController implements ReactiveController {
  private readonly host: ReactiveControllerHost;
  private readonly options: RoomParticipantsControllerOptions;
  private bound: Room | undefined;
  private attached = false;

  /** Creates the controller and adds it to `host`. */
  constructor(host: ReactiveControllerHost, options: RoomParticipantsControllerOptions = {}) {
    this.host = host;
    this.options = options;
    host.addController(this);
  }

  /** The bound room, if any. */
  get room(): Room | undefined {
    return this.bound;
  }

  /**
   * Everyone in the call: the local participant first, then the others by the time they joined.
   * Empty without a room, or once the room is disconnected.
   */
  get participants(): Participant[] {
    const room = this.bound;
    if (!room || room.state === RoomState.Disconnected) return [];
    const remotes = [...room.remoteParticipants.values()].sort((a, b) =>
      a.joinedAt < b.joinedAt ? -1 : a.joinedAt > b.joinedAt ? 1 : 0,
    );
    return [room.localParticipant, ...remotes];
  }

  /** Binds another room (or none); listeners move with it and the host re-renders. */
  setRoom(room: Room | undefined): void {
    if (room === this.bound) return;
    this.unsubscribe();
    this.bound = room;
    if (this.attached) this.subscribe();
    this.host.requestUpdate();
  }

  /** Subscribes when the host enters the document. */
  hostConnected(): void {
    this.attached = true;
    this.subscribe();
    this.host.requestUpdate();
  }

  /** Unsubscribes when the host leaves it. */
  hostDisconnected(): void {
    this.attached = false;
    this.unsubscribe();
  }

  private readonly changed = (): void => this.host.requestUpdate();

  private readonly joined = (participant: RemoteParticipant): void => {
    this.options.onJoined?.(participant);
    this.host.requestUpdate();
  };

  private readonly left = (participant: RemoteParticipant): void => {
    this.options.onLeft?.(participant);
    this.host.requestUpdate();
  };

  // The local participant's speaking flag is reported on the participant, not the room.
  private subscribe(): void {
    const room = this.bound;
    if (!room) return;
    for (const event of ROOM_EVENTS) room.on(event, this.changed);
    room.on(RoomEvent.ParticipantJoined, this.joined);
    room.on(RoomEvent.ParticipantLeft, this.left);
    room.on(RoomEvent.Disconnected, this.changed);
    room.localParticipant.on(ParticipantEvent.IsSpeakingChanged, this.changed);
  }

  private unsubscribe(): void {
    const room = this.bound;
    if (!room) return;
    for (const event of ROOM_EVENTS) room.off(event, this.changed);
    room.off(RoomEvent.ParticipantJoined, this.joined);
    room.off(RoomEvent.ParticipantLeft, this.left);
    room.off(RoomEvent.Disconnected, this.changed);
    room.localParticipant.off(ParticipantEvent.IsSpeakingChanged, this.changed);
  }
}
