import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  Inject,
  Injectable,
  type OnApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import {
  ErrorCode,
  type JoinRoomPayload,
  type JoinRoomResult,
  type MuteSource,
  type ParticipantPermissions,
  type Principal,
  type RoomRole,
  type SignalCandidatePayload,
  type MediaMovedPayload,
  type SignalDescriptionPayload,
  type UpdateMediaStatePayload,
} from '@minimeet/protocol';
import type { Logger } from 'pino';
import { AppError } from '../common/app-error.js';
import { EventBus } from '../common/event-bus.js';
import { ROOT_LOGGER } from '../common/logger.js';
import type { RealtimeClient } from '../common/realtime.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { RoomAccessService } from '../rooms/room-access.service.js';
import { CallAnnouncer } from './call-announcer.js';
import { CallBindings, notInRoom } from './call-bindings.js';
import type { CallGate } from './call-gate.js';
import { CallGrace } from './call-grace.js';
import { assertMayPublish, mayPublish } from './call-permissions.js';
import { CallTopology } from './call-topology.js';
import { CALL_STATE, type CallState, type ParticipantRecord } from './call-state.js';
import type { CallTransport } from './call-transport.js';
import { GRACE_STORE, type GraceStore, type RelayedSignal } from './grace-store.js';
import { IceServers } from './ice-servers.js';
import { NODE_REGISTRY, type NodeRegistry } from './node-registry.js';

/** The connection a call request arrives on, as the gateway describes it to the service. */
export type CallClient = RealtimeClient;

/** How a socket went away, as far as its calls are concerned. */
export type SocketGone =
  /** The client disconnected on purpose: its participants leave at once. */
  | 'goodbye'
  /** The transport dropped: its participants wait out the reconnect grace period. */
  | 'dropped'
  /** The server ended the session (revoked key, expired token): its participants are removed. */
  | 'removed'
  /** The server is shutting down: nothing is announced. */
  | 'shutdown';

// How long one resume may hold its claim (and keep the participant from expiring) at most.
const RESUME_CLAIM_MS = 10_000;
// How long a node that shuts down spends putting its participants into grace for the others.
const HANDOVER_MS = 3_000;

/**
 * The live side of rooms: who is in which room's call, joining (with capacity), resuming within
 * the reconnect grace period, leaving, relaying WebRTC signalling between participants of one
 * room, and media state. The gateway calls it; it reaches sockets only through a
 * {@link CallTransport} and announces what happened on the {@link EventBus}.
 *
 * With several nodes, everything a request on another node may need lives behind the ports
 * (call state, grace periods, node registry); only the binding of this node's own sockets to
 * their participants is local, and it is checked against the shared state before it is trusted,
 * since another node may have removed the participant or resumed it on another socket.
 */
@Injectable()
export class CallService implements OnModuleInit, OnModuleDestroy, OnApplicationShutdown {
  private transport: CallTransport | null = null;
  /** Moderation's check of every join (bars, lock, lobby), once registered. */
  private gate: CallGate | null = null;
  /** This node's sockets and the participant each one is in each room. */
  private readonly bindings: CallBindings;
  private readonly announce: CallAnnouncer;
  private readonly grace: CallGrace;
  /** Counts room deletions and member removals, so a join can tell whether one happened while it waited. */
  private revocations = 0;
  private readonly unsubscribe: Array<() => void>;
  private closing = false;
  /** Whether other nodes share the state (then local bindings and counters may be stale). */
  private readonly shared: boolean;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CALL_STATE) private readonly state: CallState,
    @Inject(GRACE_STORE) private readonly graces: GraceStore,
    @Inject(NODE_REGISTRY) private readonly nodes: NodeRegistry,
    @Inject(RoomAccessService) private readonly access: RoomAccessService,
    @Inject(IceServers) private readonly iceServers: IceServers,
    @Inject(EventBus) private readonly events: EventBus,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    @Inject(CallTopology) private readonly topology: CallTopology,
  ) {
    this.shared = config.redis !== null;
    this.bindings = new CallBindings(state, () => this.send());
    this.announce = new CallAnnouncer(() => this.send(), events, graces, logger);
    this.grace = new CallGrace(config, state, graces, this.bindings, this.announce);
    this.unsubscribe = [
      events.on('room.deleted', ({ roomId }) => {
        this.revocations++;
        return this.closeRoom(roomId, 'The room was deleted; the call is over.').then(() => {});
      }),
      events.on('room.member_removed', ({ roomId, userId }) => {
        this.revocations++;
        return this.removeMember(roomId, userId);
      }),
      events.on('room.member_updated', ({ roomId, userId, role }) =>
        this.changeRole(roomId, userId, role),
      ),
    ];
  }

  /** Connects the service to the sockets; the gateway calls it once it has its server. */
  attach(transport: CallTransport): void {
    this.transport = transport;
    this.topology.attach((roomId, except, payload) =>
      transport.toRoom(roomId, except, 'call_topology_changed', payload),
    );
  }

  /** Registers the check every join must pass besides its admission (see {@link CallGate}). */
  admitWith(gate: CallGate): void {
    this.gate = gate;
  }

  /** Starts hearing of ended grace periods and of stopped nodes (before clients may connect). */
  async onModuleInit(): Promise<void> {
    this.graces.watch((roomId, participantId) => {
      void this.grace
        .expire(roomId, participantId)
        .catch((err: unknown) =>
          this.logger.error(
            { err, roomId, participantId },
            'ending a reconnect grace period failed',
          ),
        );
    });
    await this.nodes.watch(
      async (nodeId) => {
        await this.grace.takeOverNode(nodeId);
        this.events.emit('node.down', { nodeId });
      },
      () => this.grace.takeBack(),
    );
  }

  /**
   * A node of several that shuts down puts its participants into their grace period itself, so
   * that they resume on another node as if their connection had dropped; a single node has
   * nobody to hand over to.
   */
  async onModuleDestroy(): Promise<void> {
    if (!this.shared || this.closing) return this.nodes.close(false);
    this.graces.close();
    let timer: NodeJS.Timeout | undefined;
    const handedOver = await Promise.race([
      this.grace.takeOverNode(this.config.nodeId).then(
        () => true,
        (err: unknown) => {
          this.logger.warn({ err }, 'handing the calls of this node over failed');
          return false;
        },
      ),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), HANDOVER_MS))),
    ]);
    clearTimeout(timer);
    await this.nodes.close(handedOver).catch((err: unknown) => {
      this.logger.warn({ err }, 'leaving the node registry failed');
    });
  }

  /** `join_room`: admits the caller to a room's call, or resumes its earlier participant. */
  async join(client: CallClient, payload: JoinRoomPayload): Promise<JoinRoomResult> {
    if (payload.resume) return this.resume(client, payload);
    const started = performance.now();
    try {
      return await this.joinAnew(client, payload, started);
    } catch (err) {
      this.events.emit('call.join_failed', {
        roomId: payload.roomId,
        principalId: client.principal.id,
        principalKind: client.principal.kind,
        reason: err instanceof AppError ? err.code : ErrorCode.InternalError,
        latencyMs: performance.now() - started,
      });
      throw err;
    }
  }

  private async joinAnew(
    client: CallClient,
    payload: JoinRoomPayload,
    started: number,
  ): Promise<JoinRoomResult> {
    if (this.shared) await this.bindings.dropStale(client.socketId);
    this.bindings.assertNotIn(client.socketId, payload.roomId);
    const revocations = this.revocations;
    await this.gate?.check(client.principal, payload.roomId);
    const admission = await this.access.admit(client.principal, payload.roomId, {
      ...(payload.password !== undefined ? { password: payload.password } : {}),
      ...(payload.inviteCode !== undefined ? { inviteCode: payload.inviteCode } : {}),
    });
    const { room } = admission;
    const sfuCapabilities = await this.topology.beforeJoin(room);
    const permissions = this.gate
      ? await this.gate.permissions(client.principal, room.id, admission.permissions)
      : admission.permissions;
    const tracks = payload.tracks ?? [];
    assertMayPublish(permissions, tracks);
    const now = Date.now();
    const record: ParticipantRecord = {
      roomId: room.id,
      room: {
        id: room.id,
        name: room.name,
        capacity: room.capacity,
        // An `auto` call's live topology is settled once the join has its seat (below).
        topology: room.topology === 'sfu' ? 'sfu' : 'mesh',
      },
      socketId: client.socketId,
      nodeId: this.config.nodeId,
      resumeKey: randomBytes(16).toString('base64url'),
      joinedAtMs: now,
      sessionId: `cs_${randomBytes(12).toString('base64url')}`,
      granted: admission.permissions,
      info: {
        id: `pa_${randomBytes(12).toString('base64url')}`,
        principalId: client.principal.id,
        // A user may go by another name in a call; a join token fixes a guest's.
        displayName:
          client.principal.kind === 'user'
            ? (payload.displayName ?? client.principal.displayName)
            : client.principal.displayName,
        avatarUrl: client.principal.avatarUrl,
        role: admission.role,
        permissions,
        joinedAt: new Date(now).toISOString(),
        connection: 'connected',
        tracks,
      },
    };
    const limit = this.topology.limitOf(room);
    const outcome = await this.state.join(record, limit);
    if (!outcome.ok) {
      throw new AppError(
        ErrorCode.RoomFull,
        `The call of room ${room.id} is full: it holds at most ${limit} participants.`,
      );
    }
    record.sessionId = outcome.sessionId;
    const live = await this.topology.afterJoin(room, outcome.others.length + 1, sfuCapabilities);
    record.room = { ...record.room, topology: live.topology };
    // Counted at once, so that a removal racing this join balances it with its `call.left`.
    this.events.emit('call.joined', {
      roomId: room.id,
      participantId: record.info.id,
      principalId: record.info.principalId,
      principalKind: client.principal.kind,
      sessionId: outcome.sessionId,
      sessionStarted: outcome.others.length === 0,
      socketId: client.socketId,
      displayName: record.info.displayName,
      client: payload.client ?? null,
      topology: record.room.topology,
      latencyMs: performance.now() - started,
    });
    // Even when the check itself fails, the seat goes back: nobody may stay in the call unbound.
    const refusal =
      (await this.joinRefusal(client, record, revocations).catch((err: unknown) =>
        err instanceof Error ? err : new Error(String(err)),
      )) ??
      // Checked here, in the same step as the binding below: a racing join of this socket to the
      // room may have bound itself while this one waited.
      this.bindings.conflict(client.socketId, room.id);
    if (refusal) {
      // Someone may have seen it in a racing join's answer: they learn that it is gone.
      const removed = await this.state.remove(room.id, record.info.id);
      if (removed) this.announce.left(removed, 'left');
      throw refusal;
    }
    this.bindings.bind(client.socketId, room.id, record.info.id);
    this.gate?.seated(client.principal, room.id);
    client.afterReply(() => {
      this.send().toRoom(room.id, client.socketId, 'participant_joined', {
        roomId: room.id,
        participant: record.info,
      });
      if (live.switched) this.topology.announce(room.id, live, client.socketId);
    });
    return {
      room: record.room,
      participant: record.info,
      participants: outcome.others.map((o) => o.info),
      iceServers: this.iceServers.forParticipant(record.info.id),
      resumeKey: record.resumeKey,
      reconnectGraceMs: this.config.rooms.reconnectGraceMs,
      resumed: false,
      ...(live.routerRtpCapabilities ? { routerRtpCapabilities: live.routerRtpCapabilities } : {}),
    };
  }

  /**
   * The caller's own participant in a room's call: the one bound to this socket, checked against
   * the shared state. `not_in_room` otherwise. What a client reports about a call is filed under
   * this, never under an id it names.
   */
  async participantOf(socketId: string, roomId: string): Promise<ParticipantRecord> {
    const participantId = this.bindings.require(socketId, roomId);
    return this.bindings.checked(socketId, await this.state.get(roomId, participantId), roomId);
  }

  /** Whether nobody (counting those in their grace period) is in a room's call. */
  async isEmpty(roomId: string): Promise<boolean> {
    return (await this.state.list(roomId)).length === 0;
  }

  /** Rooms with a call and participants in calls, across the deployment (for metrics). */
  counts(): Promise<{ rooms: number; participants: number }> {
    return this.state.counts();
  }

  /** `leave_room`: the caller's participant leaves at once; the others see `participant_left` `left`. */
  async leave(client: CallClient, roomId: string): Promise<object> {
    const participantId = this.bindings.require(client.socketId, roomId);
    this.bindings.unbind(client.socketId, roomId);
    // Resumed on another connection meanwhile: that one stays.
    const record = await this.state.remove(roomId, participantId, { socketId: client.socketId });
    if (record) this.announce.left(record, 'left');
    return {};
  }

  /** `webrtc_offer` / `webrtc_answer`: relays a description to one other participant of the room. */
  relayDescription(
    client: CallClient,
    event: 'webrtc_offer' | 'webrtc_answer',
    payload: SignalDescriptionPayload,
  ): Promise<object> {
    return this.relay(client, payload.roomId, payload.to, {
      event,
      payload: { roomId: payload.roomId, from: '', description: payload.description },
    });
  }

  /** `ice_candidate`: relays a candidate to one other participant of the room. */
  relayCandidate(client: CallClient, payload: SignalCandidatePayload): Promise<object> {
    return this.relay(client, payload.roomId, payload.to, {
      event: 'ice_candidate',
      payload: { roomId: payload.roomId, from: '', candidate: payload.candidate },
    });
  }

  /**
   * `media_moved`: during a move between mesh and SFU, tells one other participant of the room
   * that the caller now plays its media over the new topology (it may stop sending the old way).
   */
  relayMoved(client: CallClient, payload: MediaMovedPayload): Promise<object> {
    return this.relay(client, payload.roomId, payload.to, {
      event: 'media_moved',
      payload: { roomId: payload.roomId, from: '', topology: payload.topology },
    });
  }

  /** `update_media_state`: replaces the caller's tracks and tells the others. */
  async updateMedia(client: CallClient, payload: UpdateMediaStatePayload): Promise<object> {
    const participantId = this.bindings.require(client.socketId, payload.roomId);
    const current = this.bindings.checked(
      client.socketId,
      await this.state.get(payload.roomId, participantId),
      payload.roomId,
    );
    assertMayPublish(current.info.permissions, payload.tracks);
    const updated = await this.state.update(
      payload.roomId,
      participantId,
      { tracks: payload.tracks },
      { socketId: client.socketId },
    );
    if (!updated) throw notInRoom(payload.roomId);
    client.afterReply(() => this.announce.updated(updated, client.socketId));
    return {};
  }

  /**
   * A fresh token on an open connection: a guest's new grants must name the rooms it is in
   * (`forbidden` otherwise, and nothing changes); a changed role or permissions are applied and
   * announced.
   */
  async refreshPrincipal(socketId: string, principal: Principal): Promise<void> {
    if (principal.kind !== 'guest') return;
    if (this.shared) await this.bindings.dropStale(socketId);
    const rooms = this.bindings.roomsOf(socketId);
    if (!rooms) return;
    for (const roomId of rooms.keys()) {
      if (principal.grants.room !== roomId) {
        throw new AppError(
          ErrorCode.Forbidden,
          `The new token admits to room ${principal.grants.room}, but this connection is in the call of room ${roomId}.`,
        );
      }
    }
    const { role, canPublish, canSubscribe, canChat } = principal.grants;
    const granted = { canPublish, canSubscribe, canChat };
    for (const [roomId, participantId] of rooms) {
      const current = await this.state.get(roomId, participantId);
      if (!current || current.socketId !== socketId) continue;
      // What a host took away stays away through a token refresh.
      const permissions = this.gate
        ? await this.gate.permissions(principal, roomId, granted)
        : granted;
      const before = current.info;
      if (before.role === role && samePermissions(before.permissions, permissions)) continue;
      const updated = await this.state.update(
        roomId,
        participantId,
        {
          role,
          permissions,
          granted,
          tracks: before.tracks.filter((t) => mayPublish(permissions, t.source)),
        },
        { socketId },
      );
      if (!updated) continue;
      this.announce.updated(updated, socketId);
      if (!samePermissions(before.permissions, permissions)) {
        this.events.emit('call.permissions_changed', { roomId, participantId, permissions });
      }
    }
  }

  /** A socket closed: its participants leave, are removed, or wait out their grace period. */
  async socketGone(socketId: string, how: SocketGone): Promise<void> {
    const rooms = this.bindings.release(socketId);
    if (!rooms || how === 'shutdown' || this.closing) return;
    for (const [roomId, participantId] of rooms) {
      const record = await this.state.get(roomId, participantId);
      // Resumed on another socket in the meantime: nothing left to do for this one.
      if (!record || record.socketId !== socketId) continue;
      if (how === 'dropped') {
        await this.grace.start(record);
      } else {
        const removed = await this.state.remove(roomId, participantId, { socketId });
        if (removed) this.announce.left(removed, how === 'goodbye' ? 'left' : 'removed');
      }
    }
  }

  /** Stops every grace timer and ignores later socket closes; the server is going away. */
  close(): void {
    this.closing = true;
    for (const off of this.unsubscribe.splice(0)) off();
    this.graces.close();
  }

  onApplicationShutdown(): void {
    this.close();
  }

  /**
   * Why a join that has just taken its seat must give it back, or null: the socket closed, or the
   * room was deleted or the caller removed from it while the join waited for its admission. (A
   * racing join of the same socket is caught by the caller, where it binds.)
   */
  private async joinRefusal(
    client: CallClient,
    record: ParticipantRecord,
    revocations: number,
  ): Promise<AppError | null> {
    const { roomId } = record;
    // Another node may have deleted the room or removed the member without this one hearing of it.
    if (this.shared || this.revocations !== revocations) {
      const stillAllowed = (await this.access.roleOf(client.principal, roomId)) !== null;
      // A removal after the seat was taken has already taken the participant out of the call.
      if (!stillAllowed || !(await this.state.get(roomId, record.info.id))) {
        return new AppError(
          ErrorCode.NotFound,
          `Room ${roomId} was deleted, or you were removed from it, while you were joining.`,
        );
      }
    }
    if (!client.connected()) {
      return new AppError(ErrorCode.Conflict, 'The connection closed during the join.');
    }
    // Checked again with the seat taken: a lock that raced this join has one outcome.
    await this.gate?.check(client.principal, roomId);
    return null;
  }

  private async resume(client: CallClient, payload: JoinRoomPayload): Promise<JoinRoomResult> {
    const { roomId } = payload;
    const { participantId } = payload.resume!;
    const claim = await this.graces.claimResume(roomId, participantId, RESUME_CLAIM_MS);
    if (claim === null) {
      throw new AppError(
        ErrorCode.Conflict,
        `Participant ${participantId} is being resumed on another connection.`,
      );
    }
    try {
      return await this.resumeOnce(client, payload);
    } finally {
      await this.graces.releaseResume(roomId, participantId, claim).catch((err: unknown) => {
        // The claim runs out on its own.
        this.logger.warn({ err, roomId, participantId }, 'releasing a resume claim failed');
      });
    }
  }

  private async resumeOnce(client: CallClient, payload: JoinRoomPayload): Promise<JoinRoomResult> {
    const { roomId } = payload;
    const { participantId, resumeKey } = payload.resume!;
    if (this.shared) await this.bindings.dropStale(client.socketId);
    this.bindings.assertNotIn(client.socketId, roomId);
    const record = await this.state.get(roomId, participantId);
    if (!record) {
      throw new AppError(
        ErrorCode.NotFound,
        `Participant ${participantId} is no longer in the call of room ${roomId} (it left or its grace period ended); join anew.`,
      );
    }
    if (record.info.principalId !== client.principal.id) {
      throw new AppError(
        ErrorCode.NotFound,
        `Participant ${participantId} belongs to someone else; join anew.`,
      );
    }
    if (!sameSecret(record.resumeKey, resumeKey)) {
      throw new AppError(
        ErrorCode.NotFound,
        `The resume key of participant ${participantId} does not match; join anew.`,
      );
    }
    const role = await this.access.roleOf(client.principal, roomId);
    if (role === null) {
      throw new AppError(ErrorCode.Forbidden, `You may no longer be in room ${roomId}.`);
    }
    const tracks = payload.tracks;
    if (tracks) assertMayPublish(record.info.permissions, tracks);
    await this.graces.hold(roomId, participantId, RESUME_CLAIM_MS);
    // From these checks to the binding nothing awaits: a socket that closes meanwhile is seen.
    this.bindings.assertNotIn(client.socketId, roomId);
    if (!client.connected()) {
      throw new AppError(ErrorCode.Conflict, 'The connection closed during the resume.');
    }
    // The old socket may still look open to the server (a half-dead connection, maybe on another
    // node): take over. Its node finds the binding stale when it next uses it.
    if (record.socketId !== client.socketId) {
      if (this.bindings.has(record.socketId, roomId)) this.bindings.unbind(record.socketId, roomId);
      else this.send().exit(record.socketId, roomId);
    }
    this.bindings.bind(client.socketId, roomId, participantId);
    const updated = await this.state.update(roomId, participantId, {
      socketId: client.socketId,
      nodeId: this.config.nodeId,
      connection: 'connected',
      ...(tracks ? { tracks } : {}),
    });
    if (!updated) {
      await this.graces.end(roomId, participantId);
      this.bindings.unbind(client.socketId, roomId);
      throw new AppError(
        ErrorCode.NotFound,
        `Participant ${participantId} left the call of room ${roomId} during the resume; join anew.`,
      );
    }
    const others = (await this.state.list(roomId)).filter((p) => p.info.id !== participantId);
    const queued = await this.graces.end(roomId, participantId);
    if (record.info.connection !== 'connected') this.announce.resumed(updated);
    client.afterReply(() => {
      for (const signal of queued) this.announce.deliver(client.socketId, signal);
      if (record.info.connection !== 'connected' || tracks) {
        this.announce.updated(updated, client.socketId);
      }
    });
    const topology = await this.topology.liveOf(roomId, updated.room.topology);
    return {
      room: { ...updated.room, topology },
      participant: updated.info,
      participants: others.map((o) => o.info),
      iceServers: this.iceServers.forParticipant(participantId),
      resumeKey: updated.resumeKey,
      reconnectGraceMs: this.config.rooms.reconnectGraceMs,
      resumed: true,
      ...(topology === 'sfu'
        ? { routerRtpCapabilities: await this.topology.routerCapabilities(roomId) }
        : {}),
    };
  }

  private async relay(
    client: CallClient,
    roomId: string,
    to: string,
    signal: RelayedSignal,
  ): Promise<object> {
    const from = this.bindings.require(client.socketId, roomId);
    let target: ParticipantRecord | null = null;
    if (to !== from && this.shared) {
      const [sender, addressee] = await Promise.all([
        this.state.get(roomId, from),
        this.state.get(roomId, to),
      ]);
      this.bindings.checked(client.socketId, sender, roomId);
      target = addressee;
    } else if (to !== from) {
      target = await this.state.get(roomId, to);
    }
    if (!target) {
      throw new AppError(
        ErrorCode.ParticipantNotFound,
        `Participant ${to} is not in the call of room ${roomId}.`,
      );
    }
    // The sender is named by the server, never by the client.
    signal.payload.from = from;
    if (target.info.connection === 'reconnecting') {
      await this.graces.enqueue(roomId, to, signal);
    } else {
      this.announce.deliver(target.socketId, signal);
    }
    this.events.emit('call.signal_relayed', { roomId, kind: signal.event });
    return {};
  }

  private async closeRoom(roomId: string, message: string): Promise<ParticipantRecord[]> {
    const records = await this.state.removeRoom(roomId);
    for (const record of records) {
      this.announce.forget(record);
      if (record.info.connection === 'connected') {
        this.send().toSocket(record.socketId, 'room_closed', {
          roomId,
          reason: 'room_closed',
          message,
        });
      }
      this.bindings.unbind(record.socketId, roomId);
      this.announce.emitLeft(record, 'room_closed');
    }
    return records;
  }

  /** A member's new role applies at once to its participants in the room's call. */
  private async changeRole(roomId: string, userId: string, role: RoomRole): Promise<void> {
    for (const record of await this.state.list(roomId)) {
      if (record.info.principalId !== userId || record.info.role === role) continue;
      const updated = await this.state.update(roomId, record.info.id, { role });
      if (updated) this.announce.updated(updated, null);
    }
  }

  private async removeMember(roomId: string, userId: string): Promise<void> {
    for (const record of await this.state.list(roomId)) {
      if (record.info.principalId !== userId) continue;
      await this.eject(roomId, record.info.id, 'You were removed from the room.');
    }
  }

  // ---- Seams for moderation (moderation/ calls these; calls/ never imports moderation) ----

  /** Everyone in a room's call now, in join order (those in their grace period too). */
  participants(roomId: string): Promise<ParticipantRecord[]> {
    return this.state.list(roomId);
  }

  /**
   * Removes a participant from the call, connected or within its grace period (it cannot resume):
   * it gets `room_closed` (`removed`) with `message`, the others `participant_left` (`removed`).
   * Returns it, or null when it was already gone.
   */
  async eject(
    roomId: string,
    participantId: string,
    message: string,
  ): Promise<ParticipantRecord | null> {
    const removed = await this.state.remove(roomId, participantId);
    if (!removed) return null;
    this.announce.forget(removed);
    if (removed.info.connection === 'connected') {
      this.send().toSocket(removed.socketId, 'room_closed', { roomId, reason: 'removed', message });
    }
    if (this.bindings.has(removed.socketId, roomId)) this.bindings.unbind(removed.socketId, roomId);
    else this.send().exit(removed.socketId, roomId);
    this.announce.left(removed, 'removed');
    return removed;
  }

  /** Ends a room's call for everyone: each gets `room_closed` with `message`. Returns who was there. */
  endCall(roomId: string, message: string): Promise<ParticipantRecord[]> {
    return this.closeRoom(roomId, message);
  }

  /**
   * Applies new permissions to a participant at once: tracks of sources it may no longer publish
   * are taken off what the others see, and the room hears `participant_updated`.
   */
  async setPermissions(
    roomId: string,
    participantId: string,
    permissions: ParticipantPermissions,
  ): Promise<ParticipantRecord | null> {
    const current = await this.state.get(roomId, participantId);
    if (!current) return null;
    const tracks = current.info.tracks.filter((t) => mayPublish(permissions, t.source));
    const updated = await this.state.update(roomId, participantId, { permissions, tracks });
    if (!updated) return null;
    this.announce.updated(updated, null);
    this.events.emit('call.permissions_changed', { roomId, participantId, permissions });
    return updated;
  }

  /**
   * Marks a participant's tracks of some sources muted (a host's mute), and tells the room.
   * Returns the participant and how many tracks changed, or null when it is gone.
   */
  async markMuted(
    roomId: string,
    participantId: string,
    sources: readonly MuteSource[],
  ): Promise<{ record: ParticipantRecord; changed: number } | null> {
    const current = await this.state.get(roomId, participantId);
    if (!current) return null;
    const muteScreen = sources.includes('screen_share');
    let changed = 0;
    const tracks = current.info.tracks.map((t) => {
      const hit =
        (sources as readonly string[]).includes(t.source) ||
        (muteScreen && t.source === 'screen_share_audio');
      if (!hit || t.muted) return t;
      changed++;
      return { ...t, muted: true };
    });
    if (changed === 0) return { record: current, changed };
    // Compare-and-set on the socket: a resume in between keeps what it brought.
    const updated = await this.state.update(
      roomId,
      participantId,
      { tracks },
      { socketId: current.socketId },
    );
    if (!updated) return { record: current, changed: 0 };
    this.announce.updated(updated, null);
    return { record: updated, changed };
  }

  private send(): CallTransport {
    if (!this.transport) throw new Error('CallService used before the gateway attached it.');
    return this.transport;
  }
}

function samePermissions(a: ParticipantPermissions, b: ParticipantPermissions): boolean {
  return (
    a.canPublish === b.canPublish &&
    a.canSubscribe === b.canSubscribe &&
    a.canChat === b.canChat &&
    a.canPublishAudio === b.canPublishAudio &&
    a.canPublishVideo === b.canPublishVideo &&
    a.canShareScreen === b.canShareScreen
  );
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
