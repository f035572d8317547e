import type {
  SfuConsumerLayersChangedEvent,
  SfuNewConsumerEvent,
  TrackSource,
} from '@minimeet/protocol';
import { parseScalabilityMode, type types } from 'mediasoup-client';
import {
  HIDDEN_VIEW,
  sameView,
  sourceDimensions,
  spatialLayerFor,
  type VideoDimensions,
  type VideoView,
} from './layers.js';
import type {
  MediaSignal,
  MediaTransportEvents,
  MediaTransportOptions,
  ReceiverControl,
} from './MediaTransport.js';
import type { ReceivedStats } from './sfu-stats.js';
import { VideoViewObserver } from './VideoViewObserver.js';
import { SerialQueue } from '../utils/SerialQueue.js';

interface ConsumerEntry {
  consumer: types.Consumer;
  participantId: string;
  source: TrackSource;
  /** Spatial layers the producer sends (1 without simulcast). */
  layerCount: number;
  /** Paused at the server on this side's request (nobody watches). */
  paused: boolean;
  /** The highest spatial layer asked for, if asked. */
  preferred: number | undefined;
  /** The spatial layer the server forwards now. */
  current: number | null;
  /** The size of the top layer, as learned from frames received. */
  sourceSize: { width: number; height: number } | undefined;
  view: VideoView;
  /** Keeps the requests of one consumer in order. */
  requests: SerialQueue;
  /** Stops watching the elements the video plays in. */
  stopWatching?: () => void;
}

/**
 * The receiving half of `SfuTransport`: a consumer per track of the others on its receive
 * transport. Each received video asks for the layer that fits the elements it plays in, and is
 * paused at the server when none is on screen; after the receive transport lost its path, each
 * shown video asks for a key frame. The transport owns the receive transport and the order of
 * work; this class owns what arrives on it.
 */
export class SfuReceiver {
  private readonly consumers = new Map<string, ConsumerEntry>();
  // Consumers announced and not consumed yet (that waits its turn in the transport's queue), with
  // what the server said of them meanwhile: closed (its producer went), or its producer paused.
  private readonly announced = new Map<string, { closed: boolean; producerPaused: boolean }>();
  // The receive transport lost its path (or restarted ICE): once connected, key frames are due.
  private keyFramesDue = false;
  private closed = false;

  /** Creates a receiver with no consumer; the transport hands it the server's consumer events. */
  constructor(
    private readonly options: MediaTransportOptions,
    private readonly signal: MediaSignal,
    private readonly events: MediaTransportEvents,
  ) {}

  /** The server announced a consumer (`sfu_new_consumer`); `consume()` makes it in its turn. */
  announce(event: SfuNewConsumerEvent): void {
    this.announced.set(event.consumerId, { closed: false, producerPaused: event.producerPaused });
  }

  /** The server closed a consumer (`sfu_consumer_closed`): its producer went. */
  handleConsumerClosed(consumerId: string): void {
    const announced = this.announced.get(consumerId);
    if (announced) announced.closed = true;
    else this.closeConsumer(consumerId);
  }

  /** The producer of a consumer paused (`sfu_consumer_paused`). */
  handleConsumerPaused(consumerId: string): void {
    const announced = this.announced.get(consumerId);
    if (announced) announced.producerPaused = true;
    else this.consumers.get(consumerId)?.consumer.pause();
  }

  /** The producer of a consumer resumed (`sfu_consumer_resumed`). */
  handleConsumerResumed(consumerId: string): void {
    const announced = this.announced.get(consumerId);
    if (announced) announced.producerPaused = false;
    else this.consumers.get(consumerId)?.consumer.resume();
  }

  /** The server forwards another spatial layer of a consumer (`sfu_consumer_layers_changed`). */
  handleLayersChanged(event: SfuConsumerLayersChangedEvent): void {
    const entry = this.consumers.get(event.consumerId);
    if (!entry) return;
    const first = entry.current === null && entry.sourceSize === undefined;
    entry.current = event.spatialLayer;
    // The first layer received tells the source's size; the choice made on a guess may change.
    if (first && event.spatialLayer !== null && entry.view.visible) {
      setTimeout(() => this.adapt(entry), LEARN_DELAY_MS);
    }
  }

  /** Closes the consumers of participant `id`. */
  removePeer(id: string): void {
    for (const [consumerId, entry] of this.consumers) {
      if (entry.participantId === id) this.closeConsumer(consumerId);
    }
  }

  /**
   * Makes an announced consumer on `transport` (the receive transport at its turn) and reports
   * its track, unless the server closed it meanwhile.
   */
  async consume(transport: types.Transport | undefined, event: SfuNewConsumerEvent): Promise<void> {
    const announced = this.announced.get(event.consumerId);
    // Closed at the server before its turn came (a producer closed right after it was made).
    if (this.closed || !transport || !announced || announced.closed) {
      this.announced.delete(event.consumerId);
      return;
    }
    const consumer = await transport
      .consume({
        id: event.consumerId,
        producerId: event.producerId,
        kind: event.kind,
        rtpParameters: event.rtpParameters as types.RtpParameters,
      })
      .finally(() => this.announced.delete(event.consumerId));
    if (this.closed || announced.closed) {
      consumer.close();
      return;
    }
    const mode = consumer.rtpParameters.encodings?.[0]?.scalabilityMode;
    const entry: ConsumerEntry = {
      consumer,
      participantId: event.participantId,
      source: event.source,
      layerCount: mode ? parseScalabilityMode(mode).spatialLayers : 1,
      paused: true,
      preferred: undefined,
      current: null,
      sourceSize: undefined,
      view: HIDDEN_VIEW,
      requests: new SerialQueue(),
    };
    this.consumers.set(consumer.id, entry);
    if (announced.producerPaused) consumer.pause();
    const adaptive = this.options.adaptiveStream && event.kind === 'video';
    this.events.track(event.participantId, {
      source: event.source,
      track: consumer.track,
      receiver: consumer.rtpReceiver as RTCRtpReceiver,
      ...(event.kind === 'video' ? { control: this.controlOf(entry, adaptive) } : {}),
    });
    // Audio plays whether shown or not.
    if (event.kind === 'audio') {
      entry.view = FULL_VIEW;
      this.adapt(entry);
    }
  }

  /** Asks again for each consumer's resume or layer, which a drop may have swallowed. */
  recover(): void {
    for (const entry of this.consumers.values()) this.adapt(entry);
  }

  /** The `getStats()` report of each consumer, with the participant it comes from. */
  async getStats(): Promise<ReceivedStats[]> {
    const received: ReceivedStats[] = [];
    for (const entry of this.consumers.values()) {
      if (entry.consumer.closed) continue;
      const report = await entry.consumer.getStats().catch(() => undefined);
      if (report) received.push({ participantId: entry.participantId, report });
    }
    return received;
  }

  /** The receive transport lost its path: what arrives once it is back refers to frames lost. */
  pathLost(): void {
    this.keyFramesDue = true;
  }

  /** The receive transport is connected again: asks for key frames if it lost its path before. */
  pathRestored(): void {
    if (this.keyFramesDue) this.requestKeyFrames();
  }

  /**
   * Asks for a key frame of every video received and shown, once the receive transport is back
   * after a drop: the frames that arrive then refer to frames lost on the way, so nothing decodes
   * until the next key frame. mediasoup 3.12's worker does not notice an ICE restart over UDP (its
   * ICE-lite state stays `completed`), so it asks the senders for none, and Chromium's receiver
   * asks only once its retransmission requests have failed, seconds later.
   */
  requestKeyFrames(): void {
    this.keyFramesDue = false;
    const roomId = this.options.roomId;
    for (const entry of this.consumers.values()) {
      if (entry.consumer.kind !== 'video') continue;
      const consumerId = entry.consumer.id;
      const step = async () => {
        // Hidden (paused here) or switched off by its sender: nothing to show, nothing to ask.
        if (this.closed || entry.consumer.closed || entry.paused || entry.consumer.paused) return;
        await this.signal.request('sfu_request_key_frame', { roomId, consumerId });
      };
      void entry.requests.run(step).catch(() => undefined);
    }
  }

  /** Closes every consumer and forgets those announced: the receive transport goes. */
  drop(): void {
    for (const consumerId of [...this.consumers.keys()]) this.closeConsumer(consumerId);
    // Consumers announced by the old router are not to be made on the new transports.
    this.announced.clear();
    this.keyFramesDue = false;
  }

  /** Closes every consumer for good. */
  close(): void {
    this.closed = true;
    this.drop();
  }

  // How a received video is shown: the dimensions the app set, else (adaptive) its elements, else
  // whole, shown or not.
  private controlOf(entry: ConsumerEntry, adaptive: boolean): ReceiverControl {
    let dimensions: VideoDimensions | undefined;
    const update = () => {
      const observed = observer?.view ?? FULL_VIEW;
      const view: VideoView = dimensions
        ? { visible: dimensions.width > 0 && dimensions.height > 0, ...dimensions }
        : observed;
      if (sameView(view, entry.view)) return;
      entry.view = view;
      this.adapt(entry);
    };
    const observer = adaptive ? new VideoViewObserver(update) : undefined;
    entry.stopWatching = () => observer?.close();
    return {
      setElements: (elements) => {
        if (observer) observer.setElements(elements);
        else update();
      },
      setDimensions: (next) => {
        dimensions = next;
        update();
      },
      close: () => observer?.close(),
    };
  }

  // Follows the view: paused when hidden, else the layer that fits, asked before resuming so that
  // the first frames come at the right size.
  private adapt(entry: ConsumerEntry): void {
    const roomId = this.options.roomId;
    const consumerId = entry.consumer.id;
    const step = async () => {
      if (this.closed || entry.consumer.closed) return;
      const view = entry.view;
      if (!view.visible) {
        if (entry.paused) return;
        entry.paused = true;
        await this.signal.request('sfu_pause_consumer', { roomId, consumerId });
        return;
      }
      const requests: Promise<unknown>[] = [];
      if (entry.consumer.kind === 'video' && entry.layerCount > 1) {
        const source = (await this.learnSourceSize(entry)) ?? DEFAULT_SOURCE;
        const layer = spatialLayerFor(view, source, entry.layerCount);
        if (layer !== entry.preferred) {
          entry.preferred = layer;
          // Not awaited: the resume below leaves right behind it, and the server takes them in order.
          requests.push(
            this.signal
              .request('sfu_set_preferred_layers', { roomId, consumerId, spatialLayer: layer })
              .catch((error: unknown) => {
                entry.preferred = undefined;
                throw error;
              }),
          );
        }
      }
      if (entry.paused) {
        entry.paused = false;
        requests.push(
          this.signal
            .request('sfu_resume_consumer', { roomId, consumerId })
            .catch((error: unknown) => {
              // Lost on the way (a drop): asked again after the reconnect, see recover().
              entry.paused = true;
              throw error;
            }),
        );
      }
      await Promise.all(requests);
    };
    void entry.requests.run(step).catch(() => undefined);
  }

  // The size of the top layer: the frames received now, scaled up from the layer they belong to.
  private async learnSourceSize(
    entry: ConsumerEntry,
  ): Promise<{ width: number; height: number } | undefined> {
    if (entry.current === null) return entry.sourceSize;
    const report = await entry.consumer.getStats().catch(() => undefined);
    for (const stat of report?.values() ?? []) {
      const s = stat as { type?: string; frameWidth?: number; frameHeight?: number };
      if (s.type !== 'inbound-rtp' || !s.frameWidth || !s.frameHeight) continue;
      entry.sourceSize = sourceDimensions(
        { width: s.frameWidth, height: s.frameHeight },
        entry.current,
        entry.layerCount,
      );
    }
    return entry.sourceSize;
  }

  private closeConsumer(consumerId: string): void {
    const entry = this.consumers.get(consumerId);
    if (!entry) return;
    this.consumers.delete(consumerId);
    const track = entry.consumer.track;
    entry.stopWatching?.();
    entry.consumer.close();
    this.events.trackEnded(entry.participantId, track);
  }
}

// Shown whole: the top layer fits any element.
const FULL_VIEW: VideoView = Object.freeze({
  visible: true,
  width: Number.POSITIVE_INFINITY,
  height: Number.POSITIVE_INFINITY,
});

// Until a frame tells otherwise, a camera sends the SDK's default capture size.
const DEFAULT_SOURCE = { width: 640, height: 480 };

// The first frames of a layer arrive shortly after the server reports it.
const LEARN_DELAY_MS = 500;
