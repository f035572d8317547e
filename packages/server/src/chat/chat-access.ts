import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ErrorCode, type Principal, type RoomRole } from '@minimeet/protocol';
import { AppError } from '../common/app-error.js';
import { EventBus } from '../common/event-bus.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { RoomAccessService } from '../rooms/room-access.service.js';
import { noSuchRoom } from '../rooms/room-membership.service.js';

/** What the principal wants to do in a room's chat: read it (and subscribe), or write to it. */
export type ChatAccessKind = 'read' | 'write';

/** How long one node trusts a role it looked up for writing, at most (events end it sooner). */
export const WRITE_ROLE_TTL_MS = 30_000;
/** Most (room, principal) roles remembered at once; past it, the memory starts afresh. */
const MAX_REMEMBERED = 50_000;

/** A role remembered for writing, until when. */
interface Remembered {
  role: RoomRole;
  until: number;
}

/**
 * Who may read and write a room's chat: a user who is a member, or a guest whose token names the
 * room (and, to write, grants `canChat`). A guest's room comes into being on first use, as it does
 * for a call.
 *
 * Sending is the hot path of chat, so on a single node the role found for a writer is remembered:
 * the event bus reports every change that could end it (a member removed, a role changed, the room
 * deleted) in this process, and each clears the memory of that room or member at once, so a
 * removed member's next message is refused. A lookup that a change overtook is not remembered.
 * With several nodes (`REDIS_URL`), a change may happen on another node, whose bus this one does
 * not hear: then every message asks the store. Reading and subscribing always ask the store.
 */
@Injectable()
export class ChatAccess implements OnApplicationShutdown {
  private readonly writers = new Map<string, Map<string, Remembered>>();
  private remembered = 0;
  // Bumped by every change of any room's members: a lookup that began before one may be stale.
  private generation = 0;
  private readonly remember: boolean;
  private readonly unsubscribe: Array<() => void>;
  /** A live check of writes besides the role (moderation: a host took chat away), once registered. */
  private writeCheck: ((principal: Principal, roomId: string) => Promise<boolean>) | null = null;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(RoomAccessService) private readonly access: RoomAccessService,
    @Inject(EventBus) events: EventBus,
  ) {
    this.remember = config.redis === null;
    this.unsubscribe = [
      events.on('room.member_removed', ({ roomId, userId }) => this.forget(roomId, userId)),
      events.on('room.member_updated', ({ roomId, userId }) => this.forget(roomId, userId)),
      events.on('room.deleted', ({ roomId }) => this.forget(roomId)),
    ];
  }

  /** Registers a live check every write must pass besides the role (moderation's `canChat`). */
  checkWritesWith(check: (principal: Principal, roomId: string) => Promise<boolean>): void {
    this.writeCheck = check;
  }

  /** The principal's role in the room when it may read (or write to) the room's chat; throws otherwise. */
  async roleIn(principal: Principal, roomId: string, access: ChatAccessKind): Promise<RoomRole> {
    if (access === 'write' && this.writeCheck && !(await this.writeCheck(principal, roomId))) {
      throw new AppError(ErrorCode.Forbidden, 'A host took away your right to chat in this room.');
    }
    if (access === 'write' && this.remember) {
      const known = this.writers.get(roomId)?.get(principal.id);
      if (known && known.until > Date.now()) return known.role;
      const generation = this.generation;
      const role = await this.lookUp(principal, roomId, access);
      if (this.generation === generation) this.store(roomId, principal.id, role);
      return role;
    }
    return this.lookUp(principal, roomId, access);
  }

  private async lookUp(
    principal: Principal,
    roomId: string,
    access: ChatAccessKind,
  ): Promise<RoomRole> {
    if (principal.kind === 'guest') {
      // Any other room is one the guest may not see, whether or not it exists.
      if (principal.grants.room !== roomId) throw noSuchRoom();
      if (access === 'write' && !principal.grants.canChat)
        throw new AppError(ErrorCode.Forbidden, 'Your join token does not allow chat.');
      return (await this.access.admit(principal, roomId, {})).role;
    }
    // A public room shows that it exists (`forbidden` until joined); a private one does not.
    const role = await this.access.readerRole(principal, roomId);
    if (!role) throw noSuchRoom();
    return role;
  }

  private store(roomId: string, principalId: string, role: RoomRole): void {
    if (this.remembered >= MAX_REMEMBERED) {
      this.writers.clear();
      this.remembered = 0;
    }
    let room = this.writers.get(roomId);
    if (!room) this.writers.set(roomId, (room = new Map<string, Remembered>()));
    if (!room.has(principalId)) this.remembered++;
    room.set(principalId, { role, until: Date.now() + WRITE_ROLE_TTL_MS });
  }

  /** Forgets the roles of a room's member, or of the whole room. */
  private forget(roomId: string, principalId?: string): void {
    this.generation++;
    const room = this.writers.get(roomId);
    if (!room) return;
    if (principalId === undefined) {
      this.remembered -= room.size;
      this.writers.delete(roomId);
    } else if (room.delete(principalId)) {
      this.remembered--;
    }
  }

  onApplicationShutdown(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }
}
