import { ErrorCode, type SfuTransportDirection, type TrackSource } from '@minimeet/protocol';
import { Device, type types } from 'mediasoup-client';
import type { PeerStats } from '../stats/StatsSampler.js';
import type { LocalTrack } from '../track/LocalTrack.js';
import { cameraEncodings } from './layers.js';
import type {
  MediaSignal,
  MediaTransport,
  MediaTransportEvents,
  MediaTransportOptions,
  TopologyInfo,
  TransportPeer,
} from './MediaTransport.js';
import { sfuPeerStats, type SentStats } from './sfu-stats.js';
import { SfuReceiver } from './SfuReceiver.js';
import { SerialQueue } from '../utils/SerialQueue.js';

/**
 * A shared screen: one layer at full resolution and a low frame rate, since text must stay sharp
 * and slides rarely move.
 */
export const SCREEN_ENCODINGS: readonly types.RtpEncodingParameters[] = [
  { maxBitrate: 2_500_000, maxFramerate: 8, scalabilityMode: 'L1T3' },
];

// Audio goes first when the uplink is short: the encoder and the network treat it as urgent.
const AUDIO_ENCODINGS: readonly types.RtpEncodingParameters[] = [
  { priority: 'high', networkPriority: 'high' },
];

// How long an ICE connection may stay disconnected before the transport restarts ICE itself.
const RESTART_AFTER_MS_FLOOR = 1_000;

interface ProducerEntry {
  producer: types.Producer;
  /** The published track it was produced for: a producer belongs to one track. */
  track: LocalTrack;
}

/**
 * The SFU: one send and one receive transport to the server's mediasoup router (through
 * mediasoup-client), a producer per published source (the camera in three simulcast layers) and
 * a consumer per track of the others ({@link SfuReceiver}). The server says which layers of this
 * side's camera anyone watches, and the others are not sent (dynacast).
 *
 * This module and mediasoup-client load only when a call runs on the SFU.
 */
export class SfuTransport implements MediaTransport {
  private readonly queue = new SerialQueue();
  private readonly tracks = new Map<TrackSource, LocalTrack>();
  private readonly producers = new Map<TrackSource, ProducerEntry>();
  // Producers closed here that the server may still hold (the request to close them failed):
  // the server takes one producer per source, so these go before anything is produced.
  private readonly unclosed = new Set<string>();
  private readonly receiver: SfuReceiver;
  private readonly stops: (() => void)[];
  private device: types.Device | undefined;
  private sendTransport: types.Transport | undefined;
  private recvTransport: types.Transport | undefined;
  private restartTimers = new Map<types.Transport, ReturnType<typeof setTimeout>>();
  private capabilities: unknown;
  private setupTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  /** Creates the transport and starts setting up the session with the router of `topology`. */
  constructor(
    private readonly options: MediaTransportOptions,
    private readonly signal: MediaSignal,
    events: MediaTransportEvents,
    topology: TopologyInfo,
  ) {
    this.receiver = new SfuReceiver(options, signal, events);
    const mine = (e: { roomId: string }) => e.roomId === options.roomId && !this.closed;
    this.stops = [
      signal.subscribe('sfu_new_consumer', (e) => {
        if (!mine(e)) return;
        this.receiver.announce(e);
        // The receive transport is read at its turn: a set-up ahead in the queue may replace it.
        void this.queue
          .run(() => this.receiver.consume(this.recvTransport, e))
          .catch(() => undefined);
      }),
      signal.subscribe('sfu_consumer_closed', (e) => {
        if (mine(e)) this.receiver.handleConsumerClosed(e.consumerId);
      }),
      signal.subscribe('sfu_consumer_paused', (e) => {
        if (mine(e)) this.receiver.handleConsumerPaused(e.consumerId);
      }),
      signal.subscribe('sfu_consumer_resumed', (e) => {
        if (mine(e)) this.receiver.handleConsumerResumed(e.consumerId);
      }),
      signal.subscribe('sfu_consumer_layers_changed', (e) => {
        if (mine(e)) this.receiver.handleLayersChanged(e);
      }),
      signal.subscribe('sfu_producer_layers_wanted', (e) => {
        if (mine(e)) void this.limitLayers(e.producerId, e.maxSpatialLayer);
      }),
      signal.subscribe('sfu_producer_closed', (e) => {
        if (!mine(e)) return;
        for (const [source, { producer }] of this.producers) {
          if (producer.id !== e.producerId) continue;
          producer.close();
          this.producers.delete(source);
        }
      }),
      signal.subscribe('sfu_transports_reset', (e) => {
        if (mine(e)) this.reset(e.routerRtpCapabilities);
      }),
    ];
    this.reset(topology.routerRtpCapabilities);
  }

  /** The SFU sends every participant what it publishes; nothing to set up per peer. */
  setPeer(_peer: TransportPeer): void {}

  /** Consumers of a participant that left close at the server's word (`sfu_consumer_closed`). */
  removePeer(id: string): void {
    this.receiver.removePeer(id);
  }

  /**
   * Produces a newly published track, in place of the producer of another track of its source
   * (closed here and at the server first).
   */
  publish(track: LocalTrack): void {
    this.tracks.set(track.source, track);
    void this.queue.run(() => this.sync(track.source)).catch(() => undefined);
  }

  /** Closes the producer of an unpublished track, here and at the server. */
  unpublish(track: LocalTrack): void {
    // A late word about a track already replaced must not take its successor down.
    if (this.tracks.get(track.source) !== track) return;
    this.tracks.delete(track.source);
    void this.queue.run(() => this.sync(track.source)).catch(() => undefined);
  }

  /**
   * Sends the track's current `mediaStreamTrack`; without one (a device switched off) the
   * producer pauses, here and at the server, so that the others' consumers pause too.
   */
  replaceTrack(track: LocalTrack): Promise<void> {
    return this.queue.run(async () => {
      const entry = this.producers.get(track.source);
      const media = track.mediaStreamTrack;
      if (entry?.track !== track) {
        // Not produced yet (no media until now, or a produce that failed): produce it now.
        await this.sync(track.source);
        return;
      }
      const { producer } = entry;
      const roomId = this.options.roomId;
      if (media) {
        prepareTrack(track.source, media);
        await producer.replaceTrack({ track: media });
        if (producer.paused) {
          producer.resume();
          await this.signal.request('sfu_resume_producer', { roomId, producerId: producer.id });
        }
      } else if (!producer.paused) {
        producer.pause();
        await this.signal.request('sfu_pause_producer', { roomId, producerId: producer.id });
      }
    });
  }

  /**
   * Restarts ICE on both transports (the server gives new ICE credentials): after a drop, the
   * paths the media took may be gone; and asks again for what a drop may have swallowed (a
   * consumer's resume or layer, a producer, the close of one). Once the receive transport is
   * connected again, it asks for a key frame of every video it shows.
   */
  recover(_topology?: TopologyInfo): void {
    for (const transport of [this.sendTransport, this.recvTransport]) {
      if (transport) void this.restartIce(transport);
    }
    // What a drop swallowed (a resume, a layer, a produce, a close) is asked for again.
    this.receiver.recover();
    const sources = new Set([...this.tracks.keys(), ...this.producers.keys()]);
    const behind = [...sources].some((s) => this.producers.get(s)?.track !== this.tracks.get(s));
    if (behind || this.unclosed.size > 0) {
      void this.queue
        .run(async () => {
          await this.closeAtServer();
          for (const source of sources) await this.sync(source);
        })
        .catch(() => undefined);
    }
  }

  /** Nothing waits for another participant in the SFU. */
  resendPending(_id: string): void {}

  /**
   * Per remote participant, the stats of its consumers; and what this side sends, which goes once
   * to the server for everyone, as its own uplink (see {@link sfuPeerStats}).
   */
  async getStats(): Promise<PeerStats[]> {
    const received = await this.receiver.getStats();
    const sent: SentStats[] = [];
    for (const [source, { producer }] of this.producers) {
      if (producer.closed) continue;
      const report = await producer.getStats().catch(() => undefined);
      if (report) sent.push({ source, mid: producer.rtpParameters.mid, report });
    }
    return sfuPeerStats(received, sent);
  }

  /** Closes both transports (and so every producer and consumer). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.setupTimer);
    for (const stop of this.stops.splice(0)) stop();
    this.dropSession();
    this.receiver.close();
    this.tracks.clear();
  }

  private async setUp(routerRtpCapabilities: unknown): Promise<void> {
    if (this.closed) return;
    this.capabilities = routerRtpCapabilities;
    const device = new Device();
    await device.load({ routerRtpCapabilities: routerRtpCapabilities as types.RtpCapabilities });
    if (this.closed) return;
    this.device = device;
    // The receive transport must be there before the server may send its first consumer.
    if (this.options.canSubscribe) this.recvTransport = await this.createTransport('recv');
    await this.signal.request('sfu_set_capabilities', {
      roomId: this.options.roomId,
      rtpCapabilities: device.rtpCapabilities,
    });
    for (const track of this.tracks.values()) await this.produce(track);
  }

  // Brings the producer of `source` in line with the track published for it now: a producer of
  // another track (or of none) closes, here and at the server; a published track with media and
  // no producer is produced. Runs in the queue, so a quick unpublish and publish end right.
  private async sync(source: TrackSource): Promise<void> {
    const track = this.tracks.get(source);
    const entry = this.producers.get(source);
    if (entry && entry.track !== track) await this.closeProducer(source, entry.producer);
    if (track) await this.produce(track);
  }

  private async closeProducer(source: TrackSource, producer: types.Producer): Promise<void> {
    if (this.producers.get(source)?.producer === producer) this.producers.delete(source);
    producer.close();
    this.unclosed.add(producer.id);
    await this.closeAtServer();
  }

  // Has the server close the producers closed here; a failed request leaves the rest for the next
  // produce or recover().
  private async closeAtServer(): Promise<void> {
    for (const producerId of [...this.unclosed]) {
      try {
        await this.signal.request('sfu_close_producer', {
          roomId: this.options.roomId,
          producerId,
        });
      } catch (error) {
        if ((error as { code?: unknown }).code !== ErrorCode.NotFound) throw error;
      }
      this.unclosed.delete(producerId);
    }
  }

  private async createTransport(direction: SfuTransportDirection): Promise<types.Transport> {
    const device = this.device;
    if (!device) throw new Error('The device is not loaded.');
    const roomId = this.options.roomId;
    const info = await this.signal.request('sfu_create_transport', { roomId, direction });
    const options: types.TransportOptions = {
      id: info.transportId,
      iceParameters: info.iceParameters,
      iceCandidates: info.iceCandidates,
      dtlsParameters: info.dtlsParameters as types.DtlsParameters,
      iceServers: this.options.iceServers.map(({ urls, username, credential }) => ({
        urls,
        ...(username === undefined ? {} : { username }),
        ...(credential === undefined ? {} : { credential }),
      })),
      iceTransportPolicy: this.options.iceTransportPolicy,
    };
    const transport =
      direction === 'send'
        ? device.createSendTransport(options)
        : device.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.signal
        .request('sfu_connect_transport', {
          roomId,
          transportId: transport.id,
          dtlsParameters: dtlsParameters,
        })
        .then(() => callback(), errback);
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        this.signal
          .request('sfu_produce', {
            roomId,
            transportId: transport.id,
            kind,
            source: appData.source as TrackSource,
            rtpParameters: rtpParameters,
          })
          .then(({ producerId }) => callback({ id: producerId }), errback);
      });
    }
    transport.on('connectionstatechange', (state) => this.handleConnectionState(transport, state));
    return transport;
  }

  private async produce(track: LocalTrack): Promise<void> {
    const media = track.mediaStreamTrack;
    if (this.closed || !this.device || !media || !this.options.canPublish) return;
    if (this.producers.has(track.source) || this.tracks.get(track.source) !== track) return;
    // The server refuses a second producer of a source; one it still holds goes first.
    await this.closeAtServer();
    this.sendTransport ??= await this.createTransport('send');
    prepareTrack(track.source, media);
    const video = track.kind === 'video';
    const { width = 640, height = 480, frameRate = 30 } = media.getSettings();
    const producer = await this.sendTransport.produce({
      track: media,
      streamId: track.streamId,
      encodings:
        track.source === 'camera'
          ? cameraEncodings(width, height, frameRate)
          : (track.source === 'screen_share' ? SCREEN_ENCODINGS : AUDIO_ENCODINGS).map((e) => ({
              ...e,
            })),
      codecOptions: video ? { videoGoogleStartBitrate: 1_000 } : { opusDtx: true, opusFec: true },
      // The LocalTrack owns its browser track: muting and stopping it are its business.
      stopTracks: false,
      disableTrackOnPause: false,
      zeroRtpOnPause: true,
      appData: { source: track.source },
    });
    if (this.closed) {
      producer.close();
      return;
    }
    // Unpublished while it was being produced: the server has it already, so it closes there too.
    if (this.tracks.get(track.source) !== track) {
      await this.closeProducer(track.source, producer);
      return;
    }
    this.producers.set(track.source, { producer, track });
  }

  private async limitLayers(producerId: string, maxSpatialLayer: number | null): Promise<void> {
    const producer = [...this.producers.values()]
      .map((entry) => entry.producer)
      .find((p) => p.id === producerId);
    if (!producer || producer.closed || producer.kind !== 'video') return;
    const encodings = producer.rtpParameters.encodings?.length ?? 1;
    await this.queue.run(async () => {
      if (producer.closed) return;
      if (maxSpatialLayer === null) await producer.setRtpEncodingParameters({ active: false });
      else await producer.setMaxSpatialLayer(Math.min(maxSpatialLayer, encodings - 1));
    });
  }

  private handleConnectionState(transport: types.Transport, state: RTCPeerConnectionState): void {
    if (this.closed) return;
    const pending = this.restartTimers.get(transport);
    if (state === 'connected' || state === 'closed') {
      if (pending !== undefined) clearTimeout(pending);
      this.restartTimers.delete(transport);
      // Without signalling now, the ICE restart that follows the reconnect asks instead.
      const back = state === 'connected' && transport === this.recvTransport;
      if (back && this.signal.isConnected) this.receiver.pathRestored();
      return;
    }
    if (state !== 'disconnected' && state !== 'failed') return;
    // What arrives once the path is back refers to frames lost on the way.
    if (transport === this.recvTransport) this.receiver.pathLost();
    // Media that loses its way may be the first sign that this side's network changed.
    this.signal.verify();
    if (pending !== undefined) return;
    const delay =
      state === 'failed'
        ? 0
        : Math.max(RESTART_AFTER_MS_FLOOR, this.options.iceDisconnectedRestartMs);
    this.restartTimers.set(
      transport,
      setTimeout(() => {
        this.restartTimers.delete(transport);
        void this.restartIce(transport);
      }, delay),
    );
  }

  private async restartIce(transport: types.Transport): Promise<void> {
    if (this.closed || transport.closed || !this.signal.isConnected) return;
    try {
      const { iceParameters } = await this.signal.request('sfu_restart_ice', {
        roomId: this.options.roomId,
        transportId: transport.id,
      });
      if (transport.closed) return;
      await transport.restartIce({ iceParameters });
      if (transport !== this.recvTransport) return;
      // Something dropped; media may have been lost on the way even where ICE saw nothing.
      if (transport.connectionState === 'connected') this.receiver.requestKeyFrames();
      else this.receiver.pathLost();
    } catch (error) {
      // The server no longer knows the transport (its state went with a long absence): start
      // over. Anything else, the next drop or network change tries again.
      if (this.capabilities && (error as { code?: unknown }).code === ErrorCode.NotFound) {
        this.reset(this.capabilities);
      }
    }
  }

  // Sets the session up from scratch (first, or after the router was re-created); a request that
  // failed on the way (a timeout on a loaded machine, a drop) has it start over a little later.
  private reset(routerRtpCapabilities: unknown, attempt = 0): void {
    void this.queue
      .run(async () => {
        this.dropSession();
        await this.setUp(routerRtpCapabilities);
      })
      .catch(() => {
        if (this.closed || attempt >= SETUP_ATTEMPTS - 1) return;
        this.setupTimer = setTimeout(
          () => this.reset(routerRtpCapabilities, attempt + 1),
          SETUP_RETRY_MS * (attempt + 1),
        );
      });
  }

  private dropSession(): void {
    for (const timer of this.restartTimers.values()) clearTimeout(timer);
    this.restartTimers.clear();
    this.receiver.drop();
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.sendTransport = undefined;
    this.recvTransport = undefined;
    // The producers (and any the server had yet to close) went with the transports.
    this.producers.clear();
    this.unclosed.clear();
    this.device = undefined;
  }
}

// A session that could not be set up is tried again, a little later each time.
const SETUP_ATTEMPTS = 5;
const SETUP_RETRY_MS = 1_000;

// A screen is text: keep its resolution, give up frames under pressure.
function prepareTrack(source: TrackSource, media: MediaStreamTrack): void {
  if (source === 'screen_share' && 'contentHint' in media) media.contentHint = 'detail';
}
