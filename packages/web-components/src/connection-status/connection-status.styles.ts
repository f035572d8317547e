import { css } from 'lit';

/** Styles of `<minimeet-connection-status>`; every colour and size is a `--minimeet-…` property. */
export const connectionStatusStyles = css`
  :host {
    display: inline-block;
    max-width: 100%;
    font: inherit;
    --_indicator: var(--minimeet-color-neutral, #8a94a6);
  }

  :host([hidden]) {
    display: none;
  }

  :host([state='connecting']),
  :host([state='reconnecting']) {
    --_indicator: var(--minimeet-color-warning, #d97706);
  }

  :host([state='connected']) {
    --_indicator: var(--minimeet-color-success, #16a34a);
  }

  :host([state='disconnected'][has-error]) {
    --_indicator: var(--minimeet-color-danger, #dc2626);
  }

  .base {
    display: inline-flex;
    align-items: center;
    gap: var(--minimeet-connection-status-gap, 0.5em);
    max-width: 100%;
    box-sizing: border-box;
    padding: var(--minimeet-connection-status-padding, 0.375em 0.75em);
    border: var(--minimeet-connection-status-border, 1px solid rgb(0 0 0 / 0.08));
    border-radius: var(--minimeet-connection-status-border-radius, 999px);
    background: var(--minimeet-connection-status-background, rgb(0 0 0 / 0.04));
    color: var(--minimeet-connection-status-color, inherit);
    font-size: var(--minimeet-connection-status-font-size, 0.875em);
    line-height: 1.4;
  }

  .indicator {
    flex: none;
    width: var(--minimeet-connection-status-indicator-size, 0.625em);
    height: var(--minimeet-connection-status-indicator-size, 0.625em);
    border-radius: 50%;
    background: var(--_indicator);
    box-shadow: 0 0 0 0.2em color-mix(in srgb, var(--_indicator) 20%, transparent);
  }

  :host([state='connecting']) .indicator,
  :host([state='reconnecting']) .indicator {
    animation: pulse 1.2s ease-in-out infinite;
  }

  .label {
    min-width: 0;
    overflow-wrap: anywhere;
  }

  .name {
    font-weight: 600;
  }

  .detail {
    color: var(--minimeet-connection-status-detail-color, inherit);
    opacity: 0.8;
  }

  @keyframes pulse {
    50% {
      opacity: 0.35;
    }
  }

  @media (prefers-reduced-motion: reduce) {
    :host([state='connecting']) .indicator,
    :host([state='reconnecting']) .indicator {
      animation: none;
    }
  }
`;
