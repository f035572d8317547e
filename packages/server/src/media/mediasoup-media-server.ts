import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import {
  ErrorCode,
  type SfuDtlsParameters,
  type SfuIceCandidate,
  type SfuIceParameters,
  type SfuMediaKind,
  type SfuRtpCapabilities,
  type SfuTransportDirection,
  type SfuTransportInfo,
} from '@minimeet/protocol';
import type * as MediasoupModule from 'mediasoup';
import type { types as ms } from 'mediasoup';
import type { Logger } from 'pino';
import { AppError } from '../common/app-error.js';
import type { SfuConfig } from '../config/config.js';
import type {
  ConsumerInfo,
  MediaEvent,
  MediaRoomDump,
  MediaServer,
  MediaStatus,
  ProduceRequest,
  ProducerDump,
} from './media-server.js';

type Mediasoup = typeof MediasoupModule;

// mediasoup is CommonJS and reads its worker's path when its Worker module loads; loading it
// through require lets this adapter set the path from the configuration instead of the environment.
const require = createRequire(import.meta.url);

/** The codecs every room's router offers: Opus, VP8 (simulcast), VP9 and H.264 baseline. */
const MEDIA_CODECS: ms.RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  {
    kind: 'video',
    mimeType: 'video/VP8',
    clockRate: 90000,
    parameters: { 'x-google-start-bitrate': 1000 },
  },
  { kind: 'video', mimeType: 'video/VP9', clockRate: 90000, parameters: { 'profile-id': 2 } },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: {
      'packetization-mode': 1,
      'profile-level-id': '42e01f',
      'level-asymmetry-allowed': 1,
    },
  },
];

interface WorkerSlot {
  index: number;
  worker: ms.Worker;
  webRtcServer: ms.WebRtcServer | null;
  rooms: Set<string>;
}

interface Peer {
  transports: Map<string, { transport: ms.WebRtcTransport; direction: SfuTransportDirection }>;
  producers: Map<string, ms.Producer>;
  consumers: Map<string, ms.Consumer>;
}

interface MediaRoom {
  router: ms.Router;
  slot: WorkerSlot;
  peers: Map<string, Peer>;
}

const notFound = (what: string, id: string): AppError =>
  new AppError(ErrorCode.NotFound, `You have no ${what} ${id} in this call.`);

/**
 * The media server on mediasoup, in this process: one worker per core (or `SFU_WORKERS`), started
 * on first use; a router per room on the least-loaded worker; WebRTC transports on a WebRtcServer
 * per worker (one UDP and one TCP port each) or on a port range. A worker that dies is replaced;
 * its rooms get new routers and their peers are told (`room_reset`) to set up their media again.
 */
export class MediasoupMediaServer implements MediaServer {
  private mediasoup: Mediasoup | null = null;
  private slots: WorkerSlot[] = [];
  private starting: Promise<void> | null = null;
  private readonly rooms = new Map<string, MediaRoom>();
  private readonly opening = new Map<string, Promise<MediaRoom>>();
  private readonly listeners = new Set<(event: MediaEvent) => void>();
  private failure: string | null = null;
  private closed = false;

  constructor(
    private readonly config: SfuConfig,
    private readonly workerBin: string,
    private readonly logger: Logger,
  ) {}

  status(): MediaStatus {
    if (this.failure) return { available: false, reason: this.failure };
    return {
      available: true,
      workers: this.slots.map((s) => ({ pid: s.worker.pid, rooms: s.rooms.size })),
    };
  }

  async routerCapabilities(roomId: string): Promise<SfuRtpCapabilities> {
    return (await this.open(roomId)).router.rtpCapabilities;
  }

  hasRoom(roomId: string): boolean {
    return this.rooms.has(roomId);
  }

  async createTransport(
    roomId: string,
    peerId: string,
    direction: SfuTransportDirection,
  ): Promise<SfuTransportInfo> {
    const room = await this.open(roomId);
    const { listenIp, announcedAddress, maxIncomingBitrate } = this.config;
    const base = {
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: 1_000_000,
      appData: { peerId, direction },
    };
    const transport = room.slot.webRtcServer
      ? await room.router.createWebRtcTransport({ ...base, webRtcServer: room.slot.webRtcServer })
      : await room.router.createWebRtcTransport({
          ...base,
          listenIps: [
            { ip: listenIp, ...(announcedAddress ? { announcedIp: announcedAddress } : {}) },
          ],
        });
    // The room may have been closed (everyone left) while the transport was being created.
    if (this.rooms.get(roomId) !== room) {
      transport.close();
      throw new AppError(ErrorCode.NotInRoom, `The call of room ${roomId} ended.`);
    }
    if (direction === 'send') await transport.setMaxIncomingBitrate(maxIncomingBitrate);
    const peer = this.peer(room, peerId, true);
    peer.transports.set(transport.id, { transport, direction });
    transport.observer.once('close', () => peer.transports.delete(transport.id));
    return {
      transportId: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates.map(candidateOf),
      dtlsParameters: transport.dtlsParameters,
    };
  }

  transportDirection(
    roomId: string,
    peerId: string,
    transportId: string,
  ): SfuTransportDirection | null {
    return this.findPeer(roomId, peerId)?.transports.get(transportId)?.direction ?? null;
  }

  hasRecvTransport(roomId: string, peerId: string): boolean {
    const peer = this.findPeer(roomId, peerId);
    return [...(peer?.transports.values() ?? [])].some((t) => t.direction === 'recv');
  }

  async connectTransport(
    roomId: string,
    peerId: string,
    transportId: string,
    dtls: SfuDtlsParameters,
  ): Promise<void> {
    const { transport } = this.transport(roomId, peerId, transportId);
    try {
      await transport.connect({ dtlsParameters: dtls });
    } catch (err) {
      throw mediaRefusal(err, 'The transport could not be connected');
    }
  }

  async restartIce(roomId: string, peerId: string, transportId: string): Promise<SfuIceParameters> {
    const { transport } = this.transport(roomId, peerId, transportId);
    return await transport.restartIce();
  }

  async produce(roomId: string, peerId: string, request: ProduceRequest): Promise<string> {
    const { transport, direction } = this.transport(roomId, peerId, request.transportId);
    if (direction !== 'send') {
      throw new AppError(ErrorCode.Conflict, 'Media can only be produced on a send transport.');
    }
    let producer: ms.Producer;
    try {
      producer = await transport.produce({
        kind: request.kind,
        rtpParameters: request.rtpParameters,
        paused: request.paused,
      });
    } catch (err) {
      throw mediaRefusal(err, 'The producer could not be created');
    }
    const peer = this.findPeer(roomId, peerId);
    if (!peer || transport.closed) {
      producer.close();
      throw notFound('transport', request.transportId);
    }
    peer.producers.set(producer.id, producer);
    producer.observer.once('close', () => peer.producers.delete(producer.id));
    return producer.id;
  }

  closeProducer(roomId: string, peerId: string, producerId: string): void {
    this.producer(roomId, peerId, producerId).close();
  }

  async setProducerPaused(
    roomId: string,
    peerId: string,
    producerId: string,
    paused: boolean,
  ): Promise<void> {
    const producer = this.producer(roomId, peerId, producerId);
    if (paused) await producer.pause();
    else await producer.resume();
  }

  async consume(
    roomId: string,
    peerId: string,
    producerId: string,
    rtpCapabilities: SfuRtpCapabilities,
  ): Promise<ConsumerInfo | null> {
    const room = this.rooms.get(roomId);
    const peer = room?.peers.get(peerId);
    const recv = [...(peer?.transports.values() ?? [])].find((t) => t.direction === 'recv');
    if (!room || !peer || !recv) return null;
    const caps = rtpCapabilities;
    if (!room.router.canConsume({ producerId, rtpCapabilities: caps })) return null;
    let consumer: ms.Consumer;
    try {
      consumer = await recv.transport.consume({ producerId, rtpCapabilities: caps, paused: true });
    } catch (err) {
      // The producer closed meanwhile: nothing to receive.
      this.logger.debug({ err, roomId, producerId }, 'a consumer could not be created');
      return null;
    }
    // Audio first: when the downlink is short, mediasoup gives the rest to video by priority.
    if (consumer.kind === 'audio') await consumer.setPriority(255).catch(() => undefined);
    peer.consumers.set(consumer.id, consumer);
    const emit = (event: MediaEvent) => this.emit(event);
    const ids = { roomId, peerId, consumerId: consumer.id };
    consumer.observer.once('close', () => peer.consumers.delete(consumer.id));
    consumer.on('producerclose', () => {
      peer.consumers.delete(consumer.id);
      emit({ type: 'consumer_closed', ...ids });
    });
    consumer.on('producerpause', () => emit({ type: 'consumer_paused', ...ids }));
    consumer.on('producerresume', () => emit({ type: 'consumer_resumed', ...ids }));
    consumer.on('layerschange', (layers) =>
      emit({
        type: 'consumer_layers_changed',
        ...ids,
        spatialLayer: layers?.spatialLayer ?? null,
        temporalLayer: layers?.temporalLayer ?? null,
      }),
    );
    return {
      consumerId: consumer.id,
      rtpParameters: consumer.rtpParameters,
      producerPaused: consumer.producerPaused,
      spatialLayers: spatialLayersOf(this.mediasoup!, consumer),
    };
  }

  closeConsumer(roomId: string, peerId: string, consumerId: string): void {
    this.consumer(roomId, peerId, consumerId).close();
  }

  async producerDump(
    roomId: string,
    peerId: string,
    producerId: string,
  ): Promise<ProducerDump | null> {
    const producer = this.findPeer(roomId, peerId)?.producers.get(producerId);
    if (!producer) return null;
    const dump = (await producer.dump()) as { kind: SfuMediaKind; paused: boolean };
    return { kind: dump.kind, paused: dump.paused };
  }

  async setConsumerPaused(
    roomId: string,
    peerId: string,
    consumerId: string,
    paused: boolean,
  ): Promise<void> {
    const consumer = this.consumer(roomId, peerId, consumerId);
    if (paused) await consumer.pause();
    else await consumer.resume();
  }

  async requestKeyFrame(roomId: string, peerId: string, consumerId: string): Promise<void> {
    const consumer = this.consumer(roomId, peerId, consumerId);
    if (consumer.kind === 'video') await consumer.requestKeyFrame();
  }

  async setPreferredLayers(
    roomId: string,
    peerId: string,
    consumerId: string,
    spatialLayer: number,
    temporalLayer?: number,
  ): Promise<void> {
    const consumer = this.consumer(roomId, peerId, consumerId);
    if (consumer.type === 'simple' || consumer.type === 'pipe') return;
    await consumer.setPreferredLayers({
      spatialLayer,
      ...(temporalLayer !== undefined ? { temporalLayer } : {}),
    });
  }

  closePeer(roomId: string, peerId: string): void {
    const room = this.rooms.get(roomId);
    const peer = room?.peers.get(peerId);
    if (!room || !peer) return;
    room.peers.delete(peerId);
    for (const { transport } of peer.transports.values()) transport.close();
  }

  closeRoom(roomId: string): void {
    const room = this.rooms.get(roomId);
    if (!room) return;
    this.rooms.delete(roomId);
    room.slot.rooms.delete(roomId);
    room.router.close();
  }

  async dump(roomId: string): Promise<MediaRoomDump | null> {
    const room = this.rooms.get(roomId);
    if (!room) return null;
    const dump = (await room.router.dump()) as { transportIds?: string[] };
    return {
      routerId: room.router.id,
      routerTransportIds: dump.transportIds ?? [],
      peers: Object.fromEntries(
        [...room.peers].map(([id, p]) => [
          id,
          {
            transports: p.transports.size,
            producers: p.producers.size,
            consumers: p.consumers.size,
          },
        ]),
      ),
    };
  }

  onEvent(listener: (event: MediaEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.starting?.catch(() => undefined);
    for (const slot of this.slots.splice(0)) slot.worker.close();
    this.rooms.clear();
  }

  /** Starts the workers once; a failure makes the server unavailable (and says so once). */
  private start(): Promise<void> {
    this.starting ??= (async () => {
      const mediasoup = require('mediasoup') as Mediasoup;
      (require('mediasoup/node/lib/Worker.js') as { workerBin: string }).workerBin = this.workerBin;
      this.mediasoup = mediasoup;
      const count = this.config.workers ?? availableParallelism();
      for (let i = 0; i < count; i++) this.slots.push(await this.spawn(i));
      this.logger.info(
        { workers: this.slots.map((s) => s.worker.pid), bin: this.workerBin },
        'SFU workers started',
      );
    })().catch((err: unknown) => {
      for (const slot of this.slots.splice(0)) slot.worker.close();
      this.failure = `the mediasoup workers did not start: ${err instanceof Error ? err.message : String(err)}`;
      this.logger.error({ err }, `SFU unavailable: ${this.failure}`);
      throw unavailable(this.failure);
    });
    return this.starting;
  }

  private async spawn(index: number): Promise<WorkerSlot> {
    const { rtcMinPort, rtcMaxPort, webRtcServerPort, listenIp, announcedAddress } = this.config;
    const worker = await this.mediasoup!.createWorker({
      logLevel: 'warn',
      rtcMinPort,
      rtcMaxPort,
    });
    let webRtcServer: ms.WebRtcServer | null = null;
    if (webRtcServerPort !== null) {
      const info = { ip: listenIp, port: webRtcServerPort + index };
      const announced = announcedAddress ? { announcedIp: announcedAddress } : {};
      webRtcServer = await worker.createWebRtcServer({
        listenInfos: [
          { protocol: 'udp', ...info, ...announced },
          { protocol: 'tcp', ...info, ...announced },
        ],
      });
    }
    const slot: WorkerSlot = { index, worker, webRtcServer, rooms: new Set() };
    worker.on('died', (err) => void this.replace(slot, err));
    return slot;
  }

  /** A worker died: a new one takes its place and its rooms get new routers. */
  private async replace(dead: WorkerSlot, err: Error): Promise<void> {
    if (this.closed) return;
    this.logger.error({ err, pid: dead.worker.pid }, 'a mediasoup worker died; replacing it');
    const at = this.slots.indexOf(dead);
    if (at >= 0) this.slots.splice(at, 1);
    try {
      this.slots.push(await this.spawn(dead.index));
    } catch (spawnErr) {
      this.logger.error({ err: spawnErr }, 'a replacement mediasoup worker did not start');
    }
    // The dead worker's routers have closed (and left its room set): look the rooms up by worker.
    const lost = [...this.rooms].filter(([, room]) => room.slot === dead).map(([id]) => id);
    for (const roomId of lost) {
      this.rooms.delete(roomId);
      try {
        const fresh = await this.open(roomId);
        this.emit({
          type: 'room_reset',
          roomId,
          routerRtpCapabilities: fresh.router.rtpCapabilities,
        });
      } catch (openErr) {
        this.logger.error(
          { err: openErr, roomId },
          'a room could not be re-created after its worker died',
        );
      }
    }
  }

  /** The room's router, opened on the least-loaded worker when it has none. */
  private async open(roomId: string): Promise<MediaRoom> {
    const existing = this.rooms.get(roomId);
    if (existing) return existing;
    let pending = this.opening.get(roomId);
    if (!pending) {
      pending = (async () => {
        await this.start();
        if (this.slots.length === 0) throw unavailable('no mediasoup worker is running');
        const slot = this.slots.reduce((a, b) => (b.rooms.size < a.rooms.size ? b : a));
        const router = await slot.worker.createRouter({ mediaCodecs: MEDIA_CODECS });
        const room: MediaRoom = { router, slot, peers: new Map() };
        slot.rooms.add(roomId);
        router.observer.once('close', () => slot.rooms.delete(roomId));
        this.rooms.set(roomId, room);
        return room;
      })().finally(() => this.opening.delete(roomId));
      this.opening.set(roomId, pending);
    }
    return pending;
  }

  private peer(room: MediaRoom, peerId: string, create: true): Peer {
    let peer = room.peers.get(peerId);
    if (!peer && create) {
      peer = { transports: new Map(), producers: new Map(), consumers: new Map() };
      room.peers.set(peerId, peer);
    }
    return peer!;
  }

  private findPeer(roomId: string, peerId: string): Peer | undefined {
    return this.rooms.get(roomId)?.peers.get(peerId);
  }

  private transport(
    roomId: string,
    peerId: string,
    transportId: string,
  ): { transport: ms.WebRtcTransport; direction: SfuTransportDirection } {
    const entry = this.findPeer(roomId, peerId)?.transports.get(transportId);
    if (!entry) throw notFound('transport', transportId);
    return entry;
  }

  private producer(roomId: string, peerId: string, producerId: string): ms.Producer {
    const producer = this.findPeer(roomId, peerId)?.producers.get(producerId);
    if (!producer) throw notFound('producer', producerId);
    return producer;
  }

  private consumer(roomId: string, peerId: string, consumerId: string): ms.Consumer {
    const consumer = this.findPeer(roomId, peerId)?.consumers.get(consumerId);
    if (!consumer) throw notFound('consumer', consumerId);
    return consumer;
  }

  private emit(event: MediaEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.logger.error({ err, event: event.type }, 'a media event listener failed');
      }
    }
  }
}

function unavailable(reason: string): AppError {
  return new AppError(
    ErrorCode.SfuUnavailable,
    `The SFU is not available on this server: ${reason}.`,
  );
}

/** A failure mediasoup reports about what the client sent (bad RTP or DTLS parameters). */
function mediaRefusal(err: unknown, what: string): AppError {
  const detail = err instanceof Error ? err.message.slice(0, 200) : String(err);
  return new AppError(ErrorCode.ValidationFailed, `${what}: ${detail}`);
}

function candidateOf(c: ms.IceCandidate): SfuIceCandidate {
  return {
    foundation: c.foundation,
    priority: c.priority,
    address: c.ip,
    ip: c.ip,
    protocol: c.protocol,
    port: c.port,
    type: 'host',
    ...(c.tcpType ? { tcpType: c.tcpType } : {}),
  };
}

/** How many spatial layers a consumer can choose from. */
function spatialLayersOf(mediasoup: Mediasoup, consumer: ms.Consumer): number {
  const mode = consumer.rtpParameters.encodings?.[0]?.scalabilityMode;
  return mode ? mediasoup.parseScalabilityMode(mode).spatialLayers : 1;
}
