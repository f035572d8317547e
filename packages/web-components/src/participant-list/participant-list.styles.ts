import { css } from 'lit';

/** Styles of `<minimeet-participant-list>`; colours and sizes are `--minimeet-…` properties. */
export const participantListStyles = css`
  :host {
    display: block;
    min-height: 0;
    color: var(--mm-text);
    background: var(--mm-surface);
    font-family: var(--mm-font);
  }

  :host([hidden]) {
    display: none;
  }

  .base {
    display: flex;
    flex-direction: column;
    height: 100%;
    min-height: 0;
  }

  .header {
    min-height: 3.25rem;
    display: flex;
    align-items: center;
    gap: 0.5rem;
    padding: 0.75rem 1rem;
    border-block-end: 1px solid var(--mm-border);
  }

  .header.compact {
    min-height: 0;
    padding-block: 0.5rem;
  }

  .title.subtitle {
    color: var(--mm-text-muted);
    font-size: var(--mm-font-size-sm);
    font-weight: 500;
  }

  .title {
    flex: 1;
    display: flex;
    align-items: center;
    gap: 0.5rem;
    margin: 0;
    font-size: 1rem;
    font-weight: 600;
  }

  .count {
    min-width: 1.5em;
    padding: 0.05em 0.5em;
    border-radius: 999px;
    background: var(--mm-surface-2);
    color: var(--mm-text-muted);
    font-size: 0.8125rem;
    font-weight: 600;
    text-align: center;
  }

  .list {
    flex: 1;
    min-height: 0;
    margin: 0;
    padding: 0.25rem 0;
    overflow-y: auto;
    list-style: none;
  }

  .participant {
    display: flex;
    align-items: center;
    gap: 0.75rem;
    padding: var(--minimeet-participant-list-row-padding, 0.5rem 1rem);
    border-radius: 0.5rem;
    margin: 0 0.25rem;
    outline: none;
  }

  .participant:hover {
    background: color-mix(in srgb, var(--mm-text) 6%, transparent);
  }

  .participant:focus-visible {
    box-shadow: inset 0 0 0 2px var(--mm-focus);
  }

  .avatar {
    --_size: var(--minimeet-participant-list-avatar-size, 2.25rem);
    flex: none;
    display: grid;
    place-items: center;
    width: var(--_size);
    height: var(--_size);
    overflow: hidden;
    border-radius: 50%;
    background: hsl(var(--_hue) 50% 32%);
    color: #fff;
    font-size: 0.8125rem;
    font-weight: 600;
    transition: box-shadow 120ms ease;
  }

  .avatar img {
    width: 100%;
    height: 100%;
    object-fit: cover;
  }

  .participant[data-speaking] .avatar {
    box-shadow:
      0 0 0 2px var(--mm-surface),
      0 0 0 4px var(--mm-speaking);
  }

  .participant[data-reconnecting] .avatar {
    opacity: 0.5;
  }

  .who {
    flex: 1;
    min-width: 0;
    display: flex;
    flex-direction: column;
    gap: 0.125rem;
  }

  .name {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    font-weight: 500;
  }

  .details {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.25rem 0.5rem;
    color: var(--mm-text-muted);
    font-size: 0.8125rem;
  }

  .details:empty {
    display: none;
  }

  .role {
    padding: 0 0.4em;
    border: 1px solid currentColor;
    border-radius: 0.25rem;
    font-size: 0.75rem;
    line-height: 1.4;
  }

  .reconnecting {
    color: var(--mm-warning);
  }

  /* The ring's green is too light for small text on white: darkened toward the text colour. */
  .speaking {
    color: color-mix(in srgb, var(--mm-speaking) 60%, var(--mm-text));
  }

  .quality:empty {
    display: none;
  }

  .media {
    flex: none;
    display: flex;
    gap: 0.375rem;
    font-size: 1.125rem;
  }

  .state-icon {
    display: inline-flex;
    color: var(--mm-text-muted);
  }

  .state-icon.off {
    color: var(--mm-danger);
  }

  .empty {
    margin: 0;
    padding: 1rem;
    color: var(--mm-text-muted);
  }

  @media (prefers-reduced-motion: reduce) {
    .avatar {
      transition: none;
    }
  }

  .host-controls {
    display: flex;
    flex-wrap: wrap;
    gap: 0.375rem;
    padding: 0.625rem 1rem;
    border-block-end: 1px solid var(--mm-border);
  }

  .host-control {
    display: inline-flex;
    align-items: center;
    gap: 0.35rem;
    min-block-size: 2.25rem;
    padding: 0.25rem 0.7rem;
    border: 1px solid var(--mm-border);
    border-radius: 999px;
    background: var(--mm-surface);
    color: var(--mm-text);
    font: inherit;
    font-size: var(--mm-font-size-sm);
    font-weight: 600;
    cursor: pointer;
  }

  .host-control:hover {
    background: var(--mm-surface-2);
  }

  .host-control[aria-pressed='true'] {
    border-color: transparent;
    background: var(--mm-accent);
    color: var(--mm-on-accent);
  }

  .host-control[data-danger] {
    border-color: color-mix(in srgb, var(--mm-danger) 45%, transparent);
    color: var(--mm-danger);
  }

  .host-control .icon {
    inline-size: 1.1em;
    block-size: 1.1em;
  }

  .lobby {
    padding: 0.5rem 0.25rem;
    border-block-end: 1px solid var(--mm-border);
    background: color-mix(in srgb, var(--mm-accent) 7%, var(--mm-surface));
  }

  .lobby-title {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    margin: 0;
    padding: 0.25rem 0.75rem 0.5rem;
    font-size: var(--mm-font-size-sm);
    font-weight: 700;
  }

  .lobby-list {
    margin: 0;
    padding: 0;
    list-style: none;
  }

  .lobby-entry {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    padding: 0.375rem 0.75rem;
  }

  .lobby-entry .name {
    flex: 1;
    min-inline-size: 0;
    white-space: normal;
    overflow-wrap: anywhere;
    font-weight: 600;
    line-height: 1.25;
  }

  .lobby-btn {
    min-block-size: 2.25rem;
    padding: 0.25rem 0.8rem;
    border: 1px solid var(--mm-border);
    border-radius: var(--mm-radius-sm);
    background: var(--mm-surface);
    color: var(--mm-text);
    font: inherit;
    font-size: var(--mm-font-size-sm);
    font-weight: 600;
    cursor: pointer;
  }

  .lobby-btn.primary {
    border-color: transparent;
    background: var(--mm-accent);
    color: var(--mm-on-accent);
  }

  .hand {
    display: inline-flex;
    align-items: center;
    gap: 0.1rem;
    padding: 0.1rem 0.4rem 0.1rem 0.3rem;
    border-radius: 999px;
    background: var(--minimeet-color-hand, #fbbf24);
    color: #1a1205;
    font-size: 0.75rem;
    font-weight: 700;
  }

  .hand .icon {
    inline-size: 1rem;
    block-size: 1rem;
  }

  .participant .host {
    inline-size: 2.25rem;
    block-size: 2.25rem;
    margin-inline-start: -0.25rem;
    color: var(--mm-text-muted);
  }

  .participant .host[aria-expanded='true'] {
    background: var(--mm-surface-2);
    color: var(--mm-text);
  }
`;
