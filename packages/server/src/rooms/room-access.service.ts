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
import { RoomMemberRepository } from './room-member.repository.js';
import { RoomMembershipService } from './room-membership.service.js';
import { RoomRepository } from './room.repository.js';

/** What a principal brings to enter a room's call besides itself. */
export interface AdmissionCredentials {
  /** The room password, for a non-member of a room that has one. */
  password?: string;
  /** An invite code, for a non-member. */
  inviteCode?: string;
}

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
    const room = await this.rooms.findById(roomId);
    if (!room) throw new AppError(ErrorCode.NotFound, 'No such room.');
    const role = await this.userRole(principal.id, room, credentials);
    return { room: callRoom(room), role, permissions: { ...ALL_PERMISSIONS } };
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

  private async userRole(
    userId: string,
    room: RoomEntity,
    credentials: AdmissionCredentials,
  ): Promise<RoomRole> {
    const current = await this.membership.roleOf(room, userId);
    if (current) return current;
    let inviteError: AppError | undefined;
    if (credentials.inviteCode !== undefined) {
      try {
        return (await this.membership.redeemInvite(credentials.inviteCode, userId, room.id)).role;
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        // A room open to the user by other means still lets it in; otherwise this is the answer.
        inviteError = err;
      }
    }
    if (room.visibility === 'public' && room.passwordHash === null)
      return this.membership.grant(room.id, userId, 'member');
    if (await this.membership.passwordOpens(room, credentials.password))
      return this.membership.grant(room.id, userId, 'member');
    if (inviteError) throw inviteError;
    if (room.passwordHash !== null)
      throw new AppError(
        ErrorCode.RoomPasswordRequired,
        credentials.password === undefined
          ? 'This room needs its password or an invite.'
          : 'That is not the password of this room.',
      );
    throw new AppError(ErrorCode.Forbidden, 'This room is private; ask its owner for an invite.');
  }

  private async admitGuest(
    principal: Extract<Principal, { kind: 'guest' }>,
    roomId: string,
  ): Promise<Admission> {
    if (principal.grants.room !== roomId)
      throw new AppError(ErrorCode.Forbidden, 'Your join token admits you to another room.');
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
        capacity: this.config.rooms.meshMaxParticipants,
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
    if (room.ownerId !== ownerId)
      throw new AppError(ErrorCode.Forbidden, 'This room belongs to another account.');
    const { canPublish, canSubscribe, canChat } = principal.grants;
    return {
      room: callRoom(room),
      role: principal.grants.role,
      permissions: { canPublish, canSubscribe, canChat },
    };
  }
}

/** The user id of the API key owner inside a guest principal's id, or null. */
function guestOwner(guestId: string): string | null {
  return GUEST_ID.exec(guestId)?.[1] ?? null;
}

function callRoom(room: RoomEntity): Admission['room'] {
  return { id: room.id, name: room.name, capacity: room.capacity, topology: room.topology };
}
