import {
  ModerationEvent,
  type LobbyEntry,
  type ModerationCallbacks,
  type RaisedHand,
  type Room,
  type RoomModeration,
  type RoomModerationSettings,
} from '@minimeet/sdk';
import type { ReactiveControllerHost } from 'lit';
import { EventsController, type EventBindings } from './EventsController.js';

/**
 * A Lit reactive controller that binds a room's {@link RoomModeration} to an element: the host
 * re-renders when hands go up or down, the lobby's queue changes, the room is locked or its lobby
 * turned on, and whenever a host acts on the local participant. Extra listeners can be passed.
 */
export class ModerationController {
  private readonly events: EventsController<ModerationCallbacks>;

  /** Creates the controller on `host`, with optional listeners of its own. */
  constructor(host: ReactiveControllerHost, listeners: EventBindings<ModerationCallbacks> = {}) {
    const all: EventBindings<ModerationCallbacks> = {};
    for (const event of Object.values(ModerationEvent)) (all as Record<string, true>)[event] = true;
    this.events = new EventsController<ModerationCallbacks>(host, { ...all, ...listeners });
  }

  /** The bound moderation, while in a call. */
  get moderation(): RoomModeration | undefined {
    return this.events.current as RoomModeration | undefined;
  }

  /** Binds the moderation of another room (or none). */
  setRoom(room: Room | undefined): void {
    this.events.setTarget(room?.moderation);
  }

  /** Raised hands in the order they went up. */
  get hands(): readonly RaisedHand[] {
    return this.moderation?.raisedHands ?? [];
  }

  /** Hosts: who waits in the lobby, longest first. */
  get lobby(): readonly LobbyEntry[] {
    return this.moderation?.lobby ?? [];
  }

  /** The room's lock and lobby settings. */
  get settings(): RoomModerationSettings {
    return this.moderation?.settings ?? { locked: false, lobby: false };
  }

  /** Where a participant's hand stands in line, from 1; 0 when it is down. */
  handOrder(participantId: string): number {
    return this.hands.findIndex((h) => h.participantId === participantId) + 1;
  }
}
