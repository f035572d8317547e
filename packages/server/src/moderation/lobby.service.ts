import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import {
  ErrorCode,
  type LobbyEntry,
  type LobbyKnockPayload,
  type LobbySnapshot,
  type Principal,
  type RoomModeration,
  type RoomRole,
} from '@minimeet/protocol';
import type { Logger } from 'pino';
import { AppError } from '../common/app-error.js';
import { EventBus } from '../common/event-bus.js';
import { ROOT_LOGGER } from '../common/logger.js';
import type { RealtimeTransport } from '../common/realtime.js';
import { CallService } from '../calls/call.service.js';
import { RoomAccessService } from '../rooms/room-access.service.js';
import { atLeast } from '../rooms/room-membership.service.js';
import { MODERATION_STATE, type LobbyRecord, type ModerationState } from './moderation-state.js';
import type { ModerationOrigin } from './moderation.service.js';

/** How long a lobby admission lets its holder join. */
const ADMISSION_TTL_MS = 120_000;

/**
 * What the lobby leaves to {@link ModerationService}, which owns the join check and knows who
 * the hosts are; handed over through {@link LobbyService.checkWith}, so that the lobby need not
 * inject it back.
 */
export interface LobbyChecks {
  /** The join check ({@link CallGate.check}); throwing `lobby_required` is what lets a caller knock. */
  check(principal: Principal, roomId: string): Promise<void>;
  /** The caller as a host of the room, or throws as any host action would. */
  host(
    origin: ModerationOrigin,
    roomId: string,
  ): Promise<{ principalId: string | null; apiKeyId: string | null }>;
}

/** Whether someone who is not a host must wait in the lobby (a guest's token may say so either way). */
export function mustWait(
  principal: Principal,
  role: RoomRole | null,
  settings: RoomModeration,
): boolean {
  if (principal.kind === 'guest') {
    const { lobby } = principal.grants;
    return lobby === true || (lobby !== false && settings.lobby);
  }
  return settings.lobby && role === null;
}

/**
 * A room's lobby: people knock, hosts see who waits and admit or turn them away. The queue and its
 * admissions sit behind the {@link ModerationState} port, so that of two hosts on two nodes deciding
 * on one wait only one decides.
 */
@Injectable()
export class LobbyService implements OnModuleInit, OnApplicationShutdown {
  private transport: RealtimeTransport | null = null;
  private checks: LobbyChecks | null = null;
  /** Lobby waits made from this node's sockets, so that a closed socket stops waiting. */
  private readonly waits = new Map<string, Map<string, string>>();
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    @Inject(MODERATION_STATE) private readonly state: ModerationState,
    @Inject(CallService) private readonly calls: CallService,
    @Inject(RoomAccessService) private readonly access: RoomAccessService,
    @Inject(EventBus) private readonly events: EventBus,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.unsubscribe.push(
      this.events.on('socket.disconnected', ({ connectionId }) => this.socketGone(connectionId)),
    );
  }

  onApplicationShutdown(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /** Connects the lobby to the sockets (the gateway, through the realtime feature). */
  attach(transport: RealtimeTransport): void {
    this.transport = transport;
  }

  /** Registers the join check and the host check the lobby relies on (see {@link LobbyChecks}). */
  checkWith(checks: LobbyChecks): void {
    this.checks = checks;
  }

  /** Puts the caller in the lobby; refused when it may join directly or may not enter at all. */
  async knock(
    socketId: string,
    principal: Principal,
    payload: LobbyKnockPayload,
  ): Promise<{ entry: LobbyEntry }> {
    const { roomId } = payload;
    await this.access.assertMayKnock(principal, roomId, payload);
    try {
      await this.rules().check(principal, roomId);
      throw new AppError(ErrorCode.Conflict, 'You need not wait: join the call directly.');
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== ErrorCode.LobbyRequired) throw err;
    }
    const record: LobbyRecord = {
      id: `lb_${randomBytes(12).toString('base64url')}`,
      principalId: principal.id,
      principalKind: principal.kind,
      displayName: principal.displayName,
      avatarUrl: principal.avatarUrl,
      knockedAt: new Date().toISOString(),
      socketId,
    };
    const replaced = await this.state.knock(roomId, record);
    if (replaced) this.forgetWait(replaced.socketId, roomId);
    let mine = this.waits.get(socketId);
    if (!mine) this.waits.set(socketId, (mine = new Map<string, string>()));
    mine.set(roomId, record.id);
    await this.tellHosts(roomId);
    return { entry: entryOf(record) };
  }

  /** The caller stops waiting. */
  async leave(socketId: string, roomId: string): Promise<object> {
    const entryId = this.waits.get(socketId)?.get(roomId);
    if (!entryId) return {};
    this.forgetWait(socketId, roomId);
    if (await this.state.take(roomId, entryId)) await this.tellHosts(roomId);
    return {};
  }

  /** Who waits (hosts). */
  async list(origin: ModerationOrigin, roomId: string): Promise<LobbySnapshot> {
    await this.rules().host(origin, roomId);
    return { roomId, entries: (await this.state.lobby(roomId)).map(entryOf) };
  }

  /** Admits or turns away a waiter; of two hosts deciding at once, one decides, the other hears `not_found`. */
  async decide(
    origin: ModerationOrigin,
    roomId: string,
    entryId: string,
    admit: boolean,
  ): Promise<object> {
    const host = await this.rules().host(origin, roomId);
    const record = await this.state.take(roomId, entryId);
    if (!record) {
      throw new AppError(
        ErrorCode.NotFound,
        'Nobody waits under that entry: another host decided, or the person stopped waiting.',
      );
    }
    if (admit) {
      await this.state.admit(roomId, record.principalId, ADMISSION_TTL_MS);
      this.send().toSocket(record.socketId, 'lobby_admitted', { roomId, entryId });
    } else {
      this.send().toSocket(record.socketId, 'lobby_denied', {
        roomId,
        entryId,
        message: 'A host did not let you in.',
      });
    }
    await this.tellHosts(roomId);
    this.events.emit('moderation.action', {
      roomId,
      action: admit ? 'admit' : 'deny',
      actorPrincipalId: host.principalId,
      apiKeyId: host.apiKeyId,
      targetParticipantId: null,
      targetPrincipalId: record.principalId,
    });
    return {};
  }

  private async tellHosts(roomId: string): Promise<void> {
    const [records, waiting] = await Promise.all([
      this.calls.participants(roomId),
      this.state.lobby(roomId),
    ]);
    const snapshot: LobbySnapshot = { roomId, entries: waiting.map(entryOf) };
    for (const r of records) {
      if (atLeast(r.info.role, 'moderator') && r.info.connection === 'connected') {
        this.send().toSocket(r.socketId, 'lobby_updated', snapshot);
      }
    }
  }

  private socketGone(socketId: string): void {
    const mine = this.waits.get(socketId);
    if (!mine) return;
    this.waits.delete(socketId);
    for (const [roomId, entryId] of mine) {
      void this.state
        .take(roomId, entryId)
        .then((taken) => (taken ? this.tellHosts(roomId) : undefined))
        .catch((err: unknown) => this.logger.warn({ err, roomId }, 'ending a lobby wait failed'));
    }
  }

  private forgetWait(socketId: string, roomId: string): void {
    const mine = this.waits.get(socketId);
    mine?.delete(roomId);
    if (mine?.size === 0) this.waits.delete(socketId);
  }

  private rules(): LobbyChecks {
    if (!this.checks) throw new Error('LobbyService used before ModerationService registered.');
    return this.checks;
  }

  private send(): RealtimeTransport {
    if (!this.transport) throw new Error('LobbyService used before the gateway attached it.');
    return this.transport;
  }
}

function entryOf(record: LobbyRecord): LobbyEntry {
  const { socketId: _socket, ...entry } = record;
  return entry;
}
