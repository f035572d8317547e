import {
  LitElement,
  html,
  nothing,
  type PropertyDeclarations,
  type PropertyValues,
  type TemplateResult,
} from 'lit';
import type { AuthClient } from '@minimeet/sdk';
import type {
  AnalyticsCall,
  AnalyticsCallTimeline,
  AnalyticsLiveCalls,
  AnalyticsSummary,
  QualityLevel,
} from '@minimeet/protocol';
import type { AnalyticsClient, TimeRange } from '../api/AnalyticsClient.js';
import { TimeChart, type TimeSeries } from '../charts/TimeChart.js';
import { dashboardStyles } from './dashboard.styles.js';
import { formatDateTime, formatDuration, formatNumber, formatTime } from './format.js';

/** The time ranges the picker offers, in days. */
const RANGES = [
  { days: 1, label: 'Last 24 hours' },
  { days: 7, label: 'Last 7 days' },
  { days: 30, label: 'Last 30 days' },
  { days: 90, label: 'Last 90 days' },
  { days: 365, label: 'Last 12 months' },
] as const;

const LEVELS: readonly QualityLevel[] = ['excellent', 'good', 'poor', 'lost'];
const LEVEL_NAMES: Record<QualityLevel, string> = {
  excellent: 'Excellent',
  good: 'Good',
  poor: 'Poor',
  lost: 'Lost',
};
const LIVE_REFRESH_MS = 15_000;

type View = 'starting' | 'signed-out' | 'signed-in';

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The analytics dashboard: sign-in, a time-range picker, the summary (calls and participant-minutes
 * per day, quality distribution, failed joins by reason), the live calls, the list of calls and one
 * call's timeline. What it shows is what the REST API lets the signed-in user see.
 *
 * @csspart panel - Each panel of the dashboard.
 * @cssprop --minimeet-color-accent - The colour of the charts' first series and of buttons.
 */
export class MinimeetDashboard extends LitElement {
  static override styles = dashboardStyles;

  static override properties: PropertyDeclarations = {
    auth: { attribute: false },
    analytics: { attribute: false },
    view: { state: true },
    days: { state: true },
    summary: { state: true },
    calls: { state: true },
    nextCursor: { state: true },
    live: { state: true },
    timeline: { state: true },
    error: { state: true },
    busy: { state: true },
    signInError: { state: true },
  };

  /** Signs the user in and out and keeps the session (set before the element connects). */
  declare auth: AuthClient | undefined;
  /** Reads the analytics API with the signed-in user's token. */
  declare analytics: AnalyticsClient | undefined;
  declare private view: View;
  declare private days: number;
  declare private summary: AnalyticsSummary | undefined;
  declare private calls: AnalyticsCall[];
  declare private nextCursor: string | null;
  declare private live: AnalyticsLiveCalls | undefined;
  declare private timeline: AnalyticsCallTimeline | undefined;
  declare private error: string;
  declare private busy: boolean;
  declare private signInError: string;

  private readonly charts = new Map<HTMLElement, TimeChart>();
  private liveTimer: ReturnType<typeof setInterval> | undefined;
  private readonly scheme = window.matchMedia('(prefers-color-scheme: dark)');
  private readonly redraw = () => this.drawCharts();

  constructor() {
    super();
    this.view = 'starting';
    this.days = 30;
    this.calls = [];
    this.nextCursor = null;
    this.error = '';
    this.busy = false;
    this.signInError = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.scheme.addEventListener('change', this.redraw);
    void this.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.scheme.removeEventListener('change', this.redraw);
    clearInterval(this.liveTimer);
    for (const chart of this.charts.values()) chart.destroy();
    this.charts.clear();
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('summary') || changed.has('timeline')) {
      this.drawCharts();
    }
  }

  private async start(): Promise<void> {
    const session = await this.auth?.restore().catch(() => undefined);
    this.view = session ? 'signed-in' : 'signed-out';
    if (session) await this.loadAll();
  }

  private range(): TimeRange {
    const to = new Date();
    return { from: new Date(to.getTime() - this.days * 86_400_000), to };
  }

  private async loadAll(): Promise<void> {
    const analytics = this.analytics;
    if (!analytics) return;
    this.busy = true;
    this.error = '';
    try {
      const range = this.range();
      const [summary, calls, live] = await Promise.all([
        analytics.summary(range),
        analytics.calls(range),
        analytics.live(),
      ]);
      this.summary = summary;
      this.calls = [...calls.items];
      this.nextCursor = calls.nextCursor;
      this.live = live;
    } catch (error) {
      this.error = errorText(error);
    } finally {
      this.busy = false;
    }
    clearInterval(this.liveTimer);
    this.liveTimer = setInterval(() => void this.refreshLive(), LIVE_REFRESH_MS);
  }

  private async refreshLive(): Promise<void> {
    try {
      this.live = await this.analytics?.live();
    } catch {
      // The next refresh tries again; the full reload shows errors.
    }
  }

  private async loadMore(): Promise<void> {
    if (!this.analytics || !this.nextCursor) return;
    try {
      const page = await this.analytics.calls(this.range(), this.nextCursor);
      this.calls = [...this.calls, ...page.items];
      this.nextCursor = page.nextCursor;
    } catch (error) {
      this.error = errorText(error);
    }
  }

  private async openTimeline(id: string): Promise<void> {
    if (!this.analytics) return;
    try {
      this.timeline = await this.analytics.timeline(id);
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('#timeline-heading')?.focus();
    } catch (error) {
      this.error = errorText(error);
    }
  }

  private async signIn(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    this.signInError = '';
    try {
      const field = (name: string) => {
        const value = data.get(name);
        return typeof value === 'string' ? value : '';
      };
      await this.auth?.login({ email: field('email'), password: field('password') });
      this.view = 'signed-in';
      await this.loadAll();
    } catch (error) {
      this.signInError = errorText(error);
    }
  }

  private async signOut(): Promise<void> {
    clearInterval(this.liveTimer);
    this.summary = undefined;
    this.calls = [];
    this.live = undefined;
    this.timeline = undefined;
    this.view = 'signed-out';
    await this.auth?.logout().catch(() => undefined);
  }

  private onRange(event: Event): void {
    this.days = Number((event.target as HTMLSelectElement).value);
    void this.loadAll();
  }

  /** Resolves a theme colour (which may be a `light-dark()` value) to one a canvas can paint. */
  private color(token: string): string {
    const probe = this.el('probe');
    if (!probe) return '#888';
    probe.style.color = `var(${token})`;
    return getComputedStyle(probe).color;
  }

  private el(id: string): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>(`#${id}`);
  }

  private palette(): string[] {
    return ['--mm-accent', '--mm-success', '--mm-warning', '--mm-danger', '--mm-text-muted'].map(
      (t) => this.color(t),
    );
  }

  private chart(el: HTMLElement | null): TimeChart | undefined {
    if (!el) return undefined;
    let chart = this.charts.get(el);
    if (!chart) {
      chart = new TimeChart(el);
      this.charts.set(el, chart);
    }
    return chart;
  }

  private drawCharts(): void {
    for (const [el, chart] of this.charts) {
      if (!el.isConnected) {
        chart.destroy();
        this.charts.delete(el);
      }
    }
    const axisColor = this.color('--mm-text-muted');
    const gridColor = this.color('--mm-border');
    const [accent, success] = this.palette();
    const days = this.everyDay();
    const x = days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000);
    this.chart(this.el('calls-chart'))?.draw({
      x,
      series: [{ label: 'Calls', color: accent, values: days.map((d) => d.calls) }],
      style: 'bars',
      integers: true,
      axisColor,
      gridColor,
    });
    this.chart(this.el('minutes-chart'))?.draw({
      x,
      series: [
        {
          label: 'Participant-minutes',
          color: success,
          values: days.map((d) => d.participantMinutes),
        },
      ],
      style: 'bars',
      axisColor,
      gridColor,
    });
    const legs = this.timeline?.legs ?? [];
    if (this.el('quality-chart') && legs.length > 0) {
      const times = [
        ...new Set(legs.flatMap((l) => l.series.map((p) => Date.parse(p.at) / 1000))),
      ].sort((a, b) => a - b);
      const colors = this.palette();
      const series: TimeSeries[] = legs.map((leg, i) => {
        const byTime = new Map(leg.series.map((p) => [Date.parse(p.at) / 1000, p.mos]));
        return {
          label: this.legName(leg, i),
          color: colors[i % colors.length],
          values: times.map((t) => byTime.get(t) ?? null),
        };
      });
      this.chart(this.el('quality-chart'))?.draw({
        x: times,
        series,
        style: 'lines',
        axisColor,
        gridColor,
        yMin: 1,
        yMax: 5,
      });
    }
  }

  /** The summary's days with the days that had no call filled in, so the axis spans the range. */
  private everyDay(): Array<{ day: string; calls: number; participantMinutes: number }> {
    const summary = this.summary;
    if (!summary) return [];
    const known = new Map(summary.days.map((d) => [d.day, d]));
    const out = [];
    const last = Date.parse(summary.to) - 1;
    for (let t = Date.parse(summary.from.slice(0, 10)); t <= last; t += 86_400_000) {
      const day = new Date(t).toISOString().slice(0, 10);
      out.push(known.get(day) ?? { day, calls: 0, participantMinutes: 0 });
    }
    return out;
  }

  private legName(leg: AnalyticsCallTimeline['legs'][number], index: number): string {
    return leg.displayName ?? `Participant ${index + 1} (${leg.principalKind})`;
  }

  override render(): TemplateResult {
    return html`<span id="probe" aria-hidden="true"></span>
      <header class="top">
        <h1>Call analytics</h1>
        ${
          this.view === 'signed-in'
            ? html`<div class="account">
                <span class="who">${this.auth?.user?.email ?? ''}</span>
                <button type="button" class="quiet" @click=${() => void this.signOut()}>
                  Sign out
                </button>
              </div>`
            : nothing
        }
      </header>
      <main>${this.renderView()}</main>`;
  }

  private renderView(): TemplateResult {
    switch (this.view) {
      case 'starting':
        return html`<p role="status">Loading…</p>`;
      case 'signed-out':
        return this.renderSignIn();
      case 'signed-in':
        return this.renderDashboard();
    }
  }

  private renderSignIn(): TemplateResult {
    return html`<form
      class="panel sign-in"
      part="panel"
      @submit=${(event: SubmitEvent) => void this.signIn(event)}
    >
      <h2>Sign in</h2>
      <p class="muted">Room owners see their rooms' calls; operators see every call.</p>
      <label>Email <input name="email" type="email" autocomplete="username" required /></label>
      <label
        >Password <input name="password" type="password" autocomplete="current-password" required
      /></label>
      ${this.signInError ? html`<p class="error" role="alert">${this.signInError}</p>` : nothing}
      <button type="submit">Sign in</button>
    </form>`;
  }

  private renderDashboard(): TemplateResult {
    const s = this.summary;
    return html`<div class="tools">
        <label
          >Time range
          <select @change=${(event: Event) => this.onRange(event)} .value=${String(this.days)}>
            ${RANGES.map(
              (r) =>
                html`<option value=${r.days} ?selected=${r.days === this.days}>${r.label}</option>`,
            )}
          </select></label
        >
        <button type="button" @click=${() => void this.loadAll()} ?disabled=${this.busy}>
          Refresh
        </button>
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <section class="stats" aria-label="Totals">
        ${this.stat('Calls', formatNumber(s?.calls), 'calls')}
        ${this.stat('Participant-minutes', formatNumber(s?.participantMinutes), 'minutes')}
        ${this.stat('Mean duration', formatDuration(s?.meanDurationSeconds), 'duration')}
        ${this.stat('Peak participants', formatNumber(s?.peakParticipants), 'peak')}
      </section>
      <div class="grid">
        ${this.renderDays('Calls per day', 'calls-chart', 'calls')}
        ${this.renderDays('Participant-minutes per day', 'minutes-chart', 'participantMinutes')}
        ${this.renderQuality()} ${this.renderFailures()}
      </div>
      ${this.renderLive()} ${this.renderCalls()} ${this.renderTimeline()}`;
  }

  private stat(label: string, value: string, id: string): TemplateResult {
    return html`<div class="stat panel" part="panel">
      <span class="stat-label" id="stat-${id}">${label}</span>
      <span class="stat-value" aria-labelledby="stat-${id}" data-stat=${id}>${value}</span>
    </div>`;
  }

  private renderDays(
    title: string,
    chartId: string,
    key: 'calls' | 'participantMinutes',
  ): TemplateResult {
    const days = this.summary?.days ?? [];
    return html`<section class="panel" part="panel" aria-labelledby="${chartId}-h">
      <h2 id="${chartId}-h">${title}</h2>
      ${days.length === 0 ? html`<p class="muted">No calls in this range.</p>` : nothing}
      <figure ?hidden=${days.length === 0}>
        <div class="chart" id=${chartId} aria-hidden="true"></div>
        <figcaption>
          <details>
            <summary>${title} as a table</summary>
            <table>
              <thead>
                <tr>
                  <th scope="col">Day (UTC)</th>
                  <th scope="col">${title.split(' per ')[0]}</th>
                </tr>
              </thead>
              <tbody>
                ${days.map(
                  (d) =>
                    html`<tr>
                      <td>${d.day}</td>
                      <td>${formatNumber(d[key])}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </details>
        </figcaption>
      </figure>
    </section>`;
  }

  private bars(
    rows: ReadonlyArray<{ label: string; value: number; tone: string }>,
    caption: string,
  ): TemplateResult {
    const max = Math.max(1, ...rows.map((r) => r.value));
    return html`<table class="bars">
      <caption class="visually-hidden">
        ${caption}
      </caption>
      <tbody>
        ${rows.map(
          (r) =>
            html`<tr>
              <th scope="row">${r.label}</th>
              <td class="bar-cell">
                <span
                  class="bar tone-${r.tone}"
                  style="inline-size:${(r.value / max) * 100}%"
                  ?hidden=${r.value === 0}
                ></span>
              </td>
              <td class="num">${formatNumber(r.value)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  }

  private renderQuality(): TemplateResult {
    const q = this.summary?.quality;
    const total = q ? LEVELS.reduce((n, l) => n + q[l], 0) : 0;
    return html`<section class="panel" part="panel" aria-labelledby="quality-h">
      <h2 id="quality-h">Quality</h2>
      <p class="muted">Participants by the level their connection showed most often.</p>
      ${
        q && total > 0
          ? this.bars(
              LEVELS.map((l) => ({ label: LEVEL_NAMES[l], value: q[l], tone: l })),
              'Participants by quality level',
            )
          : html`<p class="muted">No quality reports in this range.</p>`
      }
    </section>`;
  }

  private renderFailures(): TemplateResult {
    const entries = Object.entries(this.summary?.failedJoins ?? {}).sort((a, b) => b[1] - a[1]);
    return html`<section class="panel" part="panel" aria-labelledby="failed-h">
      <h2 id="failed-h">Failed joins</h2>
      <p class="muted">Refused joins by the reason the server gave.</p>
      ${
        entries.length > 0
          ? this.bars(
              entries.map(([reason, n]) => ({ label: reason, value: n, tone: 'danger' })),
              'Failed joins by reason',
            )
          : html`<p class="muted">No failed joins in this range.</p>`
      }
    </section>`;
  }

  private renderLive(): TemplateResult {
    const items = this.live?.items ?? [];
    return html`<section class="panel" part="panel" aria-labelledby="live-h">
      <h2 id="live-h">Live now <span class="badge">${items.length}</span></h2>
      ${
        items.length === 0
          ? html`<p class="muted">No call is going on.</p>`
          : html`<div class="scroll" tabindex="0" role="region" aria-label="Live calls">
              <table class="list" id="live-table">
                <thead>
                  <tr>
                    <th scope="col">Room</th>
                    <th scope="col" class="num">Participants</th>
                    <th scope="col">Started</th>
                  </tr>
                </thead>
                <tbody>
                  ${items.map(
                    (c) =>
                      html`<tr>
                        <td class="room">${this.roomButton(c)}</td>
                        <td class="num">${c.participants}</td>
                        <td>${formatDateTime(c.startedAt)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }
    </section>`;
  }

  private renderCalls(): TemplateResult {
    return html`<section class="panel" part="panel" aria-labelledby="calls-h">
      <h2 id="calls-h">Calls</h2>
      ${
        this.calls.length === 0
          ? html`<p class="muted">No calls in this range.</p>`
          : html`<div class="scroll" tabindex="0" role="region" aria-label="Calls">
              <table class="list" id="calls-table">
                <thead>
                  <tr>
                    <th scope="col">Room</th>
                    <th scope="col">Started</th>
                    <th scope="col">Duration</th>
                    <th scope="col" class="num">Peak</th>
                    <th scope="col" class="num">Participant-min</th>
                    <th scope="col">Quality</th>
                  </tr>
                </thead>
                <tbody>
                  ${this.calls.map(
                    (c) =>
                      html`<tr data-call=${c.id}>
                        <td class="room">${this.roomButton(c)}</td>
                        <td>${formatDateTime(c.startedAt)}</td>
                        <td>${c.endedAt ? formatDuration(c.durationSeconds) : 'live'}</td>
                        <td class="num">${c.peakParticipants}</td>
                        <td class="num">${formatNumber(c.participantMinutes)}</td>
                        <td>${this.qualitySummary(c)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }
      ${
        this.nextCursor
          ? html`<button type="button" class="quiet" @click=${() => void this.loadMore()}>
              Load more
            </button>`
          : nothing
      }
    </section>`;
  }

  private roomButton(c: AnalyticsCall): TemplateResult {
    return html`<button type="button" class="link" @click=${() => void this.openTimeline(c.id)}>
      ${c.roomId}<span class="visually-hidden">: timeline</span>
    </button>`;
  }

  private qualitySummary(c: AnalyticsCall): string {
    const parts = LEVELS.filter((l) => c.quality[l] > 0).map((l) => `${c.quality[l]} ${l}`);
    return parts.length ? parts.join(', ') : '–';
  }

  private renderTimeline(): TemplateResult | typeof nothing {
    const t = this.timeline;
    if (!t) return nothing;
    const start = Date.parse(t.call.startedAt);
    const end = Math.max(
      start + 1000,
      Date.parse(t.call.endedAt ?? new Date().toISOString()),
      ...t.legs.map((l) => Date.parse(l.leftAt ?? new Date().toISOString())),
    );
    const pos = (iso: string | null, fallback: number) =>
      (((iso ? Date.parse(iso) : fallback) - start) / (end - start)) * 100;
    const colors = ['accent', 'success', 'warning', 'danger', 'muted'];
    const hasSeries = t.legs.some((l) => l.series.length > 0);
    return html`<section class="panel timeline" part="panel" aria-labelledby="timeline-heading">
      <div class="timeline-head">
        <h2 id="timeline-heading" tabindex="-1">
          Call in <span class="room">${t.call.roomId}</span>
        </h2>
        <button type="button" class="quiet" @click=${() => (this.timeline = undefined)}>
          Close
        </button>
      </div>
      <p class="muted">
        ${formatDateTime(t.call.startedAt)} ·
        ${t.call.endedAt ? formatDuration(t.call.durationSeconds) : 'live'} · ${t.call.legs}
        ${t.call.legs === 1 ? 'leg' : 'legs'} · peak ${t.call.peakParticipants}
      </p>
      <h3>Who was there when</h3>
      <ol class="gantt" id="legs">
        ${t.legs.map(
          (l, i) =>
            html`<li>
              <span class="gantt-name"
                ><span class="swatch tone-${colors[i % colors.length]}"></span
                >${this.legName(l, i)}</span
              >
              <span class="gantt-track" aria-hidden="true">
                <span
                  class="gantt-bar tone-${colors[i % colors.length]}"
                  style="inset-inline-start:${pos(l.joinedAt, start)}%;inline-size:${Math.max(
                    1,
                    pos(l.leftAt, end) - pos(l.joinedAt, start),
                  )}%"
                ></span>
              </span>
              <span class="gantt-text">
                ${formatTime(l.joinedAt)}–${l.leftAt ? formatTime(l.leftAt) : 'now'} ·
                ${l.endReason ?? 'in the call'}${
                  l.reconnects > 0
                    ? ` · ${l.reconnects} reconnect${l.reconnects === 1 ? '' : 's'}`
                    : ''
                }
                · ${l.qualityLevel ?? 'no quality reports'}
                ${l.client.browser ? ` · ${l.client.browser}/${l.client.os ?? '?'}` : ''}
              </span>
            </li>`,
        )}
      </ol>
      <h3>Quality over time (MOS, 1–5)</h3>
      ${
        hasSeries
          ? html`<figure>
              <div class="chart" id="quality-chart" aria-hidden="true"></div>
              <figcaption>
                <details>
                  <summary>Quality over time as a table</summary>
                  <div class="scroll">
                    <table>
                      <thead>
                        <tr>
                          <th scope="col">Participant</th>
                          <th scope="col">Time</th>
                          <th scope="col">Level</th>
                          <th scope="col">MOS</th>
                          <th scope="col">RTT (ms)</th>
                          <th scope="col">Loss</th>
                        </tr>
                      </thead>
                      <tbody>
                        ${t.legs.flatMap((l, i) =>
                          l.series.map(
                            (p) =>
                              html`<tr>
                                <td>${this.legName(l, i)}</td>
                                <td>${formatTime(p.at)}</td>
                                <td>${p.level}</td>
                                <td>${formatNumber(p.mos)}</td>
                                <td>${formatNumber(p.rttMs)}</td>
                                <td>${p.loss == null ? '–' : `${formatNumber(p.loss * 100)} %`}</td>
                              </tr>`,
                          ),
                        )}
                      </tbody>
                    </table>
                  </div>
                </details>
              </figcaption>
            </figure>`
          : html`<p class="muted">No quality reports for this call.</p>`
      }
    </section>`;
  }
}
