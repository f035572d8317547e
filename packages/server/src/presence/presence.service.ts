import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import {
  ErrorCode,
  type PresenceSnapshot,
  type PresenceSubscribePayload,
  type PresenceUnsubscribePayload,
  type PresenceUpdatePayload,
  type PresenceUpdateResult,
  type UserPresence,
} from '@minimeet/protocol';
import type { Logger } from 'pino';
import { AppError } from '../common/app-error.js';
import { EventBus } from '../common/event-bus.js';
import { ROOT_LOGGER } from '../common/logger.js';
import type { RealtimeClient, RealtimeTransport } from '../common/realtime.js';
import { RoomAccessService } from '../rooms/room-access.service.js';
import { UserRepository } from '../users/user.repository.js';
import { aggregate, announcementKey, toUserPresence } from './presence-state.js';
import {
  PRESENCE_STORE,
  type PresenceChange,
  type PresenceMessage,
  type PresenceRecord,
  type PresenceStore,
} from './presence-store.js';

/** The most users one connection follows (by id and through shared rooms together). */
export const PRESENCE_MAX_FOLLOWED = 5000;

/** The channel of the sockets that follow a user's presence. */
export const presenceChannel = (userId: string): string => `presence:${userId}`;

// How long shutdown waits for changes still on their way to the store.
const SHUTDOWN_FLUSH_MS = 2000;

/** What one local socket follows. */
interface Follower {
  /** The socket's user. */
  userId: string;
  /** It follows everyone it shares a room with, including later members. */
  sharedRooms: boolean;
  /** Users it asked for by id, visible or not (yet). */
  wanted: Set<string>;
  /** Of those, the ones it follows now (they share a room, or are the user itself). */
  named: Set<string>;
  /** The ones it follows because they share a room, with `sharedRooms`. */
  shared: Set<string>;
}

type Via = 'named' | 'shared';

/**
 * Presence: turns connections, away reports, calls and the user's own busy flag and status text
 * into one state per user, keeps it in the {@link PresenceStore} shared by every node, and pushes
 * each change to the sockets that follow that user (channel `presence:<user>`). A socket may follow
 * only users it shares a room with; when a membership ends, so does the following.
 */
@Injectable()
export class PresenceService implements OnModuleInit, OnApplicationShutdown {
  private transport: RealtimeTransport | null = null;
  /** Local sockets that follow someone: socket id → what. */
  private readonly followers = new Map<string, Follower>();
  /** User id → its local sockets that follow someone. */
  private readonly socketsOfUser = new Map<string, Set<string>>();
  /** Local user connections (guests have no presence): socket id → user id. */
  private readonly connections = new Map<string, string>();
  /** Per user, the tail of its changes on this node, so that they reach the store in order. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly off: Array<() => void> = [];

  constructor(
    @Inject(PRESENCE_STORE) private readonly store: PresenceStore,
    @Inject(RoomAccessService) private readonly access: RoomAccessService,
    @Inject(UserRepository) private readonly users: UserRepository,
    @Inject(EventBus) private readonly events: EventBus,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    const bus = this.events;
    this.off.push(
      bus.on('socket.connected', ({ connectionId, principalId, principalKind }) => {
        if (principalKind !== 'user') return;
        this.connections.set(connectionId, principalId);
        this.background(this.change(principalId, { connectionId }), 'a connection');
      }),
      bus.on('socket.disconnected', ({ connectionId }) => {
        this.forget(connectionId);
        const userId = this.connections.get(connectionId);
        if (userId === undefined) return;
        this.connections.delete(connectionId);
        this.background(
          this.change(userId, { connectionId, disconnected: true }),
          'a disconnection',
        );
      }),
      bus.on('call.joined', ({ roomId, participantId, principalId }) => {
        if (isGuest(principalId)) return;
        this.background(
          this.change(principalId, async () => ({
            joined: {
              participantId,
              roomId: (await this.access.isPrivate(roomId)) ? null : roomId,
            },
          })),
          'a call joined',
        );
      }),
      bus.on('call.left', ({ participantId, principalId }) => {
        if (isGuest(principalId)) return;
        this.background(this.change(principalId, { left: participantId }), 'a call left');
      }),
      bus.on('room.member_added', ({ roomId, userId }) =>
        this.background(this.store.publish({ type: 'member_added', roomId, userId }), 'a member'),
      ),
      bus.on('room.member_removed', ({ roomId, userId }) =>
        this.background(
          this.store.publish({ type: 'member_removed', roomId, userId }),
          'a member removed',
        ),
      ),
      bus.on('room.deleted', ({ roomId }) =>
        this.background(this.store.publish({ type: 'room_deleted', roomId }), 'a room deleted'),
      ),
      this.store.onMessage((message) =>
        this.background(this.membershipChanged(message), `membership (${message.type})`),
      ),
      this.store.onUsersChanged((userIds) => {
        for (const userId of userIds)
          this.background(
            this.serial(userId, () => this.announceCurrent(userId)),
            'a change the store made',
          );
      }),
    );
    await this.store.start();
  }

  /** Waits (briefly) for changes still on their way, then stops the store. */
  async onApplicationShutdown(): Promise<void> {
    for (const off of this.off.splice(0)) off();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.pending]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, SHUTDOWN_FLUSH_MS);
      }),
    ]);
    clearTimeout(timer);
    await this.store.close();
  }

  /** Hands the service its way to the sockets. */
  attach(transport: RealtimeTransport): void {
    this.transport = transport;
  }

  /** `presence_update`: this connection's away flag, the user's busy flag and status text. */
  async update(
    client: RealtimeClient,
    payload: PresenceUpdatePayload,
  ): Promise<PresenceUpdateResult> {
    const userId = userOf(client);
    const change: PresenceChange = {};
    // A request that outlived its socket must not register the connection again.
    if (payload.away !== undefined && client.connected()) {
      change.connectionId = client.socketId;
      change.away = payload.away;
    }
    if (payload.busy !== undefined) change.busy = payload.busy;
    if (payload.statusText !== undefined) change.statusText = payload.statusText || null;
    const presence = await this.change(userId, change);
    if (change.connectionId !== undefined && !client.connected()) {
      this.background(
        this.change(userId, { connectionId: client.socketId, disconnected: true }),
        'a late update',
      );
    }
    return { presence };
  }

  /** `presence_subscribe`: follows users who share a room with the caller; answers their presence. */
  async subscribe(
    client: RealtimeClient,
    payload: PresenceSubscribePayload,
  ): Promise<PresenceSnapshot> {
    const me = userOf(client);
    const named = [...new Set(payload.userIds ?? [])];
    const existing = this.followers.get(client.socketId);
    const newlyWanted = named.filter((id) => !existing?.wanted.has(id)).length;
    if ((existing?.wanted.size ?? 0) + newlyWanted > PRESENCE_MAX_FOLLOWED)
      throw new AppError(
        ErrorCode.ValidationFailed,
        `A connection follows at most ${PRESENCE_MAX_FOLLOWED} users by id.`,
      );
    const others = named.filter((id) => id !== me);
    const visible =
      others.length > 0 ? await this.access.usersSharingRoomWith(me, others.length, others) : [];
    if (named.includes(me)) visible.push(me);
    const shared = payload.sharedRooms
      ? await this.access.usersSharingRoomWith(me, PRESENCE_MAX_FOLLOWED)
      : [];
    // The socket may have closed while the store answered: it follows nothing then.
    if (!client.connected()) return { presences: [] };
    const follower = this.follower(client.socketId, me);
    for (const id of named) follower.wanted.add(id);
    if (payload.sharedRooms) follower.sharedRooms = true;
    // Whoever is named but no longer visible is no longer followed, even before the membership
    // change that ended it reaches this node: after the answer, nothing more about them arrives.
    const visibleNow = new Set(visible);
    for (const id of named) if (!visibleNow.has(id)) this.unsee(client.socketId, id);
    for (const id of visible) this.follow(client.socketId, follower, id, 'named');
    for (const id of shared) this.follow(client.socketId, follower, id, 'shared');
    const ids = [...new Set([...visible, ...shared])].filter(
      (id) => follower.named.has(id) || follower.shared.has(id),
    );
    return { presences: await this.presencesOf(ids) };
  }

  /** `presence_unsubscribe`: stops following some users, or the shared-rooms set. */
  unsubscribe(client: RealtimeClient, payload: PresenceUnsubscribePayload): object {
    userOf(client);
    const follower = this.followers.get(client.socketId);
    if (!follower) return {};
    for (const id of new Set(payload.userIds ?? [])) {
      follower.wanted.delete(id);
      this.unfollow(client.socketId, follower, id, 'named');
    }
    if (payload.sharedRooms) {
      follower.sharedRooms = false;
      for (const id of [...follower.shared]) this.unfollow(client.socketId, follower, id, 'shared');
    }
    if (!follower.sharedRooms && follower.wanted.size === 0 && follower.shared.size === 0)
      this.forget(client.socketId);
    return {};
  }

  /** Applies a change on this node's queue for the user, then announces it if others see a difference. */
  private change(
    userId: string,
    change: PresenceChange | (() => Promise<PresenceChange>),
  ): Promise<UserPresence> {
    return this.serial(userId, async () => {
      const resolved = typeof change === 'function' ? await change() : change;
      return this.announce(await this.store.apply(userId, resolved));
    });
  }

  private async announceCurrent(userId: string): Promise<UserPresence> {
    const [record] = await this.store.get([userId]);
    return this.announce(record);
  }

  /**
   * Tells the user's followers, if what they see changed and no later change overtook this one
   * (whoever made that one announces it). Going offline is written down as "last seen".
   */
  private async announce(record: PresenceRecord): Promise<UserPresence> {
    const key = announcementKey(aggregate(record));
    const changedAt = await this.store.settle(record.userId, record.version, key);
    if (changedAt === null) return toUserPresence(record, null);
    const presence = toUserPresence({ ...record, announced: key, changedAt }, null);
    this.transport?.toChannel(presenceChannel(record.userId), null, 'presence_changed', presence);
    if (presence.state === 'offline') {
      await this.users
        .setLastSeen(record.userId, new Date(changedAt))
        .catch((err: unknown) =>
          this.logger.warn({ err, userId: record.userId }, 'presence: saving last seen failed'),
        );
    }
    return presence;
  }

  /** The presence of these users as a follower sees it. */
  private async presencesOf(userIds: string[]): Promise<UserPresence[]> {
    if (userIds.length === 0) return [];
    const records = await this.store.get(userIds);
    const now = Date.now();
    const unannounced = records
      .filter((r) => r.connections.length === 0 && r.changedAt === null)
      .map((r) => r.userId);
    const lastSeen = await this.users.lastSeen(unannounced);
    return records.map((r) => toUserPresence(r, lastSeen.get(r.userId) ?? null, now));
  }

  /** Follows or unfollows after a membership change, on every node for its own sockets. */
  private async membershipChanged(message: PresenceMessage): Promise<void> {
    if (this.followers.size === 0) return;
    if (message.type === 'member_added') await this.memberAdded(message.roomId, message.userId);
    else if (message.type === 'member_removed')
      await this.memberRemoved(message.roomId, message.userId);
    else await this.recheckAll();
  }

  /** The new member and the room's members may now see each other: follow, and say where they are. */
  private async memberAdded(roomId: string, userId: string): Promise<void> {
    const members = (await this.access.memberIdsOf(roomId, PRESENCE_MAX_FOLLOWED)).filter(
      (id) => id !== userId,
    );
    const added: Array<[socketId: string, userId: string]> = [];
    const see = (socketId: string, other: string) => {
      const f = this.followers.get(socketId);
      if (!f) return;
      const viaShared = f.sharedRooms && this.follow(socketId, f, other, 'shared');
      const viaName = f.wanted.has(other) && this.follow(socketId, f, other, 'named');
      if (viaShared || viaName) added.push([socketId, other]);
    };
    for (const socketId of this.socketsOfUser.get(userId) ?? [])
      for (const member of members) see(socketId, member);
    for (const member of members)
      for (const socketId of this.socketsOfUser.get(member) ?? []) see(socketId, userId);
    if (added.length === 0) return;
    const presences = new Map(
      (await this.presencesOf([...new Set(added.map(([, id]) => id))])).map((p) => [p.userId, p]),
    );
    for (const [socketId, id] of added) {
      const presence = presences.get(id);
      const f = this.followers.get(socketId);
      // Still followed: a removal may have come first meanwhile.
      if (presence && (f?.named.has(id) || f?.shared.has(id)))
        this.transport?.toSocket(socketId, 'presence_changed', presence);
    }
  }

  /** The removed member stops seeing (and being seen by) those it no longer shares any room with. */
  private async memberRemoved(roomId: string, userId: string): Promise<void> {
    const members = (await this.access.memberIdsOf(roomId, PRESENCE_MAX_FOLLOWED)).filter(
      (id) => id !== userId,
    );
    const candidates = this.socketsOfUser.has(userId)
      ? members
      : members.filter((id) => this.socketsOfUser.has(id));
    if (candidates.length === 0) return;
    const still = new Set(
      await this.access.usersSharingRoomWith(userId, candidates.length, candidates),
    );
    const lost = candidates.filter((id) => !still.has(id));
    for (const socketId of this.socketsOfUser.get(userId) ?? [])
      for (const other of lost) this.unsee(socketId, other);
    for (const other of lost)
      for (const socketId of this.socketsOfUser.get(other) ?? []) this.unsee(socketId, userId);
  }

  /**
   * A room was deleted and its members are gone with it: each local follower keeps only the users
   * it still shares a room with.
   */
  private async recheckAll(): Promise<void> {
    for (const [userId, sockets] of [...this.socketsOfUser]) {
      const followed = new Set<string>();
      for (const socketId of sockets) {
        const f = this.followers.get(socketId);
        for (const id of [...(f?.named ?? []), ...(f?.shared ?? [])])
          if (id !== userId) followed.add(id);
      }
      if (followed.size === 0) continue;
      const list = [...followed];
      const still = new Set(await this.access.usersSharingRoomWith(userId, list.length, list));
      for (const socketId of this.socketsOfUser.get(userId) ?? [])
        for (const id of list) if (!still.has(id)) this.unsee(socketId, id);
    }
  }

  private follower(socketId: string, userId: string): Follower {
    let f = this.followers.get(socketId);
    if (!f) {
      f = { userId, sharedRooms: false, wanted: new Set(), named: new Set(), shared: new Set() };
      this.followers.set(socketId, f);
      let sockets = this.socketsOfUser.get(userId);
      if (!sockets) this.socketsOfUser.set(userId, (sockets = new Set()));
      sockets.add(socketId);
    }
    return f;
  }

  /** Follows `userId`; true when the socket did not follow it before. */
  private follow(socketId: string, f: Follower, userId: string, via: Via): boolean {
    const before = f.named.has(userId) || f.shared.has(userId);
    if (!before && f.named.size + f.shared.size >= PRESENCE_MAX_FOLLOWED) return false;
    f[via].add(userId);
    if (!before) this.transport?.enter(socketId, presenceChannel(userId));
    return !before;
  }

  private unfollow(socketId: string, f: Follower, userId: string, via: Via): void {
    if (!f[via].delete(userId)) return;
    if (!f.named.has(userId) && !f.shared.has(userId))
      this.transport?.exit(socketId, presenceChannel(userId));
  }

  /** Stops following a user who is no longer visible; a wish to follow it by id stays. */
  private unsee(socketId: string, userId: string): void {
    const f = this.followers.get(socketId);
    if (!f) return;
    this.unfollow(socketId, f, userId, 'named');
    this.unfollow(socketId, f, userId, 'shared');
  }

  /** Drops what a socket followed (Socket.IO takes a closed socket out of its channels). */
  private forget(socketId: string): void {
    const f = this.followers.get(socketId);
    if (!f) return;
    this.followers.delete(socketId);
    const sockets = this.socketsOfUser.get(f.userId);
    sockets?.delete(socketId);
    if (sockets?.size === 0) this.socketsOfUser.delete(f.userId);
  }

  /** Runs `fn` after the user's earlier changes on this node, whatever became of them. */
  private serial<T>(userId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(userId) ?? Promise.resolve();
    const next = previous.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.queues.set(userId, tail);
    void tail.then(() => {
      if (this.queues.get(userId) === tail) this.queues.delete(userId);
    });
    return next;
  }

  /** Runs work nobody waits for: tracked for shutdown, and logged if it fails. */
  private background(work: Promise<unknown>, what: string): void {
    const tracked = work.then(
      () => undefined,
      (err: unknown) => this.logger.error({ err }, `presence: handling ${what} failed`),
    );
    this.pending.add(tracked);
    void tracked.then(() => this.pending.delete(tracked));
  }
}

/** The user id behind a request; guests have no presence in this version. */
function userOf(client: RealtimeClient): string {
  if (client.principal.kind !== 'user')
    throw new AppError(
      ErrorCode.Forbidden,
      'Presence is for signed-in users; guests have no presence in this version.',
    );
  return client.principal.id;
}

/** Guests' ids start with `guest:`; users' ids are UUIDs. */
function isGuest(principalId: string): boolean {
  return principalId.startsWith('guest:');
}
