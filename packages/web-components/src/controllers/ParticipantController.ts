import {
  ParticipantEvent,
  type Participant,
  type ParticipantEventCallbacks,
  type TrackSource,
} from '@minimeet/sdk';
import type { ReactiveControllerHost } from 'lit';
import { EventsController, type EventBindings } from './EventsController.js';

/**
 * A Lit reactive controller that binds one {@link Participant} to an element: the host
 * re-renders when the participant's tracks, mute state, speaking, connection or name change.
 */
export class ParticipantController {
  private readonly events: EventsController<ParticipantEventCallbacks>;

  /** Creates the controller on `host`, with optional listeners of its own. */
  constructor(
    host: ReactiveControllerHost,
    listeners: EventBindings<ParticipantEventCallbacks> = {},
  ) {
    const all: EventBindings<ParticipantEventCallbacks> = {};
    for (const event of Object.values(ParticipantEvent)) {
      (all as Record<string, true>)[event] = true;
    }
    this.events = new EventsController<ParticipantEventCallbacks>(host, { ...all, ...listeners });
  }

  /** The bound participant. */
  get participant(): Participant | undefined {
    return this.events.current as Participant | undefined;
  }

  /** Binds another participant (or none). */
  setParticipant(participant: Participant | undefined): void {
    this.events.setTarget(participant);
  }

  /** Whether `source` is published and not muted. */
  isOn(source: TrackSource): boolean {
    const publication = this.participant?.getTrackPublication(source);
    return publication !== undefined && !publication.isMuted;
  }
}
