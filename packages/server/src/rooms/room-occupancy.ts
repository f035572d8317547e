import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { EventBus } from '../common/event-bus.js';

/**
 * How many people are in each room's call right now, as the REST API reports it. A port: the
 * in-process default follows the call events of this node; shared state replaces it later.
 */
export interface RoomOccupancy {
  /** The number of participants in each room's call; rooms without a call count 0. */
  counts(roomIds: readonly string[]): Promise<Map<string, number>>;
}

/** DI token of the {@link RoomOccupancy} port. */
export const ROOM_OCCUPANCY = Symbol('ROOM_OCCUPANCY');

/** {@link RoomOccupancy} kept in memory from the `call.joined` / `call.left` events of this process. */
@Injectable()
export class InMemoryRoomOccupancy implements RoomOccupancy, OnModuleDestroy {
  private readonly participants = new Map<string, Set<string>>();
  private readonly unsubscribe: Array<() => void>;

  constructor(@Inject(EventBus) bus: EventBus) {
    this.unsubscribe = [
      bus.on('call.joined', ({ roomId, participantId }) => {
        let set = this.participants.get(roomId);
        if (!set) this.participants.set(roomId, (set = new Set()));
        set.add(participantId);
      }),
      bus.on('call.left', ({ roomId, participantId }) => {
        const set = this.participants.get(roomId);
        set?.delete(participantId);
        if (set?.size === 0) this.participants.delete(roomId);
      }),
    ];
  }

  counts(roomIds: readonly string[]): Promise<Map<string, number>> {
    return Promise.resolve(
      new Map(roomIds.map((id) => [id, this.participants.get(id)?.size ?? 0])),
    );
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe) off();
  }
}
