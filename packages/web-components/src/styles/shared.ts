import { css } from 'lit';

/**
 * Building blocks the elements share: the host's font and colours, buttons (`.btn`,
 * `.btn-primary`, `.btn-danger`, `.icon-btn`), form fields (`.field`), the visually hidden
 * text of screen readers, and a visible focus ring on everything that takes focus.
 */
export const sharedStyles = css`
  :host {
    font-family: var(--mm-font);
    font-size: var(--mm-font-size);
    line-height: 1.45;
    color: var(--mm-text);
    box-sizing: border-box;
    -webkit-font-smoothing: antialiased;
  }

  :host([hidden]) {
    display: none !important;
  }

  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }

  .visually-hidden {
    position: absolute !important;
    inline-size: 1px;
    block-size: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }

  :focus-visible {
    outline: var(--mm-focus-ring);
    outline-offset: 2px;
  }

  .icon {
    flex: none;
    display: block;
  }

  :host(:dir(rtl)) .icon-chevronStart,
  :host(:dir(rtl)) .icon-chevronEnd,
  [dir='rtl'] .icon-chevronStart,
  [dir='rtl'] .icon-chevronEnd {
    transform: scaleX(-1);
  }

  .btn {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: var(--mm-space-2);
    min-block-size: 2.75rem;
    padding: 0.5rem 1.1rem;
    border: 1px solid var(--mm-border);
    border-radius: var(--mm-radius-sm);
    background: var(--mm-surface);
    color: var(--mm-text);
    font: inherit;
    font-weight: 600;
    cursor: pointer;
    text-decoration: none;
    transition:
      background-color 120ms,
      border-color 120ms,
      color 120ms;
  }

  .btn:hover {
    background: var(--mm-surface-2);
  }

  .btn:disabled {
    opacity: 0.6;
    cursor: not-allowed;
  }

  .btn-primary {
    border-color: transparent;
    background: var(--mm-accent);
    color: var(--mm-on-accent);
  }

  .btn-primary:hover {
    background: color-mix(in srgb, var(--mm-accent) 88%, black);
  }

  .btn-danger {
    border-color: transparent;
    background: var(--mm-danger);
    color: var(--mm-on-danger);
  }

  .btn-danger:hover {
    background: color-mix(in srgb, var(--mm-danger) 88%, black);
  }

  .icon-btn {
    display: inline-grid;
    place-items: center;
    inline-size: 2.5rem;
    block-size: 2.5rem;
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: transparent;
    color: inherit;
    cursor: pointer;
  }

  .icon-btn:hover {
    background: color-mix(in srgb, currentColor 12%, transparent);
  }

  .field {
    display: grid;
    gap: var(--mm-space-1);
    min-inline-size: 0;
  }

  .field > label {
    font-size: var(--mm-font-size-sm);
    font-weight: 600;
    color: var(--mm-text);
  }

  .hint {
    font-size: var(--mm-font-size-xs);
    color: var(--mm-text-muted);
    margin: 0;
  }

  input,
  select {
    font: inherit;
    color: var(--mm-text);
    background: var(--mm-surface);
    border: 1px solid var(--mm-border);
    border-radius: var(--mm-radius-sm);
    min-block-size: 2.75rem;
    padding: 0.45rem 0.75rem;
    min-inline-size: 0;
    inline-size: 100%;
  }

  input[readonly] {
    background: var(--mm-surface-2);
    color: var(--mm-text-muted);
  }

  input[aria-invalid='true'] {
    border-color: var(--mm-danger);
    box-shadow: inset 0 0 0 1px var(--mm-danger);
  }

  @media (prefers-reduced-motion: reduce) {
    * {
      transition: none !important;
      animation: none !important;
    }
  }

  @media (forced-colors: active) {
    .btn,
    .icon-btn {
      border: 1px solid ButtonText;
    }
  }
`;
