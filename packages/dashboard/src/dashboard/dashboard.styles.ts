import { css, unsafeCSS } from 'lit';
import { themeStyles } from '@minimeet/web-components';
import uplotCss from 'uplot/dist/uPlot.min.css';

/** The dashboard's styles: the elements' theme tokens, uPlot's own sheet, then the layout. */
export const dashboardStyles = [
  themeStyles,
  unsafeCSS(uplotCss),
  css`
    :host {
      display: block;
      min-block-size: 100vh;
      box-sizing: border-box;
      padding: var(--mm-space-4);
      background: var(--mm-bg);
      color: var(--mm-text);
      font-family: var(--mm-font);
      font-size: var(--mm-font-size);
      line-height: 1.45;
    }
    *,
    *::before,
    *::after {
      box-sizing: inherit;
    }
    #probe {
      position: absolute;
      inline-size: 0;
      block-size: 0;
      overflow: hidden;
    }
    .visually-hidden {
      position: absolute;
      inline-size: 1px;
      block-size: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
    main {
      display: grid;
      gap: var(--mm-space-4);
      max-inline-size: 80rem;
      margin-inline: auto;
    }
    .top {
      display: flex;
      flex-wrap: wrap;
      gap: var(--mm-space-3);
      align-items: center;
      justify-content: space-between;
      max-inline-size: 80rem;
      margin: 0 auto var(--mm-space-4);
    }
    h1 {
      margin: 0;
      font-size: 1.5rem;
    }
    h2 {
      margin: 0 0 var(--mm-space-2);
      font-size: 1.1rem;
    }
    h3 {
      margin: var(--mm-space-4) 0 var(--mm-space-2);
      font-size: 1rem;
    }
    .tools {
      display: flex;
      flex-wrap: wrap;
      gap: var(--mm-space-2);
      align-items: center;
    }
    .account {
      display: flex;
      flex-wrap: wrap;
      gap: var(--mm-space-2);
      align-items: center;
      min-inline-size: 0;
    }
    .tools label {
      display: flex;
      gap: var(--mm-space-2);
      align-items: center;
    }
    .who {
      color: var(--mm-text-muted);
      font-size: var(--mm-font-size-sm);
      overflow-wrap: anywhere;
    }
    .panel {
      background: var(--mm-surface);
      border: 1px solid var(--mm-border);
      border-radius: var(--mm-radius);
      padding: var(--mm-space-4);
      min-inline-size: 0;
    }
    .muted {
      color: var(--mm-text-muted);
      margin: 0 0 var(--mm-space-2);
      font-size: var(--mm-font-size-sm);
    }
    .error {
      color: var(--mm-danger);
      margin: 0;
    }
    button,
    select,
    input {
      font: inherit;
      color: inherit;
      border-radius: var(--mm-radius-sm);
      border: 1px solid var(--mm-border);
      background: var(--mm-surface);
      padding: var(--mm-space-2) var(--mm-space-3);
      min-block-size: 2.5rem;
    }
    button {
      cursor: pointer;
      background: var(--mm-accent);
      color: var(--mm-on-accent);
      border-color: transparent;
      font-weight: 600;
    }
    button.link {
      background: none;
      border: 0;
      padding: var(--mm-space-1) 0;
      min-block-size: 2rem;
      color: var(--mm-accent);
      font-weight: 600;
      text-align: start;
      text-decoration: underline;
      text-underline-offset: 3px;
      overflow-wrap: anywhere;
    }
    button.quiet {
      background: var(--mm-surface-2);
      color: var(--mm-text);
      border-color: var(--mm-border);
      font-weight: 500;
    }
    button:disabled {
      opacity: 0.6;
      cursor: progress;
    }
    :is(button, select, input, summary, [tabindex]):focus-visible {
      outline: var(--mm-focus-ring);
      outline-offset: 2px;
    }
    .sign-in {
      display: grid;
      gap: var(--mm-space-3);
      max-inline-size: 24rem;
      margin: 10vh auto 0;
    }
    .sign-in label {
      display: grid;
      gap: var(--mm-space-1);
    }
    .stats {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr));
      gap: var(--mm-space-3);
    }
    .stat {
      display: grid;
      gap: var(--mm-space-1);
    }
    .stat-label {
      color: var(--mm-text-muted);
      font-size: var(--mm-font-size-sm);
    }
    .stat-value {
      font-size: 1.75rem;
      font-weight: 700;
      font-variant-numeric: tabular-nums;
    }
    .grid {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(min(100%, 26rem), 1fr));
      gap: var(--mm-space-4);
    }
    figure {
      margin: 0;
    }
    .chart {
      inline-size: 100%;
      min-block-size: 220px;
    }
    details {
      margin-block-start: var(--mm-space-2);
      font-size: var(--mm-font-size-sm);
    }
    summary {
      cursor: pointer;
      color: var(--mm-text-muted);
    }
    .scroll {
      overflow-x: auto;
    }
    table {
      border-collapse: collapse;
      inline-size: 100%;
      font-size: var(--mm-font-size-sm);
    }
    th,
    td {
      text-align: start;
      padding: var(--mm-space-2);
      border-block-end: 1px solid var(--mm-border);
      vertical-align: middle;
    }
    thead th {
      color: var(--mm-text-muted);
      font-weight: 600;
    }
    .list :is(th, td) {
      white-space: nowrap;
    }
    .list .room {
      overflow-wrap: normal;
    }
    .num {
      text-align: end;
      font-variant-numeric: tabular-nums;
    }
    .room {
      font-weight: 600;
      overflow-wrap: anywhere;
    }
    .bars th {
      inline-size: 8rem;
      font-weight: 500;
    }
    .bars td {
      border: 0;
    }
    .bars tr th {
      border: 0;
    }
    .bar-cell {
      inline-size: 100%;
    }
    .bar[hidden] {
      display: none;
    }
    .bar {
      display: block;
      block-size: 0.9rem;
      min-inline-size: 2px;
      border-radius: 4px;
    }
    .tone-excellent,
    .tone-success {
      background: var(--mm-success);
    }
    .tone-good,
    .tone-accent {
      background: var(--mm-accent);
    }
    .tone-poor,
    .tone-warning {
      background: var(--mm-warning);
    }
    .tone-lost,
    .tone-danger {
      background: var(--mm-danger);
    }
    .tone-muted {
      background: var(--mm-text-muted);
    }
    .badge {
      display: inline-block;
      min-inline-size: 1.6em;
      padding: 0 0.4em;
      border-radius: 999px;
      background: var(--mm-surface-2);
      text-align: center;
      font-size: var(--mm-font-size-sm);
    }
    .timeline-head {
      display: flex;
      justify-content: space-between;
      align-items: center;
      gap: var(--mm-space-2);
    }
    .gantt {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: var(--mm-space-3);
    }
    .gantt li {
      display: grid;
      grid-template-columns: minmax(8rem, 14rem) 1fr;
      gap: var(--mm-space-1) var(--mm-space-3);
      align-items: center;
    }
    .gantt-name {
      display: flex;
      gap: var(--mm-space-2);
      align-items: center;
      font-weight: 600;
      overflow-wrap: anywhere;
    }
    .swatch {
      flex: none;
      inline-size: 0.75rem;
      block-size: 0.75rem;
      border-radius: 3px;
    }
    .gantt-track {
      position: relative;
      block-size: 1rem;
      background: var(--mm-surface-2);
      border-radius: 4px;
    }
    .gantt-bar {
      position: absolute;
      inset-block: 0;
      border-radius: 4px;
    }
    .gantt-text {
      grid-column: 2;
      color: var(--mm-text-muted);
      font-size: var(--mm-font-size-sm);
    }
    @media (max-width: 40rem) {
      :host {
        padding: var(--mm-space-3);
      }
      .gantt li {
        grid-template-columns: 1fr;
      }
      .gantt-text {
        grid-column: 1;
      }
      .stat-value {
        font-size: 1.35rem;
      }
    }
  `,
];
