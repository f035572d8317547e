import { Inject, Injectable } from '@nestjs/common';
import {
  ErrorCode,
  type ParticipantPermissions,
  type Principal,
  type RoomRole,
  type RoomTopology,
} from '@minimeet/protocol';
import { AppError } from '../common/app-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import type { RoomEntity } from './room.entity.js';
import { defaultCapacity } from './room-capacity.js';
import { RoomMemberRepository } from './room-member.repository.js';
import {
  noSuchRoom,
  RoomMembershipService,
  type EntryCredentials,
} from './room-membership.service.js';
import { RoomRepository } from './room.repository.js';

/** What a principal brings to enter a room's call besides itself. */
export type AdmissionCredentials = EntryCredentials;

/** The verdict of {@link RoomAccessService.admit}: the room, and who the principal is in it. */
export interface Admission {
  /** The room as the call needs it. */
  room: { id: string; name: string; capacity: number; topology: RoomTopology };
  /** The principal's role in the room. */
  role: RoomRole;
  /** What the principal may do in the call. */
  permissions: ParticipantPermissions;
}

const ALL_PERMISSIONS: ParticipantPermissions = {
  canPublish: true,
  canSubscribe: true,
  canChat: true,
};

// The id a join-token guest gets: `guest:<user id of the API key's owner>:<identity>`.
const GUEST_ID = /^guest:([^:]+):/;

/** A room name made from its id, within the 80 characters a name may have. */
function nameFromId(roomId: string): string {
  return roomId.length <= 80 ? roomId : `${roomId.slice(0, 79)}…`;
}

/**
 * Decides who may enter a room's call. The call side (Socket.IO gateway) asks it on every
 * `join_room`; it never has to know about members, invites or passwords.
 */
@Injectable()
export class RoomAccessService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RoomRepository) private readonly rooms: RoomRepository,
    @Inject(RoomMemberRepository) private readonly members: RoomMemberRepository,
    @Inject(RoomMembershipService) private readonly membership: RoomMembershipService,
  ) {}

  /** Decides whether a principal may enter a room's call, and with which role and permissions. */
  async admit(
    principal: Principal,
    roomId: string,
    credentials: AdmissionCredentials,
  ): Promise<Admission> {
    if (principal.kind === 'guest') return this.admitGuest(principal, roomId);
    const { room, role } = await this.membership.admitUser(roomId, principal.id, credentials);
    return { room: callRoom(room), role, permissions: { ...ALL_PERMISSIONS } };
  }

  /**
   * The principal's role in a room whose conversation it wants to read, creating nothing: a
   * member's role; for a guest, its grant's role in the room its token names (null while that room
   * does not exist yet). Throws `not_found` for a room the principal may not see (unknown, private
   * and not its own, or for a guest any other room), exactly as for an unknown id, and `forbidden`
   * for a room it sees but may not read: a public room a user has not joined, or a guest's room
   * held by another account.
   */
  async readerRole(principal: Principal, roomId: string): Promise<RoomRole | null> {
    if (principal.kind === 'guest') {
      if (principal.grants.room !== roomId) throw noSuchRoom();
      const room = await this.rooms.findById(roomId);
      if (room && room.ownerId !== guestOwner(principal.id)) throw anotherAccount();
      return room ? principal.grants.role : null;
    }
    const room = await this.rooms.findById(roomId);
    if (!room) throw noSuchRoom();
    const role = await this.membership.roleOf(room, principal.id);
    if (role) return role;
    if (room.visibility !== 'public') throw noSuchRoom();
    throw new AppError(
      ErrorCode.Forbidden,
      'Join this room to read and write its chat: its conversation is for its members.',
    );
  }

  /** Resolves when the principal may read the room's conversation; see {@link readerRole}. */
  async assertReadable(principal: Principal, roomId: string): Promise<void> {
    await this.readerRole(principal, roomId);
  }

  /**
   * Ids of the rooms whose conversation the principal may read: a user's rooms (it is a member);
   * for a guest, the room its join token names, if that room exists and belongs to the account of
   * the API key that signed the token.
   */
  async roomIdsOf(principal: Principal): Promise<string[]> {
    if (principal.kind === 'user') return this.members.roomIdsOfUser(principal.id);
    const roomId = principal.grants.room;
    const owner = guestOwner(principal.id);
    const room = owner ? await this.rooms.findById(roomId) : null;
    return room && room.id === roomId && room.ownerId === owner ? [roomId] : [];
  }

  /**
   * Resolves when the principal could enter the room's call but for its lobby, granting nothing:
   * a user is a member, or finds the room public, or brings its password or an invite code (the
   * code is checked when it joins); a guest's token names the room, of its own account. Refuses
   * as {@link admit} would.
   */
  async assertMayKnock(
    principal: Principal,
    roomId: string,
    credentials: AdmissionCredentials,
  ): Promise<void> {
    const room = await this.rooms.findById(roomId);
    if (principal.kind === 'guest') {
      if (principal.grants.room !== roomId) throw noSuchRoom();
      if (room && room.ownerId !== guestOwner(principal.id)) throw anotherAccount();
      return;
    }
    if (!room) throw noSuchRoom();
    if (await this.membership.roleOf(room, principal.id)) return;
    if (credentials.inviteCode !== undefined) return;
    if (room.visibility === 'public' && room.passwordHash === null) return;
    if (await this.membership.passwordOpens(room, credentials.password)) return;
    if (credentials.password !== undefined || room.visibility === 'public')
      throw new AppError(ErrorCode.RoomPasswordRequired, 'This room needs its password.');
    throw noSuchRoom();
  }

  /** The principal's current role in the room, or null when it may no longer be there. */
  async roleOf(principal: Principal, roomId: string): Promise<RoomRole | null> {
    const room = await this.rooms.findById(roomId);
    if (!room) return null;
    if (principal.kind === 'guest')
      return principal.grants.room === roomId && room.ownerId === guestOwner(principal.id)
        ? principal.grants.role
        : null;
    return this.membership.roleOf(room, principal.id);
  }

  /**
   * Ids of the users who share at least one room with the user (not the user itself), at most
   * `limit`; with `among`, only those of its ids. Presence shows people to each other by this.
   */
  usersSharingRoomWith(
    userId: string,
    limit: number,
    among?: readonly string[],
  ): Promise<string[]> {
    return this.members.coMemberIds(userId, limit, among);
  }

  /** Ids of a room's member users, at most `limit`. */
  memberIdsOf(roomId: string, limit: number): Promise<string[]> {
    return this.members.memberIds(roomId, limit);
  }

  /** True when the room is private (or gone): presence then shows a call there without its room. */
  async isPrivate(roomId: string): Promise<boolean> {
    const room = await this.rooms.findById(roomId);
    return room?.id !== roomId || room.visibility !== 'public';
  }

  private async admitGuest(
    principal: Extract<Principal, { kind: 'guest' }>,
    roomId: string,
  ): Promise<Admission> {
    // Any other room is one the guest may not see, whether or not it exists.
    if (principal.grants.room !== roomId) throw noSuchRoom();
    const ownerId = guestOwner(principal.id);
    if (!ownerId) throw new AppError(ErrorCode.Forbidden, 'Your join token names no account.');
    let room = await this.rooms.findById(roomId);
    if (!room) {
      // The room exists on first use. Two guests may race here; the loser finds the winner's room.
      const created = await this.rooms.insertIfAbsent({
        id: roomId,
        name: nameFromId(roomId),
        visibility: 'private',
        passwordHash: null,
        capacity: defaultCapacity(this.config, 'auto'),
        topology: 'auto',
        ownerId,
      });
      if (created) await this.members.insertIfAbsent(roomId, ownerId, 'owner');
      room = await this.rooms.findById(roomId);
      // Only MariaDB gets here: its ids compare without case, and another case of this id exists.
      if (!room)
        throw new AppError(
          ErrorCode.Conflict,
          'Another room has this id in a different letter case; use ids that differ by more than case.',
        );
    }
    // A join token speaks for its API key's account: it opens that account's rooms, no others.
    // Room ids are one namespace, so this tells that the id is taken: a free id would have been
    // created above.
    if (room.ownerId !== ownerId) throw anotherAccount();
    const { canPublish, canSubscribe, canChat } = principal.grants;
    return {
      room: callRoom(room),
      role: principal.grants.role,
      permissions: { canPublish, canSubscribe, canChat },
    };
  }
}

const anotherAccount = () =>
  new AppError(
    ErrorCode.Forbidden,
    'This room id belongs to another account; a join token opens only the rooms of its own.',
  );

/** The user id of the API key owner inside a guest principal's id, or null. */
function guestOwner(guestId: string): string | null {
  return GUEST_ID.exec(guestId)?.[1] ?? null;
}

function callRoom(room: RoomEntity): Admission['room'] {
  return { id: room.id, name: room.name, capacity: room.capacity, topology: room.topology };
}
