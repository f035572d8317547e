import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import {
  ErrorCode,
  type MuteSource,
  type ParticipantPermissions,
  type ServerEventName,
  type SfuMediaKind,
  type SfuRtpCapabilities,
  type TrackSource,
} from '@minimeet/protocol';
import {
  sfuConnectTransportPayloadSchema,
  sfuConsumerPayloadSchema,
  sfuCreateTransportPayloadSchema,
  sfuProducePayloadSchema,
  sfuProducerPayloadSchema,
  sfuRestartIcePayloadSchema,
  sfuSetCapabilitiesPayloadSchema,
  sfuSetPreferredLayersPayloadSchema,
} from '@minimeet/protocol/schemas';
import type { Logger } from 'pino';
import type { ZodType } from 'zod';
import { AppError } from '../common/app-error.js';
import { ROOT_LOGGER } from '../common/logger.js';
import type { RealtimeTransport, ServerPayload } from '../common/realtime.js';
import { CallService } from '../calls/call.service.js';
import { assertMayPublishSource, mayPublish } from '../calls/call-permissions.js';
import { MEDIA_SERVER, type MediaEvent, type MediaServer } from './media-server.js';
import {
  SFU_RELAY,
  type SfuAnswer,
  type SfuCaller,
  type SfuFollowUp,
  type SfuMessage,
  type SfuRelay,
  type SfuRequestName,
} from './sfu-relay.js';

interface PeerState {
  /** The socket the participant is on now (it changes with a resume; it may live on another node). */
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

/** What a request answers, and what runs once the answer has reached the client. */
interface Outcome {
  result: object;
  followUp?: SfuFollowUp;
}

type RequestRunner = (caller: SfuCaller, payload: never) => Promise<Outcome>;

/**
 * The rooms whose router is on this node: which consumers each participant gets (every other
 * participant's producers, once its capabilities and receive transport exist), what it hears of
 * them, dynacast (the highest layer anybody watches, told to the publisher), and moderation
 * enforced on the media (a host's mute pauses producers; a taken grant closes them). It serves the
 * {@link SfuRelay}: requests arrive already checked by the node that holds the caller's socket
 * ({@link SfuService}), from this node or another; events go straight to the caller's socket,
 * wherever it lives. The media itself is behind the {@link MediaServer} port; its ownership tree
 * closes with its parents, and this mirrors it to route events.
 */
@Injectable()
export class SfuRooms implements OnApplicationShutdown {
  private transport: RealtimeTransport | null = null;
  private readonly rooms = new Map<string, RoomState>();
  private readonly unsubscribe: () => void;
  private readonly requests: Record<SfuRequestName, { schema: ZodType; run: RequestRunner }>;

  constructor(
    @Inject(MEDIA_SERVER) private readonly media: MediaServer,
    @Inject(SFU_RELAY) private readonly relay: SfuRelay,
    @Inject(CallService) private readonly calls: CallService,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {
    this.unsubscribe = media.onEvent((event) => this.mediaEvent(event));
    const run = <T>(schema: ZodType<T>, fn: (caller: SfuCaller, p: T) => Promise<Outcome>) => ({
      schema,
      run: fn as RequestRunner,
    });
    this.requests = {
      sfu_set_capabilities: run(sfuSetCapabilitiesPayloadSchema, (c, p) =>
        this.setCapabilities(c, p.rtpCapabilities),
      ),
      sfu_create_transport: run(sfuCreateTransportPayloadSchema, (c, p) =>
        this.createTransport(c, p.direction),
      ),
      sfu_connect_transport: run(sfuConnectTransportPayloadSchema, async (c, p) => {
        await this.media.connectTransport(c.roomId, c.peerId, p.transportId, p.dtlsParameters);
        return { result: {} };
      }),
      sfu_restart_ice: run(sfuRestartIcePayloadSchema, async (c, p) => ({
        result: { iceParameters: await this.media.restartIce(c.roomId, c.peerId, p.transportId) },
      })),
      sfu_produce: run(sfuProducePayloadSchema, (c, p) => this.produce(c, p)),
      sfu_close_producer: run(sfuProducerPayloadSchema, (c, p) => {
        this.media.closeProducer(c.roomId, c.peerId, p.producerId);
        this.rooms.get(c.roomId)?.producers.delete(p.producerId);
        return Promise.resolve({ result: {} });
      }),
      sfu_pause_producer: run(sfuProducerPayloadSchema, (c, p) =>
        this.setProducerPaused(c, p.producerId, true),
      ),
      sfu_resume_producer: run(sfuProducerPayloadSchema, (c, p) =>
        this.setProducerPaused(c, p.producerId, false),
      ),
      sfu_pause_consumer: run(sfuConsumerPayloadSchema, (c, p) =>
        this.setConsumerPaused(c, p.consumerId, true),
      ),
      sfu_resume_consumer: run(sfuConsumerPayloadSchema, (c, p) =>
        this.setConsumerPaused(c, p.consumerId, false),
      ),
      sfu_request_key_frame: run(sfuConsumerPayloadSchema, async (c, p) => {
        this.peer(c);
        await this.media.requestKeyFrame(c.roomId, c.peerId, p.consumerId);
        return { result: {} };
      }),
      sfu_set_preferred_layers: run(sfuSetPreferredLayersPayloadSchema, (c, p) =>
        this.setPreferredLayers(c, p.consumerId, p.spatialLayer, p.temporalLayer),
      ),
    };
    relay.serve((message) => this.handle(message));
  }

  /** Connects the rooms to the sockets. */
  attach(transport: RealtimeTransport): void {
    this.transport = transport;
  }

  /** Serves one message of the relay; an `AppError` becomes an `ok: false` answer. */
  async handle(message: SfuMessage): Promise<SfuAnswer> {
    try {
      const outcome = await this.dispatch(message);
      return outcome.followUp
        ? { ok: true, result: outcome.result, followUp: outcome.followUp }
        : { ok: true, result: outcome.result };
    } catch (err) {
      if (err instanceof AppError) {
        return { ok: false, error: { code: err.code, message: err.message } };
      }
      this.logger.error({ err, op: message.op }, 'an SFU request failed');
      return {
        ok: false,
        error: { code: ErrorCode.InternalError, message: 'The media server failed.' },
      };
    }
  }

  /**
   * This node took over rooms whose router node stopped: each gets a router here, and everyone in
   * its call is told to set up its media again (`sfu_transports_reset`).
   */
  async rehome(roomIds: string[]): Promise<void> {
    for (const roomId of roomIds) {
      this.rooms.delete(roomId);
      try {
        const routerRtpCapabilities = await this.media.routerCapabilities(roomId);
        for (const record of await this.calls.participants(roomId)) {
          if (record.info.connection !== 'connected') continue;
          this.send(record.socketId, 'sfu_transports_reset', { roomId, routerRtpCapabilities });
        }
        this.logger.info({ roomId }, 'an SFU room moved to this node');
      } catch (err) {
        this.logger.error({ err, roomId }, 'an SFU room could not be re-created on this node');
      }
    }
  }

  onApplicationShutdown(): void {
    this.unsubscribe();
  }

  private async dispatch(message: SfuMessage): Promise<Outcome> {
    switch (message.op) {
      case 'request': {
        const entry = this.requests[message.name];
        const parsed = entry.schema.safeParse(message.payload);
        if (!parsed.success) throw AppError.fromZod(parsed.error, 'Payload');
        return entry.run(message.caller, parsed.data as never);
      }
      case 'router_capabilities':
        return {
          result: { routerRtpCapabilities: await this.media.routerCapabilities(message.roomId) },
        };
      case 'follow_up':
        if (message.followUp.kind === 'consume_all') {
          await this.consumeAll(message.roomId, message.followUp.peerId);
        } else {
          await this.consumeNew(message.roomId, message.followUp.producerId);
        }
        return { result: {} };
      case 'muted':
        await this.hostMuted(message.roomId, message.participantId, message.sources);
        return { result: {} };
      case 'permissions':
        this.permissionsChanged(message.roomId, message.participantId, message.permissions);
        return { result: {} };
      case 'resumed': {
        const peer = this.rooms.get(message.roomId)?.peers.get(message.participantId);
        if (peer) peer.socketId = message.socketId;
        return { result: {} };
      }
      case 'left':
        await this.left(message.roomId, message.participantId);
        return { result: {} };
      case 'close_room':
        await this.closeRoom(message.roomId);
        return { result: {} };
    }
  }

  private setCapabilities(
    caller: SfuCaller,
    rtpCapabilities: SfuRtpCapabilities,
  ): Promise<Outcome> {
    this.peer(caller).rtpCapabilities = rtpCapabilities;
    if (!this.media.hasRecvTransport(caller.roomId, caller.peerId)) {
      return Promise.resolve({ result: {} });
    }
    return Promise.resolve({
      result: {},
      followUp: { kind: 'consume_all', peerId: caller.peerId },
    });
  }

  private async createTransport(caller: SfuCaller, direction: 'send' | 'recv'): Promise<Outcome> {
    const peer = this.peer(caller);
    const info = await this.media.createTransport(caller.roomId, caller.peerId, direction);
    if (direction === 'recv' && peer.rtpCapabilities) {
      return { result: info, followUp: { kind: 'consume_all', peerId: caller.peerId } };
    }
    return { result: info };
  }

  /** One producer per source; every other participant gets a consumer of it after the answer. */
  private async produce(
    caller: SfuCaller,
    p: {
      transportId: string;
      kind: SfuMediaKind;
      source: TrackSource;
      rtpParameters: { encodings?: unknown[] } & object;
      paused?: boolean;
    },
  ): Promise<Outcome> {
    assertMayPublishSource(caller.permissions, p.source);
    const { roomId, peerId } = caller;
    const state = this.state(roomId);
    this.peer(caller);
    for (const entry of state.producers.values()) {
      if (entry.peerId === peerId && entry.source === p.source) {
        throw new AppError(
          ErrorCode.Conflict,
          `You already publish a ${p.source} track; close that producer first.`,
        );
      }
    }
    const producerId = await this.media.produce(roomId, peerId, {
      transportId: p.transportId,
      kind: p.kind,
      rtpParameters: p.rtpParameters as never,
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
    return { result: { producerId }, followUp: { kind: 'consume_producer', producerId } };
  }

  private async setProducerPaused(
    caller: SfuCaller,
    producerId: string,
    paused: boolean,
  ): Promise<Outcome> {
    this.peer(caller);
    const producer = this.rooms.get(caller.roomId)?.producers.get(producerId);
    // A host's mute paused it on the server; resuming it is the participant's own decision,
    // as long as it may still publish that source (docs/moderation.md).
    if (!paused && producer?.peerId === caller.peerId) {
      assertMayPublishSource(caller.permissions, producer.source);
    }
    await this.media.setProducerPaused(caller.roomId, caller.peerId, producerId, paused);
    return { result: {} };
  }

  /** Dynacast counts only unpaused consumers. */
  private async setConsumerPaused(
    caller: SfuCaller,
    consumerId: string,
    paused: boolean,
  ): Promise<Outcome> {
    this.peer(caller);
    await this.media.setConsumerPaused(caller.roomId, caller.peerId, consumerId, paused);
    const entry = this.rooms.get(caller.roomId)?.consumers.get(consumerId);
    if (entry) {
      entry.paused = paused;
      this.dynacast(caller.roomId, entry.producerId);
    }
    return { result: {} };
  }

  private async setPreferredLayers(
    caller: SfuCaller,
    consumerId: string,
    spatialLayer: number,
    temporalLayer: number | undefined,
  ): Promise<Outcome> {
    this.peer(caller);
    await this.media.setPreferredLayers(
      caller.roomId,
      caller.peerId,
      consumerId,
      spatialLayer,
      temporalLayer,
    );
    const state = this.rooms.get(caller.roomId);
    const entry = state?.consumers.get(consumerId);
    if (entry) {
      const layers = state!.producers.get(entry.producerId)?.spatialLayers ?? 1;
      entry.preferredSpatial = Math.min(spatialLayer, layers - 1);
      // A paused consumer's preference changes nothing dynacast counts; a new consumer's comes
      // just before its resume, and switching the publisher's layers off in between would cost
      // everyone a key frame.
      if (!entry.paused) this.dynacast(caller.roomId, entry.producerId);
    }
    return { result: {} };
  }

  private state(roomId: string): RoomState {
    let state = this.rooms.get(roomId);
    if (!state) {
      state = { peers: new Map(), producers: new Map(), consumers: new Map() };
      this.rooms.set(roomId, state);
    }
    return state;
  }

  private peer(caller: SfuCaller): PeerState {
    const state = this.state(caller.roomId);
    let peer = state.peers.get(caller.peerId);
    if (!peer) {
      peer = { socketId: caller.socketId, rtpCapabilities: null, canSubscribe: true };
      state.peers.set(caller.peerId, peer);
    }
    peer.socketId = caller.socketId;
    peer.canSubscribe = caller.permissions.canSubscribe;
    return peer;
  }

  /** Consumers of a new producer for every other participant that can receive. */
  private async consumeNew(roomId: string, producerId: string): Promise<void> {
    const state = this.rooms.get(roomId);
    const producer = state?.producers.get(producerId);
    if (!state || !producer) return;
    for (const [otherId, other] of state.peers) {
      if (otherId !== producer.peerId && other.rtpCapabilities) {
        await this.consume(roomId, otherId, producerId);
      }
    }
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
    if (await this.calls.isEmpty(roomId)) await this.closeRoom(roomId);
  }

  private async closeRoom(roomId: string): Promise<void> {
    this.rooms.delete(roomId);
    this.media.closeRoom(roomId);
    await this.relay.release(roomId);
  }

  private send<E extends ServerEventName>(
    socketId: string,
    event: E,
    payload: ServerPayload<E>,
  ): void {
    this.transport?.toSocket(socketId, event, payload);
  }
}
