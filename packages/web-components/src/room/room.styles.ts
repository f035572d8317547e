import { css } from 'lit';

/** Styles of `<minimeet-room>`. */
export const roomStyles = css`
  :host {
    display: block;
    position: relative;
    inline-size: 100%;
    block-size: 100%;
    min-block-size: min(34rem, 100dvh);
    overflow: hidden;
    background: var(--mm-bg);
    color: var(--mm-text);
    border-radius: var(--minimeet-room-radius, 0);
  }

  .base {
    position: absolute;
    inset: 0;
    display: flex;
    flex-direction: column;
    container-type: inline-size;
    container-name: room;
  }

  .banner {
    flex: none;
    display: flex;
    align-items: center;
    justify-content: center;
    gap: var(--mm-space-2);
    padding: 0.45rem var(--mm-space-3);
    background: var(--mm-warning);
    color: light-dark(#fff, #1a1203);
    font-size: var(--mm-font-size-sm);
    font-weight: 600;
  }

  .main {
    position: relative;
    flex: 1 1 auto;
    min-block-size: 0;
    display: flex;
    flex-direction: column;
  }

  .scroll {
    flex: 1 1 auto;
    min-block-size: 0;
    overflow: auto;
    padding: var(--mm-space-5) var(--mm-space-4);
    display: flex;
    flex-direction: column;
    justify-content: safe center;
  }

  @container room (max-width: 40rem) {
    .scroll {
      padding: var(--mm-space-3) var(--mm-space-2);
    }
  }

  .controls {
    flex: none;
    position: relative;
    /* Above the side panel, which covers the call on a phone: the buttons' tooltips show. */
    z-index: 20;
  }

  .call {
    position: relative;
    flex: 1 1 auto;
    min-block-size: 0;
    display: flex;
  }

  .call[hidden],
  .controls[hidden] {
    display: none;
  }

  .grid {
    flex: 1 1 auto;
    min-inline-size: 0;
  }

  .panel {
    flex: none;
    inline-size: var(--minimeet-panel-width, 22rem);
    display: flex;
    flex-direction: column;
    min-block-size: 0;
    background: var(--mm-surface);
    border-inline-start: 1px solid var(--mm-border);
  }

  .panel[hidden] {
    display: none;
  }

  @container room (max-width: 48rem) {
    .panel {
      position: absolute;
      inset: 0;
      z-index: 10;
      inline-size: auto;
      border: 0;
    }

    /* The panel covers the call: toasts go below its title and close button. */
    .base[data-panel] .toasts {
      inset-block-start: 4rem;
    }
  }

  .panel-header {
    flex: none;
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: var(--mm-space-2);
    padding: var(--mm-space-2) var(--mm-space-2) var(--mm-space-2) var(--mm-space-4);
    border-block-end: 1px solid var(--mm-border);
  }

  .panel-header h2 {
    margin: 0;
    font-size: 1.05rem;
  }

  .panel-header h2:focus {
    outline: none;
  }

  .panel-body {
    flex: 1 1 auto;
    min-block-size: 0;
    display: flex;
    flex-direction: column;
    overflow: auto;
  }

  .panel-part {
    flex: 1 1 auto;
    min-block-size: 0;
  }

  .panel-part[hidden] {
    display: none;
  }

  .settings {
    display: grid;
    gap: var(--mm-space-4);
    padding: var(--mm-space-4);
  }

  .state {
    align-self: center;
    inline-size: min(30rem, 100%);
    display: grid;
    justify-items: center;
    gap: var(--mm-space-2);
    padding: var(--mm-space-5);
    text-align: center;
    border: 1px solid var(--mm-border);
    border-radius: calc(var(--mm-radius) + 4px);
    background: var(--mm-surface);
    box-shadow: var(--mm-shadow);
  }

  .state.busy {
    margin: auto;
    border: 0;
    box-shadow: none;
    background: transparent;
    /* Shown only once the wait lasts: a quick join (the usual case) paints and animates nothing
       while its connections are being set up. */
    animation: busy-reveal 0s 0.4s backwards;
  }

  .state.busy .spinner {
    animation-delay: 0.4s;
  }

  @keyframes busy-reveal {
    from {
      visibility: hidden;
    }
  }

  .state-icon {
    display: inline-grid;
    place-items: center;
    inline-size: 3.5rem;
    block-size: 3.5rem;
    border-radius: 50%;
    background: color-mix(in srgb, var(--mm-danger) 12%, var(--mm-surface));
    color: var(--mm-danger);
  }

  .state-icon[data-icon='info'] {
    background: color-mix(in srgb, var(--mm-accent) 12%, var(--mm-surface));
    color: var(--mm-accent);
  }

  .state-icon .icon {
    inline-size: 1.75rem;
    block-size: 1.75rem;
  }

  .state-title {
    margin: var(--mm-space-2) 0 0;
    font-size: 1.3rem;
    line-height: 1.25;
  }

  .state-body {
    margin: 0;
    color: var(--mm-text-muted);
  }

  .state-actions {
    display: flex;
    flex-wrap: wrap;
    justify-content: center;
    gap: var(--mm-space-2);
    margin-block-start: var(--mm-space-3);
    inline-size: 100%;
  }

  .password {
    display: grid;
    gap: var(--mm-space-3);
    inline-size: 100%;
    text-align: start;
  }

  .error-text {
    margin: 0;
    color: var(--mm-danger);
    font-size: var(--mm-font-size-sm);
  }

  .spinner {
    inline-size: 2.25rem;
    block-size: 2.25rem;
    border-radius: 50%;
    border: 3px solid color-mix(in srgb, var(--mm-accent) 25%, transparent);
    border-block-start-color: var(--mm-accent);
    animation: spin 0.9s linear infinite;
  }

  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }
`;
