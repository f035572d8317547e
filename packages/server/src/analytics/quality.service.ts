import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, type QualityReportPayload, type QualitySample } from '@minimeet/protocol';
import { AppError } from '../common/app-error.js';
import { RATE_LIMITER, type RateLimiter } from '../common/rate-limiter.js';
import type { RealtimeClient } from '../common/realtime.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { CallService } from '../calls/call.service.js';
import type { LegSample } from './analytics-events.js';
import { AnalyticsPublisher } from './analytics-publisher.js';
import { ServerMetrics } from './server-metrics.js';

/** How far a sample's time may lie ahead of the server's clock (client clocks drift). */
const FUTURE_SLACK_MS = 60_000;

/**
 * Takes in `quality_report`s: each is filed under the caller's own participant in the room (the
 * one bound to its socket; a client cannot report for anyone else), limited per participant
 * (`RATE_LIMIT_QUALITY`), its samples checked against the leg's lifetime and reduced to
 * {@link LegSample}s, counted in the quality histograms and published on the analytics stream.
 */
@Injectable()
export class QualityService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CallService) private readonly calls: CallService,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(AnalyticsPublisher) private readonly publisher: AnalyticsPublisher,
    @Inject(ServerMetrics) private readonly metrics: ServerMetrics,
  ) {}

  /** `quality_report`: answers `{ accepted }`, the number of samples kept. */
  async report(
    client: RealtimeClient,
    payload: QualityReportPayload,
  ): Promise<{ accepted: number }> {
    const record = await this.calls.participantOf(client.socketId, payload.roomId);
    const verdict = await this.limiter.consume(
      `quality:${record.info.id}`,
      this.config.rateLimits.quality,
    );
    if (!verdict.allowed) {
      this.metrics.rejectSamples('rate_limited', payload.samples.length);
      const retryAfterSeconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
      throw new AppError(
        ErrorCode.RateLimited,
        `Too many quality reports; try again in ${retryAfterSeconds} s.`,
        { retryAfterSeconds },
      );
    }
    const now = Date.now();
    // A sample from before the join (a report held over from an earlier call) is not this leg's.
    const earliest = record.joinedAtMs - this.config.rooms.reconnectGraceMs;
    const samples: LegSample[] = [];
    let stale = 0;
    let future = 0;
    for (const sample of payload.samples) {
      if (sample.at < earliest) stale++;
      else if (sample.at > now + FUTURE_SLACK_MS) future++;
      else samples.push(toLegSample(sample));
    }
    this.metrics.rejectSamples('stale', stale);
    this.metrics.rejectSamples('future', future);
    if (samples.length === 0) return { accepted: 0 };
    for (const sample of samples) this.metrics.observeSample(sample);
    this.publisher.publish('quality.reported', {
      roomId: record.roomId,
      sessionId: record.sessionId,
      participantId: record.info.id,
      samples,
    });
    return { accepted: samples.length };
  }
}

/**
 * One SDK sample reduced to what analytics keeps: round-trip time averaged over the paths that
 * know it, jitter and loss over what was received, bitrates summed per direction, frame rate
 * averaged over received video, freezes summed, relayed when any path was.
 */
export function toLegSample(sample: QualitySample): LegSample {
  let rttSum = 0;
  let rttN = 0;
  let jitterSum = 0;
  let jitterN = 0;
  let received = 0;
  let lost = 0;
  let inbound = 0;
  let bitrateIn = 0;
  let bitrateOut = 0;
  let fpsSum = 0;
  let fpsN = 0;
  let freezeMs: number | null = null;
  let relayed: 0 | 1 | null = null;
  for (const leg of sample.legs) {
    if (leg.rttMs !== undefined) {
      rttSum += leg.rttMs;
      rttN++;
    }
    if (leg.relayed !== undefined) relayed = leg.relayed || relayed === 1 ? 1 : 0;
    if (leg.direction === 'outbound') {
      bitrateOut += leg.bitrate;
      continue;
    }
    inbound++;
    bitrateIn += leg.bitrate;
    received += leg.packets;
    lost += leg.packetsLost;
    if (leg.jitterMs !== undefined) {
      jitterSum += leg.jitterMs;
      jitterN++;
    }
    if (leg.kind === 'video' && leg.fps !== undefined) {
      fpsSum += leg.fps;
      fpsN++;
    }
    if (leg.freezeMs !== undefined) freezeMs = (freezeMs ?? 0) + leg.freezeMs;
  }
  const expected = received + lost;
  return {
    at: sample.at,
    intervalMs: sample.intervalMs,
    level: sample.level,
    mosX100: sample.mos === undefined ? null : Math.round(sample.mos * 100),
    rttMs: rttN ? Math.round(rttSum / rttN) : null,
    jitterMs: jitterN ? Math.round(jitterSum / jitterN) : null,
    lossBp: inbound && expected > 0 ? Math.round((lost / expected) * 10_000) : null,
    bitrateIn: Math.min(bitrateIn, 2 ** 31 - 1),
    bitrateOut: Math.min(bitrateOut, 2 ** 31 - 1),
    fpsX10: fpsN ? Math.round((fpsSum / fpsN) * 10) : null,
    freezeMs: freezeMs === null ? null : Math.min(freezeMs, 2 ** 31 - 1),
    relayed,
  };
}
