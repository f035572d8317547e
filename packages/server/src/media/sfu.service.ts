import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import {
  ErrorCode,
  type SfuConnectTransportPayload,
  type SfuConsumerPayload,
  type SfuCreateTransportPayload,
  type SfuMediaKind,
  type SfuProducePayload,
  type SfuProduceResult,
  type SfuProducerPayload,
  type SfuRestartIcePayload,
  type SfuRestartIceResult,
  type SfuRtpCapabilities,
  type SfuSetCapabilitiesPayload,
  type SfuSetPreferredLayersPayload,
  type SfuTransportInfo,
  type MuteSource,
  type ParticipantPermissions,
  type TrackSource,
} from '@minimeet/protocol';
import type { Logger } from 'pino';
import { AppError } from '../common/app-error.js';
import { EventBus } from '../common/event-bus.js';
import { ROOT_LOGGER } from '../common/logger.js';
import type { RealtimeClient, RealtimeTransport, ServerPayload } from '../common/realtime.js';
import type { ServerEventName } from '@minimeet/protocol';
import { CallService } from '../calls/call.service.js';
import { CallTopology } from '../calls/call-topology.js';
import { assertMayPublishSource, mayPublish } from '../calls/call-permissions.js';
import type { ParticipantRecord } from '../calls/call-state.js';
import { MEDIA_SERVER, type MediaEvent, type MediaServer } from './media-server.js';

interface PeerState {
  /** The socket the participant is on now (it changes with a resume). */
  socketId: string;
  /** What its Device can receive; null until `sfu_set_capabilities`. */
  rtpCapabilities: SfuRtpCapabilities | null;
  /** Whether it may receive (its grants at the time of its requests). */
  canSubscribe: boolean;
}

interface ProducerEntry {
  peerId: string;
  kind: SfuMediaKind;
  source: TrackSource;
  spatialLayers: number;
  /** The last `sfu_producer_layers_wanted` sent (the top layer until anything was sent). */
  wanted: number | null;
}

interface ConsumerEntry {
  peerId: string;
  producerId: string;
  /** Paused by its receiver (created paused; resumed once its track is wired). */
  paused: boolean;
  /** The highest spatial layer its receiver wants. */
  preferredSpatial: number;
}

interface RoomState {
  peers: Map<string, PeerState>;
  producers: Map<string, ProducerEntry>;
  consumers: Map<string, ConsumerEntry>;
}

/**
 * The SFU side of calls: who may create which transport and produce what (by the participant's
 * grants, in its own current call only), which consumers each participant gets (every other
 * participant's producers, once its capabilities and receive transport exist), what it hears of
 * them, and dynacast (the highest layer anybody watches, told to the publisher). The media itself
 * lives behind the {@link MediaServer} port; the ownership tree there closes with its parents, and
 * this service mirrors it to route events. Leaving, a grace period that runs out, a removal and a
 * room deletion all arrive as `call.left`; the call's last leave closes the room's router.
 */
@Injectable()
export class SfuService implements OnApplicationShutdown {
  private transport: RealtimeTransport | null = null;
  private readonly rooms = new Map<string, RoomState>();
  private readonly unsubscribe: Array<() => void>;

  constructor(
    @Inject(MEDIA_SERVER) private readonly media: MediaServer,
    @Inject(CallService) private readonly calls: CallService,
    @Inject(CallTopology) private readonly topology: CallTopology,
    @Inject(EventBus) events: EventBus,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {
    this.unsubscribe = [
      media.onEvent((event) => this.mediaEvent(event)),
      events.on('call.left', ({ roomId, participantId }) => this.left(roomId, participantId)),
      events.on('call.resumed', ({ roomId, participantId, socketId }) => {
        const peer = this.rooms.get(roomId)?.peers.get(participantId);
        if (peer) peer.socketId = socketId;
      }),
      events.on('room.deleted', ({ roomId }) => this.closeRoom(roomId)),
      events.on('moderation.muted', ({ roomId, participantId, sources }) =>
        this.hostMuted(roomId, participantId, sources),
      ),
      events.on('call.permissions_changed', ({ roomId, participantId, permissions }) =>
        this.permissionsChanged(roomId, participantId, permissions),
      ),
    ];
  }

  /** Connects the service to the sockets. */
  attach(transport: RealtimeTransport): void {
    this.transport = transport;
  }

  /** `sfu_set_capabilities`. */
  async setCapabilities(client: RealtimeClient, p: SfuSetCapabilitiesPayload): Promise<object> {
    const record = await this.caller(client, p.roomId, true);
    const peer = this.peer(record, client);
    peer.rtpCapabilities = p.rtpCapabilities;
    if (this.media.hasRecvTransport(p.roomId, record.info.id)) {
      client.afterReply(() => void this.consumeAll(p.roomId, record.info.id));
    }
    return {};
  }

  /** `sfu_create_transport`. */
  async createTransport(
    client: RealtimeClient,
    p: SfuCreateTransportPayload,
  ): Promise<SfuTransportInfo> {
    const record = await this.caller(client, p.roomId, true);
    const { canPublish, canSubscribe } = record.info.permissions;
    if (p.direction === 'send' && !canPublish) {
      throw new AppError(ErrorCode.Forbidden, 'You may not publish media in this room.');
    }
    if (p.direction === 'recv' && !canSubscribe) {
      throw new AppError(ErrorCode.Forbidden, "You may not receive others' media in this room.");
    }
    const peer = this.peer(record, client);
    const info = await this.media.createTransport(p.roomId, record.info.id, p.direction);
    if (p.direction === 'recv' && peer.rtpCapabilities) {
      client.afterReply(() => void this.consumeAll(p.roomId, record.info.id));
    }
    return info;
  }

  /** `sfu_connect_transport`. */
  async connectTransport(client: RealtimeClient, p: SfuConnectTransportPayload): Promise<object> {
    const record = await this.caller(client, p.roomId, false);
    await this.media.connectTransport(p.roomId, record.info.id, p.transportId, p.dtlsParameters);
    return {};
  }

  /** `sfu_restart_ice`. */
  async restartIce(client: RealtimeClient, p: SfuRestartIcePayload): Promise<SfuRestartIceResult> {
    const record = await this.caller(client, p.roomId, false);
    return { iceParameters: await this.media.restartIce(p.roomId, record.info.id, p.transportId) };
  }

  /** `sfu_produce`: one producer per source; every other participant gets a consumer of it. */
  async produce(client: RealtimeClient, p: SfuProducePayload): Promise<SfuProduceResult> {
    const record = await this.caller(client, p.roomId, true);
    assertMayPublishSource(record.info.permissions, p.source);
    const peerId = record.info.id;
    const state = this.state(p.roomId);
    this.peer(record, client);
    for (const entry of state.producers.values()) {
      if (entry.peerId === peerId && entry.source === p.source) {
        throw new AppError(
          ErrorCode.Conflict,
          `You already publish a ${p.source} track; close that producer first.`,
        );
      }
    }
    const producerId = await this.media.produce(p.roomId, peerId, {
      transportId: p.transportId,
      kind: p.kind,
      rtpParameters: p.rtpParameters,
      paused: p.paused ?? false,
    });
    const spatialLayers =
      p.kind === 'video' ? Math.max(1, p.rtpParameters.encodings?.length ?? 1) : 1;
    state.producers.set(producerId, {
      peerId,
      kind: p.kind,
      source: p.source,
      spatialLayers,
      wanted: spatialLayers - 1,
    });
    client.afterReply(() => {
      for (const [otherId, other] of state.peers) {
        if (otherId !== peerId && other.rtpCapabilities) {
          void this.consume(p.roomId, otherId, producerId);
        }
      }
    });
    return { producerId };
  }

  /** `sfu_close_producer`: its consumers close on every side (they hear `sfu_consumer_closed`). */
  async closeProducer(client: RealtimeClient, p: SfuProducerPayload): Promise<object> {
    const record = await this.caller(client, p.roomId, false);
    this.media.closeProducer(p.roomId, record.info.id, p.producerId);
    this.rooms.get(p.roomId)?.producers.delete(p.producerId);
    return {};
  }

  /** `sfu_pause_producer` / `sfu_resume_producer`. */
  async setProducerPaused(
    client: RealtimeClient,
    p: SfuProducerPayload,
    paused: boolean,
  ): Promise<object> {
    const record = await this.caller(client, p.roomId, false);
    const producer = this.rooms.get(p.roomId)?.producers.get(p.producerId);
    // A host's mute paused it on the server; resuming it is the participant's own decision,
    // as long as it may still publish that source (docs/moderation.md).
    if (!paused && producer?.peerId === record.info.id) {
      assertMayPublishSource(record.info.permissions, producer.source);
    }
    await this.media.setProducerPaused(p.roomId, record.info.id, p.producerId, paused);
    return {};
  }

  /** `sfu_pause_consumer` / `sfu_resume_consumer`: dynacast counts only unpaused consumers. */
  async setConsumerPaused(
    client: RealtimeClient,
    p: SfuConsumerPayload,
    paused: boolean,
  ): Promise<object> {
    const record = await this.caller(client, p.roomId, false);
    await this.media.setConsumerPaused(p.roomId, record.info.id, p.consumerId, paused);
    const entry = this.rooms.get(p.roomId)?.consumers.get(p.consumerId);
    if (entry) {
      entry.paused = paused;
      this.dynacast(p.roomId, entry.producerId);
    }
    return {};
  }

  /** `sfu_set_preferred_layers`. */
  async setPreferredLayers(
    client: RealtimeClient,
    p: SfuSetPreferredLayersPayload,
  ): Promise<object> {
    const record = await this.caller(client, p.roomId, false);
    await this.media.setPreferredLayers(
      p.roomId,
      record.info.id,
      p.consumerId,
      p.spatialLayer,
      p.temporalLayer,
    );
    const state = this.rooms.get(p.roomId);
    const entry = state?.consumers.get(p.consumerId);
    if (entry) {
      const layers = state!.producers.get(entry.producerId)?.spatialLayers ?? 1;
      entry.preferredSpatial = Math.min(p.spatialLayer, layers - 1);
      this.dynacast(p.roomId, entry.producerId);
    }
    return {};
  }

  onApplicationShutdown(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /**
   * The caller's participant in its own current call; with `needsSfu`, the call must run on the
   * SFU now (`conflict` on mesh), so that a client of an `auto` call waits for the switch.
   */
  private async caller(
    client: RealtimeClient,
    roomId: string,
    needsSfu: boolean,
  ): Promise<ParticipantRecord> {
    const record = await this.calls.participantOf(client.socketId, roomId);
    if (needsSfu && this.topology.liveOf(roomId, record.room.topology) !== 'sfu') {
      throw new AppError(
        ErrorCode.Conflict,
        `The call of room ${roomId} runs on mesh now; SFU requests wait for call_topology_changed.`,
      );
    }
    return record;
  }

  private state(roomId: string): RoomState {
    let state = this.rooms.get(roomId);
    if (!state) {
      state = { peers: new Map(), producers: new Map(), consumers: new Map() };
      this.rooms.set(roomId, state);
    }
    return state;
  }

  private peer(record: ParticipantRecord, client: RealtimeClient): PeerState {
    const state = this.state(record.roomId);
    let peer = state.peers.get(record.info.id);
    if (!peer) {
      peer = { socketId: client.socketId, rtpCapabilities: null, canSubscribe: true };
      state.peers.set(record.info.id, peer);
    }
    peer.socketId = client.socketId;
    peer.canSubscribe = record.info.permissions.canSubscribe;
    return peer;
  }

  /** Consumers of every other participant's producers for one participant. */
  private async consumeAll(roomId: string, peerId: string): Promise<void> {
    const state = this.rooms.get(roomId);
    if (!state) return;
    const have = new Set(
      [...state.consumers.values()].filter((c) => c.peerId === peerId).map((c) => c.producerId),
    );
    for (const [producerId, producer] of state.producers) {
      if (producer.peerId !== peerId && !have.has(producerId)) {
        await this.consume(roomId, peerId, producerId);
      }
    }
  }

  /** One consumer of a producer for a participant; it hears `sfu_new_consumer`. */
  private async consume(roomId: string, peerId: string, producerId: string): Promise<void> {
    const state = this.rooms.get(roomId);
    const peer = state?.peers.get(peerId);
    const producer = state?.producers.get(producerId);
    if (!state || !peer?.rtpCapabilities || !peer.canSubscribe || !producer) return;
    try {
      const info = await this.media.consume(roomId, peerId, producerId, peer.rtpCapabilities);
      if (!info) return;
      state.consumers.set(info.consumerId, {
        peerId,
        producerId,
        paused: true,
        preferredSpatial: info.spatialLayers - 1,
      });
      this.send(peer.socketId, 'sfu_new_consumer', {
        roomId,
        consumerId: info.consumerId,
        producerId,
        participantId: producer.peerId,
        kind: producer.kind,
        source: producer.source,
        rtpParameters: info.rtpParameters,
        producerPaused: info.producerPaused,
      });
    } catch (err) {
      this.logger.warn({ err, roomId, peerId, producerId }, 'creating a consumer failed');
    }
  }

  /**
   * A host muted sources of a participant: its producers of them are paused here, whatever its
   * client does, and their consumers hear `sfu_consumer_paused`.
   */
  private async hostMuted(
    roomId: string,
    participantId: string,
    sources: readonly MuteSource[],
  ): Promise<void> {
    const hit = (source: TrackSource) =>
      (sources as readonly string[]).includes(source) ||
      (source === 'screen_share_audio' && sources.includes('screen_share'));
    for (const [producerId, producer] of this.rooms.get(roomId)?.producers ?? []) {
      if (producer.peerId !== participantId || !hit(producer.source)) continue;
      await this.media
        .setProducerPaused(roomId, participantId, producerId, true)
        .catch((err: unknown) =>
          this.logger.warn({ err, roomId, producerId }, 'pausing a muted producer failed'),
        );
    }
  }

  /**
   * A participant's permissions changed: producers of sources it may no longer publish close (it
   * hears `sfu_producer_closed`, the others `sfu_consumer_closed`), and without `canSubscribe` its
   * consumers close (it hears `sfu_consumer_closed`).
   */
  private permissionsChanged(
    roomId: string,
    participantId: string,
    permissions: ParticipantPermissions,
  ): void {
    const state = this.rooms.get(roomId);
    const peer = state?.peers.get(participantId);
    if (!state || !peer) return;
    peer.canSubscribe = permissions.canSubscribe;
    for (const [producerId, producer] of state.producers) {
      if (producer.peerId !== participantId || mayPublish(permissions, producer.source)) continue;
      state.producers.delete(producerId);
      this.closeQuietly(() => this.media.closeProducer(roomId, participantId, producerId));
      this.send(peer.socketId, 'sfu_producer_closed', { roomId, producerId });
    }
    if (permissions.canSubscribe) return;
    const touched = new Set<string>();
    for (const [consumerId, consumer] of state.consumers) {
      if (consumer.peerId !== participantId) continue;
      state.consumers.delete(consumerId);
      touched.add(consumer.producerId);
      this.closeQuietly(() => this.media.closeConsumer(roomId, participantId, consumerId));
      this.send(peer.socketId, 'sfu_consumer_closed', { roomId, consumerId });
    }
    for (const producerId of touched) this.dynacast(roomId, producerId);
  }

  /** Closes a media object that may already be gone with its parent. */
  private closeQuietly(close: () => void): void {
    try {
      close();
    } catch (err) {
      if (!(err instanceof AppError && err.code === ErrorCode.NotFound)) throw err;
    }
  }

  /** Tells a publisher the highest layer anybody watches of a producer, when that changed. */
  private dynacast(roomId: string, producerId: string): void {
    const state = this.rooms.get(roomId);
    const producer = state?.producers.get(producerId);
    if (!state || !producer || producer.spatialLayers < 2) return;
    let wanted: number | null = null;
    for (const c of state.consumers.values()) {
      if (c.producerId !== producerId || c.paused) continue;
      wanted = Math.max(wanted ?? 0, c.preferredSpatial);
    }
    if (wanted === producer.wanted) return;
    producer.wanted = wanted;
    const owner = state.peers.get(producer.peerId);
    if (owner) {
      this.send(owner.socketId, 'sfu_producer_layers_wanted', {
        roomId,
        producerId,
        maxSpatialLayer: wanted,
      });
    }
  }

  private mediaEvent(event: MediaEvent): void {
    const state = this.rooms.get(event.roomId);
    if (event.type === 'room_reset') {
      if (!state) return;
      state.producers.clear();
      state.consumers.clear();
      for (const peer of state.peers.values()) {
        peer.rtpCapabilities = null;
        this.send(peer.socketId, 'sfu_transports_reset', {
          roomId: event.roomId,
          routerRtpCapabilities: event.routerRtpCapabilities,
        });
      }
      return;
    }
    const peer = state?.peers.get(event.peerId);
    if (!state || !peer) return;
    const ids = { roomId: event.roomId, consumerId: event.consumerId };
    switch (event.type) {
      case 'consumer_closed': {
        const entry = state.consumers.get(event.consumerId);
        state.consumers.delete(event.consumerId);
        this.send(peer.socketId, 'sfu_consumer_closed', ids);
        if (entry) this.dynacast(event.roomId, entry.producerId);
        return;
      }
      case 'consumer_paused':
        return this.send(peer.socketId, 'sfu_consumer_paused', ids);
      case 'consumer_resumed':
        return this.send(peer.socketId, 'sfu_consumer_resumed', ids);
      case 'consumer_layers_changed':
        return this.send(peer.socketId, 'sfu_consumer_layers_changed', {
          ...ids,
          spatialLayer: event.spatialLayer,
          temporalLayer: event.temporalLayer,
        });
    }
  }

  /** A participant left the call for good: its media closes; the last one closes the router. */
  private async left(roomId: string, participantId: string): Promise<void> {
    this.media.closePeer(roomId, participantId);
    const state = this.rooms.get(roomId);
    if (state) {
      state.peers.delete(participantId);
      for (const [id, p] of state.producers)
        if (p.peerId === participantId) state.producers.delete(id);
      const touched = new Set<string>();
      for (const [id, c] of state.consumers) {
        if (c.peerId === participantId) {
          state.consumers.delete(id);
          touched.add(c.producerId);
        }
      }
      for (const producerId of touched) this.dynacast(roomId, producerId);
    }
    if (await this.calls.isEmpty(roomId)) this.closeRoom(roomId);
  }

  private closeRoom(roomId: string): void {
    this.rooms.delete(roomId);
    this.media.closeRoom(roomId);
  }

  private send<E extends ServerEventName>(
    socketId: string,
    event: E,
    payload: ServerPayload<E>,
  ): void {
    this.transport?.toSocket(socketId, event, payload);
  }
}
