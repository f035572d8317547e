import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import {
  ErrorCode,
  type LiveParticipantsResponse,
  type ModerationActor,
  type ModerationGrants,
  type ModerationStateResult,
  type MuteSource,
  type ParticipantPermissions,
  type Principal,
  type RoomModeration,
  type RoomRole,
  type SendDataRequest,
} from '@minimeet/protocol';
import type { Logger } from 'pino';
import { AppError } from '../common/app-error.js';
import { EventBus, type ModerationActionKind } from '../common/event-bus.js';
import { ROOT_LOGGER } from '../common/logger.js';
import { callChannel, type RealtimeTransport } from '../common/realtime.js';
import { CallService } from '../calls/call.service.js';
import { ChatAccess } from '../chat/chat-access.js';
import type { CallGate } from '../calls/call-gate.js';
import type { ParticipantRecord } from '../calls/call-state.js';
import { RoomAccessService } from '../rooms/room-access.service.js';
import { RoomRepository } from '../rooms/room.repository.js';
import { atLeast, noSuchRoom } from '../rooms/room-membership.service.js';
import { applyGrants } from './grants.js';
import { LobbyService, mustWait } from './lobby.service.js';
import { MODERATION_STATE, type ModerationState } from './moderation-state.js';

/** Who asks for a moderation action: a participant over its socket, or a REST caller. */
export type ModerationOrigin =
  | {
      /** A socket request: the caller must be in the room's call as owner or moderator. */
      kind: 'socket';
      socketId: string;
      principal: Principal;
    }
  | {
      /** A REST request: a user or guest token, or a host app's API key (acting as its owner). */
      kind: 'rest';
      principal: Principal;
      /** The API key used, or null for a Bearer token. */
      apiKeyId: string | null;
    };

/** A caller found to be a host of the room. */
interface Host {
  role: RoomRole;
  actor: ModerationActor;
  principalId: string | null;
  apiKeyId: string | null;
  /** The host's own participant, when it acts from inside the call. */
  participantId: string | null;
}

const isHost = (role: RoomRole | null): boolean => atLeast(role, 'moderator');

const notHost = () =>
  new AppError(ErrorCode.Forbidden, "Only the room's owners and moderators may do this.");

/**
 * What hosts do during a call, and the check every join passes ({@link CallGate}): bars after a
 * removal, the lock, the lobby, and the grants hosts changed. Live state sits behind the
 * {@link ModerationState} port (in-process, or Redis for several nodes); the call itself is changed
 * only through {@link CallService}'s moderation seams; sockets are reached through the transport
 * the gateway hands the realtime feature; side effects (analytics, the SFU) hear the event bus.
 * Waiting in the lobby is {@link LobbyService}'s, which this service lends its join and host checks.
 */
@Injectable()
export class ModerationService implements CallGate, OnModuleInit, OnApplicationShutdown {
  private transport: RealtimeTransport | null = null;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    @Inject(MODERATION_STATE) private readonly state: ModerationState,
    @Inject(CallService) private readonly calls: CallService,
    @Inject(RoomAccessService) private readonly access: RoomAccessService,
    @Inject(RoomRepository) private readonly rooms: RoomRepository,
    @Inject(ChatAccess) private readonly chat: ChatAccess,
    @Inject(LobbyService) private readonly lobby: LobbyService,
    @Inject(EventBus) private readonly events: EventBus,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.calls.admitWith(this);
    this.chat.checkWritesWith((principal, roomId) => this.mayChat(principal, roomId));
    this.lobby.checkWith({
      check: (principal, roomId) => this.check(principal, roomId),
      host: (origin, roomId) => this.host(origin, roomId),
    });
    this.unsubscribe.push(
      this.events.on('call.left', ({ roomId, participantId }) =>
        this.participantLeft(roomId, participantId),
      ),
    );
  }

  onApplicationShutdown(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /** Connects the service to the sockets (the gateway, through the realtime feature). */
  attach(transport: RealtimeTransport): void {
    this.transport = transport;
  }

  // ---- CallGate --------------------------------------------------------------------------------

  /** Refuses a join of someone barred, or (not a host) into a locked room, or who must wait in the lobby. */
  async check(principal: Principal, roomId: string): Promise<void> {
    const [until, settings, admitted] = await Promise.all([
      this.state.bannedUntil(roomId, principal.id),
      this.settings(roomId),
      this.state.admitted(roomId, principal.id),
    ]);
    if (until !== null) {
      throw new AppError(
        ErrorCode.Forbidden,
        `A host removed you from this call; you may join again after ${new Date(until).toISOString()}.`,
      );
    }
    if (admitted) return;
    const tokenSaysWait = principal.kind === 'guest' && principal.grants.lobby === true;
    if (!settings.locked && !settings.lobby && !tokenSaysWait) return;
    const role = await this.roleBeforeJoin(principal, roomId);
    if (isHost(role)) return;
    // Someone the lobby applies to may knock even when the room is locked: a host decides.
    if (mustWait(principal, role, settings)) {
      throw new AppError(
        ErrorCode.LobbyRequired,
        'This room lets people in through its lobby: knock and wait for a host to admit you.',
      );
    }
    if (settings.locked) {
      throw new AppError(
        ErrorCode.RoomLocked,
        'A host locked this room: nobody new may join the call now.',
      );
    }
  }

  /** The room's permissions narrowed (or, for publishing, widened) by what hosts changed. */
  async permissions(
    principal: Principal,
    roomId: string,
    granted: ParticipantPermissions,
  ): Promise<ParticipantPermissions> {
    const changed = await this.state.grantsOf(roomId, principal.id);
    return changed ? applyGrants(granted, changed) : granted;
  }

  /** The admission, if any, is used up. */
  seated(principal: Principal, roomId: string): void {
    this.state
      .consumeAdmission(roomId, principal.id)
      .catch((err: unknown) =>
        this.logger.warn({ err, roomId }, 'using up a lobby admission failed'),
      );
  }

  /** Whether a chat write is allowed by what hosts changed (a host may take chat away live). */
  async mayChat(principal: Principal, roomId: string): Promise<boolean> {
    const changed = await this.state.grantsOf(roomId, principal.id);
    return changed?.canChat !== false;
  }

  // ---- Host actions ------------------------------------------------------------------------------

  /** Marks sources of one participant muted and tells it; returns how many tracks changed. */
  async mute(
    origin: ModerationOrigin,
    roomId: string,
    participantId: string,
    sources: MuteSource[],
  ): Promise<{ muted: number }> {
    const host = await this.host(origin, roomId);
    const target = await this.target(host, roomId, participantId, { self: true });
    const muted = await this.muteOne(host, target, sources);
    this.record(host, roomId, 'mute', target);
    return { muted };
  }

  /** Mutes sources of everyone but the hosts; returns how many participants were muted. */
  async muteAll(
    origin: ModerationOrigin,
    roomId: string,
    sources: MuteSource[],
  ): Promise<{ muted: number }> {
    const host = await this.host(origin, roomId);
    const targets = (await this.calls.participants(roomId)).filter((p) => !isHost(p.info.role));
    await Promise.all(targets.map((t) => this.muteOne(host, t, sources)));
    this.record(host, roomId, 'mute_all', null);
    return { muted: targets.length };
  }

  /** Asks a participant to unmute; the user decides. */
  async askUnmute(
    origin: ModerationOrigin,
    roomId: string,
    participantId: string,
    sources: MuteSource[],
  ): Promise<object> {
    const host = await this.host(origin, roomId);
    const target = await this.target(host, roomId, participantId, { self: false });
    this.send().toSocket(target.socketId, 'moderation_unmute_requested', {
      roomId,
      sources,
      by: host.actor,
    });
    this.record(host, roomId, 'ask_unmute', target);
    return {};
  }

  /** Removes a participant (connected or in its grace period), optionally barred for a time. */
  async remove(
    origin: ModerationOrigin,
    roomId: string,
    participantId: string,
    options: { banSeconds?: number; reason?: string },
  ): Promise<object> {
    const host = await this.host(origin, roomId);
    const target = await this.target(host, roomId, participantId, { self: false });
    const bannedUntil =
      options.banSeconds && options.banSeconds > 0 ? Date.now() + options.banSeconds * 1000 : null;
    // Barred before the removal: a resume or a new join racing it is refused.
    if (bannedUntil !== null) await this.state.ban(roomId, target.info.principalId, bannedUntil);
    if (target.info.connection === 'connected') {
      this.send().toSocket(target.socketId, 'moderation_removed', {
        roomId,
        by: host.actor,
        reason: options.reason ?? null,
        bannedUntil: bannedUntil === null ? null : new Date(bannedUntil).toISOString(),
      });
    }
    const message =
      options.reason ??
      (bannedUntil === null
        ? 'A host removed you from the call.'
        : `A host removed you from the call; you may join again after ${new Date(bannedUntil).toISOString()}.`);
    const removed = await this.calls.eject(roomId, participantId, message);
    if (!removed) throw gone(participantId, roomId);
    this.record(host, roomId, 'remove', target);
    return {};
  }

  /** Changes a participant's grants; enforced at once (and on its later joins during this call). */
  async changeGrants(
    origin: ModerationOrigin,
    roomId: string,
    participantId: string,
    grants: ModerationGrants,
  ): Promise<object> {
    const host = await this.host(origin, roomId);
    const target = await this.target(host, roomId, participantId, { self: false });
    const granted = target.granted ?? target.info.permissions;
    if (grants.canChat === true && !granted.canChat) {
      throw new AppError(
        ErrorCode.Forbidden,
        'This participant may not chat here (its join token or the room says so); a host can only give back chat it took away.',
      );
    }
    const changed = await this.state.changeGrants(roomId, target.info.principalId, grants);
    // The stored changes are cumulative: they apply to what the room and the token granted.
    const permissions = applyGrants(granted, changed);
    const updated = await this.calls.setPermissions(roomId, participantId, permissions);
    if (!updated) throw gone(participantId, roomId);
    this.send().toSocket(updated.socketId, 'moderation_grants_changed', {
      roomId,
      permissions,
      by: host.actor,
    });
    this.events.emit('moderation.grants_changed', { roomId, participantId, permissions });
    this.record(host, roomId, 'grants', target);
    return {};
  }

  /** Locks or unlocks the room, turns the lobby on or off; everyone in the call hears it. */
  async updateRoom(
    origin: ModerationOrigin,
    roomId: string,
    patch: Partial<RoomModeration>,
  ): Promise<ModerationStateResult> {
    const host = await this.host(origin, roomId);
    const room = await this.rooms.update(roomId, patch);
    if (!room) throw noSuchRoom();
    const moderation = { locked: room.locked, lobby: room.lobby };
    this.send().toChannel(callChannel(roomId), null, 'room_moderation_updated', {
      roomId,
      moderation,
      by: host.actor,
    });
    if (patch.locked !== undefined)
      this.record(host, roomId, patch.locked ? 'lock' : 'unlock', null);
    if (patch.lobby !== undefined)
      this.record(host, roomId, patch.lobby ? 'lobby_on' : 'lobby_off', null);
    return { moderation, hands: await this.state.hands(roomId) };
  }

  /** Ends the call for everyone. */
  async endCall(origin: ModerationOrigin, roomId: string): Promise<object> {
    const host = await this.host(origin, roomId);
    this.send().toChannel(callChannel(roomId), null, 'moderation_call_ended', {
      roomId,
      by: host.actor,
    });
    await this.calls.endCall(roomId, 'A host ended the call for everyone.');
    await this.state.endCall(roomId);
    this.record(host, roomId, 'end_call', null);
    return {};
  }

  /** The room's settings and raised hands, for anyone in the call. */
  async moderationState(socketId: string, roomId: string): Promise<ModerationStateResult> {
    await this.calls.participantOf(socketId, roomId);
    const [moderation, hands] = await Promise.all([
      this.settings(roomId),
      this.state.hands(roomId),
    ]);
    return { moderation, hands };
  }

  /** Everyone in the call, the settings and the hands (REST for host apps). */
  async live(origin: ModerationOrigin, roomId: string): Promise<LiveParticipantsResponse> {
    await this.host(origin, roomId);
    const [records, moderation, hands] = await Promise.all([
      this.calls.participants(roomId),
      this.settings(roomId),
      this.state.hands(roomId),
    ]);
    return { roomId, participants: records.map((r) => r.info), moderation, hands };
  }

  /** Sends a data message to everyone in the call (REST for host apps). */
  async sendData(origin: ModerationOrigin, roomId: string, body: SendDataRequest): Promise<object> {
    const host = await this.host(origin, roomId);
    this.send().toChannel(callChannel(roomId), null, 'room_data', {
      roomId,
      topic: body.topic ?? null,
      data: body.data,
    });
    this.record(host, roomId, 'data', null);
    return {};
  }

  // ---- Hands -----------------------------------------------------------------------------------

  /** Raises or lowers the caller's own hand. */
  async raiseHand(socketId: string, roomId: string, raised: boolean): Promise<object> {
    const me = await this.calls.participantOf(socketId, roomId);
    const hands = raised
      ? await this.state.raiseHand(roomId, me.info.id, Date.now())
      : await this.state.lowerHand(roomId, me.info.id);
    if (hands) this.send().toChannel(callChannel(roomId), null, 'hands_updated', { roomId, hands });
    return {};
  }

  /** Lowers someone's hand (hosts). */
  async lowerHand(
    origin: ModerationOrigin,
    roomId: string,
    participantId: string,
  ): Promise<object> {
    const host = await this.host(origin, roomId);
    const hands = await this.state.lowerHand(roomId, participantId);
    if (hands) {
      this.send().toChannel(callChannel(roomId), null, 'hands_updated', { roomId, hands });
      this.events.emit('moderation.action', {
        roomId,
        action: 'lower_hand',
        actorPrincipalId: host.principalId,
        apiKeyId: host.apiKeyId,
        targetParticipantId: participantId,
        targetPrincipalId: null,
      });
    }
    return {};
  }

  // ---- Internals -------------------------------------------------------------------------------

  /** The caller as a host of the room, or `forbidden` (`not_in_room` / `not_found` when it is not even there). */
  private async host(origin: ModerationOrigin, roomId: string): Promise<Host> {
    if (origin.kind === 'socket') {
      const me = await this.calls.participantOf(origin.socketId, roomId);
      if (!isHost(me.info.role)) throw notHost();
      return {
        role: me.info.role,
        actor: { participantId: me.info.id, displayName: me.info.displayName },
        principalId: origin.principal.id,
        apiKeyId: null,
        participantId: me.info.id,
      };
    }
    const role = await this.access.roleOf(origin.principal, roomId);
    if (role === null) throw noSuchRoom();
    if (!isHost(role)) throw notHost();
    return {
      role,
      actor:
        origin.apiKeyId !== null
          ? { participantId: null, displayName: null }
          : { participantId: null, displayName: origin.principal.displayName },
      principalId: origin.apiKeyId !== null ? null : origin.principal.id,
      apiKeyId: origin.apiKeyId,
      participantId: null,
    };
  }

  /** A room's lock and lobby, kept with the room (both off for a room that does not exist). */
  private async settings(roomId: string): Promise<RoomModeration> {
    const room = await this.rooms.findById(roomId);
    return { locked: room?.locked ?? false, lobby: room?.lobby ?? false };
  }

  /** A participant a host may act on: in the call, not above the host, (unless `self`) not the host. */
  private async target(
    host: Host,
    roomId: string,
    participantId: string,
    { self }: { self: boolean },
  ): Promise<ParticipantRecord> {
    const target = (await this.calls.participants(roomId)).find((p) => p.info.id === participantId);
    if (!target) throw gone(participantId, roomId);
    if (target.info.id === host.participantId) {
      if (!self) throw new AppError(ErrorCode.Conflict, 'A host cannot do this to itself.');
      return target;
    }
    if (!atLeast(host.role, target.info.role)) {
      throw new AppError(
        ErrorCode.Forbidden,
        `A ${host.role} may not act on the room's ${target.info.role}.`,
      );
    }
    return target;
  }

  private async muteOne(
    host: Host,
    target: ParticipantRecord,
    sources: MuteSource[],
  ): Promise<number> {
    const marked = await this.calls.markMuted(target.roomId, target.info.id, sources);
    if (!marked) return 0;
    if (marked.record.info.connection === 'connected') {
      this.send().toSocket(marked.record.socketId, 'moderation_muted', {
        roomId: target.roomId,
        sources,
        by: host.actor,
      });
    }
    this.events.emit('moderation.muted', {
      roomId: target.roomId,
      participantId: target.info.id,
      sources,
    });
    return marked.changed;
  }

  private async roleBeforeJoin(principal: Principal, roomId: string): Promise<RoomRole | null> {
    if (principal.kind === 'guest') return principal.grants.role;
    return this.access.roleOf(principal, roomId);
  }

  private async participantLeft(roomId: string, participantId: string): Promise<void> {
    const hands = await this.state.lowerHand(roomId, participantId);
    if (hands) this.send().toChannel(callChannel(roomId), null, 'hands_updated', { roomId, hands });
    if ((await this.calls.participants(roomId)).length === 0) await this.state.endCall(roomId);
  }

  private record(
    host: Host,
    roomId: string,
    action: ModerationActionKind,
    target: ParticipantRecord | null,
  ): void {
    this.events.emit('moderation.action', {
      roomId,
      action,
      actorPrincipalId: host.principalId,
      apiKeyId: host.apiKeyId,
      targetParticipantId: target?.info.id ?? null,
      targetPrincipalId: target?.info.principalId ?? null,
    });
  }

  private send(): RealtimeTransport {
    if (!this.transport) throw new Error('ModerationService used before the gateway attached it.');
    return this.transport;
  }
}

function gone(participantId: string, roomId: string): AppError {
  return new AppError(
    ErrorCode.ParticipantNotFound,
    `Participant ${participantId} is not in the call of room ${roomId}.`,
  );
}
