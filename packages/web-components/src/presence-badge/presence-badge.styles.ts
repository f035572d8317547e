import { css } from 'lit';

/** Styles of `<minimeet-presence-badge>`; every colour and size is a `--minimeet-…` property. */
export const presenceBadgeStyles = css`
  :host {
    display: inline-flex;
    vertical-align: middle;
    max-width: 100%;
    font-family: var(--mm-font);
    --_dot: var(--minimeet-presence-offline, var(--mm-text-muted));
  }

  :host([hidden]),
  :host([state='unknown']) {
    display: none;
  }

  :host([state='online']) {
    --_dot: var(--minimeet-presence-online, var(--mm-success));
  }

  :host([state='in_call']) {
    --_dot: var(--minimeet-presence-in-call, var(--mm-accent));
  }

  :host([state='away']) {
    --_dot: var(--minimeet-presence-away, var(--mm-warning));
  }

  :host([state='busy']) {
    --_dot: var(--minimeet-presence-busy, var(--mm-danger));
  }

  .base {
    display: inline-flex;
    align-items: center;
    gap: var(--minimeet-presence-badge-gap, 0.375em);
    min-width: 0;
    font-size: 0.8125em;
    line-height: 1.3;
  }

  .indicator {
    flex: none;
    box-sizing: border-box;
    width: var(--minimeet-presence-badge-size, 0.625rem);
    height: var(--minimeet-presence-badge-size, 0.625rem);
    border-radius: 50%;
    background: var(--_dot);
    /* Shapes as well as colours, so the states differ without colour vision. */
    border: 2px solid var(--_dot);
  }

  :host([state='away']) .indicator {
    background: linear-gradient(90deg, var(--_dot) 50%, transparent 50%);
  }

  :host([state='offline']) .indicator {
    background: transparent;
  }

  :host([state='busy']) .indicator {
    background:
      linear-gradient(
        transparent 38%,
        var(--mm-surface) 38%,
        var(--mm-surface) 62%,
        transparent 62%
      ),
      var(--_dot);
  }

  :host([state='in_call']) .indicator {
    border-radius: 0.15em;
  }

  :host([compact]) .indicator {
    box-shadow: 0 0 0 2px var(--mm-surface);
  }

  .state-label {
    white-space: nowrap;
  }

  .detail {
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    opacity: 0.8;
  }

  .separator {
    margin-inline-end: 0.375em;
  }
`;
