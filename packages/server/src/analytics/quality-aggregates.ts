import type { Row } from './analytics-sql.repository.js';

/** A quality level, as samples and legs carry it. */
export type QualityLevelName = 'excellent' | 'good' | 'poor' | 'lost';

/** Levels from best to worst. */
export const QUALITY_LEVELS: readonly QualityLevelName[] = ['excellent', 'good', 'poor', 'lost'];

/** The numeric columns of a quality sample, as stored. */
export const SAMPLE_METRICS = [
  'mos_x100',
  'rtt_ms',
  'jitter_ms',
  'loss_bp',
  'bitrate_in',
  'bitrate_out',
  'fps_x10',
  'freeze_ms',
  'relayed',
] as const;

/** A stored sample metric. */
export type SampleMetric = (typeof SAMPLE_METRICS)[number];

/** The distribution of one metric over a leg's samples. */
export interface MetricAggregate {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
}

/** Per-metric aggregates of a leg (in the units the REST API reports), and its usual level. */
export interface LegQuality {
  metrics: Partial<Record<AggregateName, MetricAggregate>>;
  level: QualityLevelName;
}

/** How the aggregates are named in the API, and the factor from the stored whole number. */
const AGGREGATES = {
  mos: ['mos_x100', 0.01],
  rttMs: ['rtt_ms', 1],
  jitterMs: ['jitter_ms', 1],
  loss: ['loss_bp', 0.0001],
  bitrateIn: ['bitrate_in', 1],
  bitrateOut: ['bitrate_out', 1],
  fps: ['fps_x10', 0.1],
  freezeMs: ['freeze_ms', 1],
} as const satisfies Record<string, readonly [SampleMetric, number]>;

/** A metric of {@link LegQuality}. */
export type AggregateName = keyof typeof AGGREGATES;

/** The value at quantile `q` of sorted values (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(q * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

/** Aggregates of one series of values, or null when it is empty. */
export function aggregate(values: number[]): MetricAggregate | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  const round = (v: number) => Math.round(v * 10_000) / 10_000;
  return {
    count: sorted.length,
    mean: round(sum / sorted.length),
    p50: round(quantile(sorted, 0.5)),
    p95: round(quantile(sorted, 0.95)),
    p99: round(quantile(sorted, 0.99)),
    min: round(sorted[0]),
    max: round(sorted[sorted.length - 1]),
  };
}

/**
 * A leg's aggregates from its stored samples (rows with the {@link SAMPLE_METRICS} and `level`),
 * or null without samples. Its level is the one its samples showed most often; a tie goes to the
 * worse level.
 */
export function aggregateSamples(rows: readonly Row[]): LegQuality | null {
  if (rows.length === 0) return null;
  const metrics: LegQuality['metrics'] = {};
  for (const [name, [column, factor]] of Object.entries(AGGREGATES) as Array<
    [AggregateName, readonly [SampleMetric, number]]
  >) {
    const values: number[] = [];
    for (const row of rows) {
      const v = row[column];
      if (v !== null && v !== undefined) values.push(Number(v) * factor);
    }
    const a = aggregate(values);
    if (a) metrics[name] = a;
  }
  const counts = new Map<QualityLevelName, number>();
  for (const row of rows) {
    const level = row.level as QualityLevelName;
    if (QUALITY_LEVELS.includes(level)) counts.set(level, (counts.get(level) ?? 0) + 1);
  }
  let level: QualityLevelName = 'lost';
  let best = -1;
  for (const candidate of QUALITY_LEVELS) {
    const n = counts.get(candidate) ?? 0;
    if (n >= best && n > 0) {
      best = n;
      level = candidate;
    }
  }
  return { metrics, level };
}
