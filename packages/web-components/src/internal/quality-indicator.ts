import type { ConnectionQuality } from '@minimeet/sdk';
import { css, html, svg, type TemplateResult } from 'lit';
import type { LocalizeController } from '../i18n/localize.js';

/** How many of the three bars each level fills. */
const BARS: Record<ConnectionQuality, number> = {
  excellent: 3,
  good: 2,
  poor: 1,
  lost: 0,
  unknown: 0,
};

/** The accessible name of a connection quality level, in the host's language. */
export function qualityLabel(i18n: LocalizeController, quality: ConnectionQuality): string {
  switch (quality) {
    case 'excellent':
      return i18n.t('quality.excellent');
    case 'good':
      return i18n.t('quality.good');
    case 'poor':
      return i18n.t('quality.poor');
    case 'lost':
      return i18n.t('quality.lost');
    case 'unknown':
      return i18n.t('quality.unknown');
  }
}

/**
 * A connection quality level as three signal bars in an element labelled with the level
 * (`role="img"`), so the level is never told by colour alone: `poor` fills one bar in the warning
 * colour, `lost` none, crossed out in the danger colour. `data-quality` carries the level for
 * styling. Style it with {@link qualityIndicatorStyles}.
 */
export function qualityIndicator(
  i18n: LocalizeController,
  quality: ConnectionQuality,
  part: string,
): TemplateResult {
  const label = qualityLabel(i18n, quality);
  const filled = BARS[quality];
  return html`<span
    part=${part}
    class="quality-indicator"
    data-quality=${quality}
    role="img"
    aria-label=${label}
    title=${label}
    ><svg viewBox="0 0 24 24" width="1em" height="1em" aria-hidden="true" focusable="false">
      ${[0, 1, 2].map(
        (i) =>
          svg`<rect class=${i < filled ? 'bar on' : 'bar'} x=${3 + i * 7} y=${15 - i * 5} width="4.5" height=${6 + i * 5} rx="1"/>`,
      )}
      ${quality === 'lost' ? svg`<path class="cross" d="M3 3l18 18"/>` : ''}
    </svg></span
  >`;
}

/** Styles of {@link qualityIndicator}. */
export const qualityIndicatorStyles = css`
  .quality-indicator {
    display: inline-flex;
    align-items: center;
    color: var(--mm-success);
    line-height: 0;
  }
  .quality-indicator .bar {
    fill: currentColor;
    opacity: 0.3;
  }
  .quality-indicator .bar.on {
    opacity: 1;
  }
  .quality-indicator[data-quality='good'] {
    color: var(--mm-success);
  }
  .quality-indicator[data-quality='poor'] {
    color: var(--mm-warning);
  }
  .quality-indicator[data-quality='lost'] {
    color: var(--mm-danger);
  }
  .quality-indicator .cross {
    stroke: currentColor;
    stroke-width: 2.4;
    stroke-linecap: round;
  }
  .quality-indicator[data-quality='unknown'] {
    color: var(--mm-text-muted);
  }
`;
