import uPlot from 'uplot';

/** One series of a {@link TimeChart}: its name, colour and a value (or a gap) per x. */
export interface TimeSeries {
  readonly label: string;
  readonly color: string;
  readonly values: ReadonlyArray<number | null>;
}

/** What a {@link TimeChart} draws: times in seconds, series over them, and the theme's colours. */
export interface TimeChartData {
  readonly x: readonly number[];
  readonly series: readonly TimeSeries[];
  readonly style: 'bars' | 'lines';
  readonly axisColor: string;
  readonly gridColor: string;
  readonly yMin?: number;
  readonly yMax?: number;
  /** Whether the values are counts: the y axis then has whole-number ticks. */
  readonly integers?: boolean;
}

const HEIGHT = 220;

/**
 * A uPlot chart in a container that follows the container's width. The chart is decoration for
 * sighted users: callers give it a text alternative (a caption and a data table) beside it.
 */
export class TimeChart {
  private plot: uPlot | undefined;
  private readonly resize = new ResizeObserver(() => this.fit());

  /** Draws into `container`, which should be empty and owned by the caller. */
  constructor(private readonly container: HTMLElement) {
    this.resize.observe(container);
  }

  /** Replaces what the chart shows. */
  draw(data: TimeChartData): void {
    this.plot?.destroy();
    const bars = uPlot.paths.bars?.({ size: [0.6, 48] });
    const axis = {
      stroke: data.axisColor,
      grid: { stroke: data.gridColor, width: 1 },
      ticks: { stroke: data.gridColor, width: 1 },
    };
    const options: uPlot.Options = {
      width: this.width(),
      height: HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        // Bars get half a step of room at either end so the first and last are drawn whole.
        x: {
          time: true,
          range: (_u, min, max) => {
            const pad =
              data.style === 'bars' ? (data.x[1] ?? min + 86_400) - (data.x[0] ?? min) : 0;
            return [min - pad / 2, max + pad / 2];
          },
        },
        y: {
          range: (_u, min, max) => [data.yMin ?? Math.min(0, min), data.yMax ?? Math.max(1, max)],
        },
      },
      axes: [
        axis,
        {
          ...axis,
          size: 48,
          ...(data.integers ? { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 10_000] } : {}),
        },
      ],
      series: [
        {},
        ...data.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          // A bar is its fill; a stroke would draw a line along the axis for the empty days.
          width: data.style === 'bars' ? 0 : 2,
          spanGaps: false,
          points: { show: data.style === 'lines' && data.x.length < 40 },
          ...(data.style === 'bars' && bars ? { paths: bars, fill: s.color } : {}),
        })),
      ],
    };
    const aligned = [data.x, ...data.series.map((s) => s.values)] as unknown as uPlot.AlignedData;
    this.plot = new uPlot(options, aligned, this.container);
  }

  /** Stops following the container and frees the canvas. */
  destroy(): void {
    this.resize.disconnect();
    this.plot?.destroy();
    this.plot = undefined;
  }

  private width(): number {
    return Math.max(200, Math.floor(this.container.clientWidth));
  }

  private fit(): void {
    if (this.plot && Math.abs(this.plot.width - this.width()) > 1) {
      this.plot.setSize({ width: this.width(), height: HEIGHT });
    }
  }
}
