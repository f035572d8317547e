import { QUALITY_REPORT_MAX_SAMPLES, type QualitySample } from '@minimeet/protocol';
import { MinimeetError, SdkErrorCode } from '../errors.js';

/** Where a {@link QualityReporter} sends, and whether it may now. */
export interface QualityReporterHost {
  /** Sends one batch (`quality_report`); rejects when it did not arrive or was refused. */
  send(samples: QualitySample[]): Promise<void>;
  /** Whether the room is in its call with the connection up. */
  canSend(): boolean;
}

/** Tuning of a {@link QualityReporter}. */
export interface QualityReporterOptions {
  /** Samples gathered before a batch goes out. */
  samplesPerReport: number;
  /** Samples held at most while they cannot be sent; the oldest go first. */
  maxBuffered: number;
}

// Errors after which the batch may arrive on a later try; anything else is a refusal.
const RETRYABLE: ReadonlySet<string> = new Set([
  SdkErrorCode.Disconnected,
  SdkErrorCode.Timeout,
  SdkErrorCode.InvalidState,
  'rate_limited',
]);

/**
 * Batches quality samples for the server: one `quality_report` every few samples, never while
 * the room cannot send, at most one in flight. Samples wait in a bounded buffer (oldest dropped)
 * while the connection is down and leave in full batches once it is back.
 */
export class QualityReporter {
  private readonly buffer: QualitySample[] = [];
  private sending = false;
  private droppedCount = 0;

  /** Creates a reporter with an empty buffer. */
  constructor(
    private readonly host: QualityReporterHost,
    private readonly options: QualityReporterOptions,
  ) {}

  /** Samples waiting to be sent. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Samples dropped, unsent, because the buffer was full or the server refused them. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Takes a new sample, and sends a batch when enough have gathered. */
  handleSample(sample: QualitySample): void {
    this.buffer.push(sample);
    this.trim();
    if (this.buffer.length >= this.options.samplesPerReport) void this.flush(false);
  }

  /** The room can send again (resumed after a drop): sends what has gathered. */
  handleResumed(): void {
    if (this.buffer.length >= this.options.samplesPerReport) void this.flush(false);
  }

  /**
   * Sends batches while the room can send and samples wait, full batches only unless `all`
   * (the call is ending). Resolves when nothing more can go now.
   */
  async flush(all = true): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      const least = all ? 1 : this.options.samplesPerReport;
      while (this.host.canSend() && this.buffer.length >= least) {
        const batch = this.buffer.splice(0, QUALITY_REPORT_MAX_SAMPLES);
        try {
          await this.host.send(batch);
        } catch (error) {
          if (error instanceof MinimeetError && RETRYABLE.has(error.code)) {
            // Not sent: back to the front, for the next try.
            this.buffer.unshift(...batch);
            this.trim();
            return;
          }
          // Refused: sending it again would be refused again.
          this.droppedCount += batch.length;
        }
      }
    } finally {
      this.sending = false;
    }
  }

  private trim(): void {
    const excess = this.buffer.length - this.options.maxBuffered;
    if (excess <= 0) return;
    this.buffer.splice(0, excess);
    this.droppedCount += excess;
  }
}
