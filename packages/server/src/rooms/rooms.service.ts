import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  ErrorCode,
  type AcceptedInvite,
  type CreateInviteRequest,
  type CreateRoomRequest,
  type Page,
  type RoomDetails,
  type RoomInvite,
  type RoomMember,
  type RoomRole,
  type RoomTopology,
  type UpdateMemberRequest,
  type UpdateRoomRequest,
} from '@minimeet/protocol';
import { PasswordHasher } from '../auth/password-hasher.js';
import { AppError } from '../common/app-error.js';
import { EventBus } from '../common/event-bus.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { defaultCapacity } from './room-capacity.js';
import {
  decodeCursor,
  encodeCursor,
  toRoomDetails,
  toRoomInvite,
  toRoomMember,
  type ListRoomsQuery,
  type PageQuery,
} from './room.dto.js';
import type { RoomEntity } from './room.entity.js';
import { RoomInviteRepository } from './room-invite.repository.js';
import { RoomMemberRepository } from './room-member.repository.js';
import { atLeast, noSuchRoom, RoomMembershipService } from './room-membership.service.js';
import { ROOM_OCCUPANCY, type RoomOccupancy } from './room-occupancy.js';
import { RoomRepository } from './room.repository.js';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A new room id: 12 random lower-case base32 characters (60 bits). */
export function generateRoomId(): string {
  const bytes = randomBytes(12);
  let id = '';
  for (const byte of bytes) id += BASE32[byte & 31];
  return id;
}

/** A new invite code: 128 random bits, base64url (22 characters). */
export function generateInviteCode(): string {
  return randomBytes(16).toString('base64url');
}

const DEFAULT_INVITE_TTL_SECONDS = 7 * 86_400;

/** Rooms, their members and their invites, as the REST API manages them. */
@Injectable()
export class RoomsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RoomRepository) private readonly rooms: RoomRepository,
    @Inject(RoomMemberRepository) private readonly members: RoomMemberRepository,
    @Inject(RoomInviteRepository) private readonly invites: RoomInviteRepository,
    @Inject(RoomMembershipService) private readonly membership: RoomMembershipService,
    @Inject(PasswordHasher) private readonly hasher: PasswordHasher,
    @Inject(ROOM_OCCUPANCY) private readonly occupancy: RoomOccupancy,
    @Inject(EventBus) private readonly bus: EventBus,
  ) {}

  /** Creates a room owned by the user. */
  async create(userId: string, request: CreateRoomRequest): Promise<RoomDetails> {
    const topology = request.topology ?? 'auto';
    const capacity = request.capacity ?? defaultCapacity(this.config, topology);
    this.assertSupported(topology, capacity);
    const passwordHash =
      request.password !== undefined ? await this.hasher.hash(request.password) : null;
    const room = await this.rooms.insert({
      id: generateRoomId(),
      name: request.name,
      visibility: request.visibility ?? 'private',
      passwordHash,
      capacity,
      topology,
      ownerId: userId,
    });
    try {
      await this.members.insertIfAbsent(room.id, userId, 'owner');
    } catch (err) {
      // Without its owner the room could never be managed; take it back rather than leave it.
      await this.rooms.delete(room.id);
      throw err;
    }
    return this.details(room, 'owner');
  }

  /** A page of the rooms the user sees in a scope, newest first. */
  async list(userId: string, query: ListRoomsQuery): Promise<Page<RoomDetails>> {
    const after = query.cursor !== undefined ? decodeCursor(query.cursor) : undefined;
    const rows = await this.rooms.page(
      userId,
      query.scope,
      query.limit + 1,
      after && { createdAt: after.at, id: after.id },
    );
    const items = rows.slice(0, query.limit);
    const counts = await this.occupancy.counts(items.map((r) => r.room.id));
    const last = items.at(-1);
    return {
      items: items.map(({ room, role }) =>
        toRoomDetails(room, role ?? this.ownerRole(room, userId), counts.get(room.id) ?? 0),
      ),
      nextCursor:
        rows.length > query.limit && last ? encodeCursor(last.room.createdAt, last.room.id) : null,
    };
  }

  /** A room the user may see: a public room, or one it is a member of; otherwise `not_found`. */
  async get(userId: string, roomId: string): Promise<RoomDetails> {
    const { room, role } = await this.visibleRoom(userId, roomId);
    return this.details(room, role);
  }

  /** Changes a room's settings; owner only. */
  async update(userId: string, roomId: string, patch: UpdateRoomRequest): Promise<RoomDetails> {
    const { room, role } = await this.visibleRoom(userId, roomId);
    this.require(role, 'owner', 'Only the owner can change the room.');
    this.assertSupported(patch.topology ?? room.topology, patch.capacity ?? room.capacity);
    const passwordHash =
      patch.password === undefined
        ? undefined
        : patch.password === null
          ? null
          : await this.hasher.hash(patch.password);
    const updated = await this.rooms.update(room.id, {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.visibility !== undefined ? { visibility: patch.visibility } : {}),
      ...(passwordHash !== undefined ? { passwordHash } : {}),
      ...(patch.capacity !== undefined ? { capacity: patch.capacity } : {}),
      ...(patch.topology !== undefined ? { topology: patch.topology } : {}),
    });
    if (!updated) throw noSuchRoom();
    this.bus.emit('room.updated', { roomId: room.id });
    return this.details(updated, role);
  }

  /** Deletes a room with its members and invites; owner only. Its call ends. */
  async delete(userId: string, roomId: string): Promise<void> {
    const { room, role } = await this.visibleRoom(userId, roomId);
    this.require(role, 'owner', 'Only the owner can delete the room.');
    if (!(await this.rooms.delete(room.id))) throw noSuchRoom();
    this.bus.emit('room.deleted', { roomId: room.id });
  }

  /** A page of a room's members, in the order they joined; members only. */
  async listMembers(userId: string, roomId: string, query: PageQuery): Promise<Page<RoomMember>> {
    const { role } = await this.visibleRoom(userId, roomId);
    this.require(role, 'member', 'Only members can see who else is a member.');
    const after = query.cursor !== undefined ? decodeCursor(query.cursor) : undefined;
    const rows = await this.members.page(
      roomId,
      query.limit + 1,
      after && { joinedAt: after.at, userId: after.id },
    );
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items: items.map((r) => toRoomMember(r.member, r)),
      nextCursor:
        rows.length > query.limit && last
          ? encodeCursor(last.member.joinedAt, last.member.userId)
          : null,
    };
  }

  /** Makes a member a moderator or a plain member; owner only, and never the owner itself. */
  async updateMember(
    userId: string,
    roomId: string,
    targetId: string,
    request: UpdateMemberRequest,
  ): Promise<RoomMember> {
    const { room, role } = await this.visibleRoom(userId, roomId);
    this.require(role, 'owner', "Only the owner can change members' roles.");
    const target = await this.members.find(room.id, targetId);
    if (!target) throw new AppError(ErrorCode.NotFound, 'No such member in this room.');
    if (target.role === 'owner' || targetId === room.ownerId)
      throw new AppError(ErrorCode.Conflict, "The owner's role cannot be changed.");
    if (target.role !== request.role) {
      if (!(await this.members.changeRole(room.id, targetId, target.role, request.role)))
        throw new AppError(ErrorCode.Conflict, 'The member changed meanwhile; try again.');
      this.bus.emit('room.member_updated', {
        roomId: room.id,
        userId: targetId,
        role: request.role,
      });
    }
    const changed = await this.members.findWithProfile(room.id, targetId);
    if (!changed) throw new AppError(ErrorCode.NotFound, 'No such member in this room.');
    return toRoomMember(changed.member, changed);
  }

  /**
   * Ends a membership. Anyone may leave (except the owner, who deletes the room instead); the
   * owner and moderators may remove members, and a moderator neither the owner nor a moderator.
   */
  async removeMember(userId: string, roomId: string, targetId: string): Promise<void> {
    const { room, role } = await this.visibleRoom(userId, roomId);
    if (targetId === userId) {
      if (role === null) throw new AppError(ErrorCode.NotFound, 'You are not a member.');
      if (role === 'owner')
        throw new AppError(
          ErrorCode.Conflict,
          'The owner cannot leave the room; delete the room instead.',
        );
    } else {
      this.require(role, 'moderator', 'Only the owner and moderators can remove members.');
      const target = await this.members.find(room.id, targetId);
      if (!target) throw new AppError(ErrorCode.NotFound, 'No such member in this room.');
      if (target.role === 'owner')
        throw new AppError(ErrorCode.Forbidden, 'Nobody can remove the owner of a room.');
      if (target.role === 'moderator' && role !== 'owner')
        throw new AppError(ErrorCode.Forbidden, 'Only the owner can remove a moderator.');
    }
    if (!(await this.members.remove(room.id, targetId)))
      throw new AppError(ErrorCode.NotFound, 'No such member in this room.');
    this.bus.emit('room.member_removed', { roomId: room.id, userId: targetId });
  }

  /**
   * Makes the user a member: of a public room (with its password when it has one), or of any room
   * with its password. A member joining again keeps its role. What a refusal says follows
   * {@link RoomMembershipService.admitUser}: a room the user may not see is never told apart from
   * an unknown one.
   */
  async join(userId: string, roomId: string, password: string | undefined): Promise<RoomDetails> {
    const { room, role } = await this.membership.admitUser(
      roomId,
      userId,
      password !== undefined ? { password } : {},
    );
    return this.details(room, role);
  }

  /** Creates an invite link; owner or moderator (a moderator invite needs the owner). */
  async createInvite(
    userId: string,
    roomId: string,
    request: CreateInviteRequest,
  ): Promise<RoomInvite> {
    const { room, role } = await this.visibleRoom(userId, roomId);
    this.require(role, 'moderator', 'Only the owner and moderators can invite.');
    const inviteRole = request.role ?? 'member';
    if (inviteRole === 'moderator')
      this.require(role, 'owner', 'Only the owner can invite moderators.');
    const ttl = request.ttlSeconds ?? DEFAULT_INVITE_TTL_SECONDS;
    const invite = await this.invites.insert({
      code: generateInviteCode(),
      roomId: room.id,
      role: inviteRole,
      expiresAt: new Date(Date.now() + ttl * 1000),
      maxUses: request.maxUses ?? null,
      createdBy: userId,
    });
    return toRoomInvite(invite, this.config.publicUrl);
  }

  /** The room's invites that can still be used; owner or moderator. */
  async listInvites(userId: string, roomId: string): Promise<RoomInvite[]> {
    const { room, role } = await this.visibleRoom(userId, roomId);
    this.require(role, 'moderator', 'Only the owner and moderators can see invites.');
    const invites = await this.invites.listUnexpired(room.id, new Date());
    return invites
      .filter((i) => i.maxUses === null || i.uses < i.maxUses)
      .map((i) => toRoomInvite(i, this.config.publicUrl));
  }

  /** Revokes an invite; owner or moderator. */
  async revokeInvite(userId: string, roomId: string, code: string): Promise<void> {
    const { room, role } = await this.visibleRoom(userId, roomId);
    this.require(role, 'moderator', 'Only the owner and moderators can revoke invites.');
    if (!(await this.invites.delete(room.id, code)))
      throw new AppError(ErrorCode.NotFound, 'No such invite for this room.');
  }

  /** Accepts an invite: the user becomes a member of its room with its role. */
  async acceptInvite(userId: string, code: string): Promise<AcceptedInvite> {
    const { room, role } = await this.membership.redeemInvite(code, userId);
    return { room: await this.details(room, role) };
  }

  private async details(room: RoomEntity, role: RoomRole | null): Promise<RoomDetails> {
    const counts = await this.occupancy.counts([room.id]);
    return toRoomDetails(room, role, counts.get(room.id) ?? 0);
  }

  private ownerRole(room: RoomEntity, userId: string): RoomRole | null {
    return room.ownerId === userId ? 'owner' : null;
  }

  /** The room with the user's role, when the user may see it; `not_found` otherwise. */
  private async visibleRoom(
    userId: string,
    roomId: string,
  ): Promise<{ room: RoomEntity; role: RoomRole | null }> {
    const room = await this.rooms.findById(roomId);
    if (!room) throw noSuchRoom();
    const role = await this.membership.roleOf(room, userId);
    if (role === null && room.visibility !== 'public') throw noSuchRoom();
    return { room, role };
  }

  private require(role: RoomRole | null, floor: RoomRole, message: string): void {
    if (!atLeast(role, floor)) throw new AppError(ErrorCode.Forbidden, message);
  }

  private assertSupported(topology: RoomTopology, capacity: number): void {
    const meshMax = this.config.rooms.meshMaxParticipants;
    const { enabled, maxParticipants } = this.config.sfu;
    if (topology === 'sfu' && !enabled)
      throw new AppError(
        ErrorCode.FeatureUnavailable,
        `The SFU is turned off on this server (SFU_ENABLED=false); it runs mesh calls of up to ${meshMax} people.`,
      );
    const max = topology === 'mesh' || !enabled ? meshMax : maxParticipants;
    if (capacity > max)
      throw new AppError(
        ErrorCode.FeatureUnavailable,
        topology === 'mesh' || !enabled
          ? `Mesh calls hold up to ${meshMax} people here; use topology sfu or auto for more.`
          : `Calls on this server's SFU hold up to ${maxParticipants} people (SFU_MAX_PARTICIPANTS).`,
      );
  }
}
