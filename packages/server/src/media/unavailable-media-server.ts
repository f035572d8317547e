import { ErrorCode } from '@minimeet/protocol';
import { AppError } from '../common/app-error.js';
import type { MediaServer, MediaStatus } from './media-server.js';

/**
 * The media server where none can run (no worker binary, or `SFU_ENABLED=false`): it says why in
 * {@link status}, refuses every media request with `sfu_unavailable`, and has nothing to clean up.
 */
export class UnavailableMediaServer implements MediaServer {
  constructor(private readonly reason: string) {}

  status(): MediaStatus {
    return { available: false, reason: this.reason };
  }

  private refuse(): never {
    throw this.refusal();
  }

  routerCapabilities(): Promise<never> {
    return Promise.reject(this.refusal());
  }
  createTransport(): Promise<never> {
    return Promise.reject(this.refusal());
  }
  connectTransport(): Promise<never> {
    return Promise.reject(this.refusal());
  }
  restartIce(): Promise<never> {
    return Promise.reject(this.refusal());
  }
  produce(): Promise<never> {
    return Promise.reject(this.refusal());
  }
  setProducerPaused(): Promise<never> {
    return Promise.reject(this.refusal());
  }
  consume(): Promise<null> {
    return Promise.resolve(null);
  }
  setConsumerPaused(): Promise<never> {
    return Promise.reject(this.refusal());
  }
  requestKeyFrame(): Promise<never> {
    return Promise.reject(this.refusal());
  }
  setPreferredLayers(): Promise<never> {
    return Promise.reject(this.refusal());
  }
  closeProducer(): void {
    this.refuse();
  }
  closeConsumer(): void {
    this.refuse();
  }
  producerDump(): Promise<null> {
    return Promise.resolve(null);
  }
  transportDirection(): null {
    return null;
  }
  hasRecvTransport(): boolean {
    return false;
  }
  closePeer(): void {}
  closeRoom(): void {}
  hasRoom(): boolean {
    return false;
  }
  dump(): Promise<null> {
    return Promise.resolve(null);
  }
  onEvent(): () => void {
    return () => undefined;
  }
  close(): Promise<void> {
    return Promise.resolve();
  }

  private refusal(): AppError {
    return new AppError(
      ErrorCode.SfuUnavailable,
      `The SFU is not available on this server: ${this.reason}.`,
    );
  }
}
