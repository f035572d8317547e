import {
  RoomEvent,
  RoomState,
  type LocalParticipant,
  type Participant,
  type RemoteParticipant,
  type Room,
  type RoomEventCallbacks,
} from '@minimeet/sdk';
import type { ReactiveControllerHost } from 'lit';
import { EventsController, type EventBindings } from './EventsController.js';

/** The room events after which a view of the call may look different. */
const RENDER_ON: readonly RoomEvent[] = [
  RoomEvent.ParticipantJoined,
  RoomEvent.ParticipantLeft,
  RoomEvent.ParticipantReconnecting,
  RoomEvent.ParticipantReconnected,
  RoomEvent.ParticipantUpdated,
  RoomEvent.TrackPublished,
  RoomEvent.TrackUnpublished,
  RoomEvent.TrackSubscribed,
  RoomEvent.TrackUnsubscribed,
  RoomEvent.TrackMuted,
  RoomEvent.TrackUnmuted,
  RoomEvent.LocalTrackPublished,
  RoomEvent.LocalTrackUnpublished,
  RoomEvent.ActiveSpeakersChanged,
  RoomEvent.StateChanged,
  RoomEvent.Reconnecting,
  RoomEvent.Reconnected,
  RoomEvent.Disconnected,
  RoomEvent.MediaDevicesChanged,
  RoomEvent.ConnectionQualityChanged,
];

/**
 * A Lit reactive controller that binds a {@link Room} to an element: the host re-renders after
 * every change of who is there, what they publish, who speaks and the room's state, and reads
 * the live facts from the getters. Extra listeners can be passed for events the host acts on.
 */
export class RoomController {
  private readonly events: EventsController<RoomEventCallbacks>;

  /** Creates the controller on `host`, with optional listeners of its own. */
  constructor(host: ReactiveControllerHost, listeners: EventBindings<RoomEventCallbacks> = {}) {
    const bindings: EventBindings<RoomEventCallbacks> = {};
    for (const event of RENDER_ON) (bindings as Record<string, true>)[event] = true;
    this.events = new EventsController<RoomEventCallbacks>(host, { ...bindings, ...listeners });
  }

  /** The bound room. */
  get room(): Room | undefined {
    return this.events.current as Room | undefined;
  }

  /** Binds another room (or none). */
  setRoom(room: Room | undefined): void {
    this.events.setTarget(room);
  }

  /** The room's state; `disconnected` without a room. */
  get state(): RoomState {
    return this.room?.state ?? RoomState.Disconnected;
  }

  /** The local participant, while in a room. */
  get localParticipant(): LocalParticipant | undefined {
    return this.room?.localParticipant;
  }

  /** The others, in the order they joined. */
  get remoteParticipants(): RemoteParticipant[] {
    return this.room ? [...this.room.remoteParticipants.values()] : [];
  }

  /** Everyone: the local participant first, then the others in the order they joined. */
  get participants(): Participant[] {
    const room = this.room;
    if (!room) return [];
    return [room.localParticipant, ...room.remoteParticipants.values()];
  }

  /** The participants speaking now, loudest first. */
  get activeSpeakers(): Participant[] {
    return this.room?.activeSpeakers ?? [];
  }

  /** Those sharing a screen now. */
  get screenSharers(): Participant[] {
    return this.participants.filter((p) => p.trackPublications.has('screen_share'));
  }
}
