import { Inject, Injectable, Optional } from '@nestjs/common';
import { ErrorCode, type RoomRole } from '@minimeet/protocol';
import { PasswordHasher } from '../auth/password-hasher.js';
import { AppError } from '../common/app-error.js';
import { EventBus } from '../common/event-bus.js';
import type { RoomEntity } from './room.entity.js';
import { RoomInviteRepository } from './room-invite.repository.js';
import { RoomMemberRepository } from './room-member.repository.js';
import { RoomRepository } from './room.repository.js';

const RANK: Record<RoomRole, number> = { member: 1, moderator: 2, owner: 3 };

/** True when `role` ranks at least as high as `floor` (owner > moderator > member). */
export function atLeast(role: RoomRole | null, floor: RoomRole): boolean {
  return role !== null && RANK[role] >= RANK[floor];
}

const inviteInvalid = () =>
  new AppError(ErrorCode.InviteInvalid, 'This invite is unknown, expired, revoked or used up.');

/**
 * The one answer for a room the caller may not see — unknown, or private and not theirs — on every
 * route and event: exactly the answer for an id no room has ever had, so private ids cannot be
 * probed.
 */
export const noSuchRoom = (): AppError => new AppError(ErrorCode.NotFound, 'No such room.');

/** What a user brings to enter a room it is not a member of. */
export interface EntryCredentials {
  /** The room password. */
  password?: string;
  /** An invite code for this room. */
  inviteCode?: string;
}

// Two writers changing one membership at once make a grant retry; a few rounds always settle it.
const GRANT_ATTEMPTS = 5;

/**
 * How users become and stay members: roles, invites and room passwords. Shared by the REST side
 * ({@link RoomsService}) and the call side's admission ({@link RoomAccessService}).
 */
@Injectable()
export class RoomMembershipService {
  constructor(
    @Inject(RoomRepository) private readonly rooms: RoomRepository,
    @Inject(RoomMemberRepository) private readonly members: RoomMemberRepository,
    @Inject(RoomInviteRepository) private readonly invites: RoomInviteRepository,
    @Inject(PasswordHasher) private readonly hasher: PasswordHasher,
    @Optional() @Inject(EventBus) private readonly bus?: EventBus,
  ) {}

  /** The user's role in the room, or null when it is not a member. */
  async roleOf(room: RoomEntity, userId: string): Promise<RoomRole | null> {
    const member = await this.members.find(room.id, userId);
    if (member) return member.role;
    // The owner is always a member; this covers a membership row lost to a crash between writes.
    return room.ownerId === userId ? 'owner' : null;
  }

  /** Makes the user a member with at least `role`, keeping a higher role; returns its role now. */
  async grant(roomId: string, userId: string, role: RoomRole): Promise<RoomRole> {
    for (let attempt = 0; attempt < GRANT_ATTEMPTS; attempt++) {
      const existing = await this.members.find(roomId, userId);
      if (!existing) {
        if (await this.members.insertIfAbsent(roomId, userId, role)) {
          this.bus?.emit('room.member_added', { roomId, userId, role });
          return role;
        }
        continue;
      }
      if (atLeast(existing.role, role)) return existing.role;
      if (await this.members.changeRole(roomId, userId, existing.role, role)) return role;
    }
    throw new AppError(
      ErrorCode.Conflict,
      'The membership changed while it was being granted; try again.',
    );
  }

  /**
   * Redeems an invite: counts a use and makes the user a member with the invite's role (a member
   * who already holds that role or a higher one keeps it, and spends no use). With `roomId`, the
   * invite must be for that room. Throws `invite_invalid` for an unknown, expired or used-up code.
   */
  async redeemInvite(
    code: string,
    userId: string,
    roomId?: string,
  ): Promise<{ room: RoomEntity; role: RoomRole }> {
    const now = new Date();
    const invite = await this.invites.findByCode(code);
    if (!invite || (roomId !== undefined && invite.roomId !== roomId)) throw inviteInvalid();
    if (invite.expiresAt <= now || (invite.maxUses !== null && invite.uses >= invite.maxUses))
      throw inviteInvalid();
    const room = await this.rooms.findById(invite.roomId);
    if (!room) throw inviteInvalid();
    const current = await this.roleOf(room, userId);
    if (atLeast(current, invite.role)) return { room, role: current! };
    if (!(await this.invites.consume(invite.code, now))) throw inviteInvalid();
    return { room, role: await this.grant(room.id, userId, invite.role) };
  }

  /**
   * Makes the user a member of a room it wants to enter, or says why not, without telling anyone
   * who cannot see the room whether it exists. A member keeps its role. A non-member gets in with
   * a valid invite for this room, into a public room without a password, or with the room's
   * password. Otherwise the answer depends only on what the request brought, never on whether a
   * room it may not see exists: `invite_invalid` when it brought an invite, else
   * `room_password_required` when it brought a password (which always costs one hash, real or
   * not, so the time taken does not tell either), else `not_found`. Only a public room, which
   * anyone may see, is said to need its password.
   */
  async admitUser(
    roomId: string,
    userId: string,
    credentials: EntryCredentials,
  ): Promise<{ room: RoomEntity; role: RoomRole }> {
    const room = await this.rooms.findById(roomId);
    const current = room ? await this.roleOf(room, userId) : null;
    if (room && current) return { room, role: current };
    let inviteError: AppError | undefined;
    if (credentials.inviteCode !== undefined) {
      try {
        return await this.redeemInvite(credentials.inviteCode, userId, roomId);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        // A room open to the user by other means still lets it in; otherwise this is the answer.
        inviteError = err;
      }
    }
    const isPublic = room?.visibility === 'public';
    if (room && isPublic && room.passwordHash === null)
      return { room, role: await this.grant(room.id, userId, 'member') };
    if (room && (await this.passwordOpens(room, credentials.password)))
      return { room, role: await this.grant(room.id, userId, 'member') };
    if (!room && credentials.password !== undefined)
      await this.hasher.verifyDummy(credentials.password);
    if (inviteError) throw inviteError;
    if (credentials.password !== undefined)
      throw new AppError(ErrorCode.RoomPasswordRequired, 'That password does not open this room.');
    if (isPublic)
      throw new AppError(ErrorCode.RoomPasswordRequired, 'This room needs its password.');
    throw noSuchRoom();
  }

  /**
   * True when the room has a password and `password` is it. A password given for a room without
   * one costs a hash all the same: whether a room has a password must not show in the time taken.
   */
  async passwordOpens(room: RoomEntity, password: string | undefined): Promise<boolean> {
    if (password === undefined) return false;
    if (room.passwordHash === null) {
      await this.hasher.verifyDummy(password);
      return false;
    }
    return this.hasher.verify(room.passwordHash, password);
  }
}
