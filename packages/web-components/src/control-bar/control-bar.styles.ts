import { css } from 'lit';

/** Styles of `<minimeet-control-bar>`. */
export const controlBarStyles = css`
  :host {
    display: block;
    container-type: inline-size;
    background: var(--minimeet-control-bar-background, var(--mm-surface));
    border-block-start: 1px solid var(--mm-border);
  }

  .base {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: var(--mm-space-2);
    padding: var(--mm-space-2) var(--mm-space-3);
    max-inline-size: 64rem;
    margin: 0 auto;
  }

  .group {
    display: flex;
    align-items: center;
    gap: var(--mm-space-2);
  }

  .group:empty {
    display: none;
  }

  .control {
    position: relative;
    display: inline-flex;
  }

  .button {
    display: inline-flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: 0.15rem;
    min-inline-size: 4.25rem;
    min-block-size: var(--mm-control-size);
    padding: 0.3rem 0.55rem;
    border: 1px solid transparent;
    border-radius: var(--mm-radius-sm);
    background: var(--mm-surface-2);
    color: var(--mm-text);
    font: inherit;
    font-size: var(--mm-font-size-xs);
    font-weight: 600;
    cursor: pointer;
    transition: background-color 120ms;
  }

  .button:hover {
    background: color-mix(in srgb, var(--mm-text) 12%, var(--mm-surface-2));
  }

  .button:disabled {
    opacity: 0.55;
    cursor: progress;
  }

  .button[data-variant='off'] {
    background: color-mix(in srgb, var(--mm-danger) 14%, var(--mm-surface));
    color: var(--mm-danger);
    border-color: color-mix(in srgb, var(--mm-danger) 30%, transparent);
  }

  .button[data-variant='active'],
  .button[aria-pressed='true'] {
    background: var(--mm-accent);
    color: var(--mm-on-accent);
  }

  .button[data-variant='danger'] {
    background: var(--mm-danger);
    color: var(--mm-on-danger);
    min-inline-size: 5rem;
  }

  .button[data-variant='danger']:hover {
    background: color-mix(in srgb, var(--mm-danger) 85%, black);
  }

  .label {
    white-space: nowrap;
    line-height: 1.1;
  }

  .icon-wrap {
    position: relative;
    display: inline-flex;
  }

  .badge {
    position: absolute;
    inset-block-start: -0.45rem;
    inset-inline-end: -0.7rem;
    min-inline-size: 1.15rem;
    padding: 0 0.3rem;
    border-radius: 999px;
    background: var(--mm-danger);
    color: var(--mm-on-danger);
    font-size: 0.7rem;
    font-weight: 700;
    line-height: 1.15rem;
    text-align: center;
    box-shadow: 0 0 0 2px var(--mm-surface);
  }

  .button[aria-disabled='true'] {
    opacity: 0.5;
    cursor: not-allowed;
  }

  .button[data-control='hand'][aria-pressed='true'] {
    background: var(--minimeet-color-hand, #fbbf24);
    color: #1a1205;
  }

  .icon-wrap .icon {
    inline-size: 1.4rem;
    block-size: 1.4rem;
  }

  .tooltip {
    position: absolute;
    inset-block-end: calc(100% + 0.5rem);
    inset-inline-start: 50%;
    translate: -50% 0;
    z-index: 20;
    inline-size: max-content;
    max-inline-size: 14rem;
    padding: 0.3rem 0.6rem;
    border-radius: 6px;
    background: var(--mm-toast-bg);
    color: var(--mm-toast-fg);
    font-size: var(--mm-font-size-xs);
    font-weight: 500;
    pointer-events: none;
    opacity: 0;
    transition: opacity 120ms 300ms;
  }

  [dir='rtl'] .tooltip {
    translate: 50% 0;
  }

  .control:hover .tooltip,
  .button:focus-visible + .tooltip {
    opacity: 1;
  }

  /* Hidden labels stay as the buttons' accessible names. */
  :host([hide-labels]) .label {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }

  :host([hide-labels]) .button {
    min-inline-size: var(--mm-control-size);
  }

  @container (max-width: 40rem) {
    .label {
      position: absolute;
      inline-size: 1px;
      block-size: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
      white-space: nowrap;
    }
    .button {
      min-inline-size: 2.75rem;
      min-block-size: 2.75rem;
      padding: 0.3rem;
      border-radius: 50%;
    }
    .button[data-variant='danger'] {
      min-inline-size: 3.25rem;
      border-radius: 999px;
    }
    .base {
      padding-inline: var(--mm-space-2);
      gap: var(--mm-space-1);
    }
    .group {
      gap: 0.3rem;
    }
  }

  @container (max-width: 26rem) {
    .button {
      min-inline-size: 2.5rem;
      min-block-size: 2.5rem;
    }
    .base {
      padding-inline: var(--mm-space-1);
    }
    .group {
      gap: 0.2rem;
    }
  }

  @container (max-width: 22rem) {
    .button {
      min-inline-size: 2.5rem;
      min-block-size: 2.5rem;
    }
  }
`;
