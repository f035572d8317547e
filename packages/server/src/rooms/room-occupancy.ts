import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { EventBus } from '../common/event-bus.js';

/**
 * How many people are in each room's call right now, as the REST API reports it. A port: the
 * in-process default follows the call events of this node; the Redis adapter those of every node.
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

/**
 * {@link RoomOccupancy} in Redis: a set of participant ids per room (`<prefix>occupancy:<room>`),
 * filled from the call events of every node. Sets, not counters, so an event seen twice counts once.
 */
export class RedisRoomOccupancy implements RoomOccupancy, OnModuleDestroy {
  private readonly unsubscribe: Array<() => void>;

  constructor(
    bus: EventBus,
    private readonly redis: Redis,
    private readonly prefix: string,
    logger: Logger,
  ) {
    const failed = (err: unknown) => logger.warn({ err }, 'updating the room occupancy failed');
    this.unsubscribe = [
      bus.on('call.joined', ({ roomId, participantId }) => {
        this.redis.sadd(this.key(roomId), participantId).catch(failed);
      }),
      bus.on('call.left', ({ roomId, participantId }) => {
        this.redis.srem(this.key(roomId), participantId).catch(failed);
      }),
    ];
  }

  async counts(roomIds: readonly string[]): Promise<Map<string, number>> {
    // Auto-pipelined: one round trip for the page.
    const sizes = await Promise.all(roomIds.map((id) => this.redis.scard(this.key(id))));
    return new Map(roomIds.map((id, i) => [id, sizes[i] ?? 0]));
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe) off();
  }

  private key(roomId: string): string {
    return `${this.prefix}occupancy:${roomId}`;
  }
}
