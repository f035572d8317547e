import { css } from 'lit';

/** Styles of `<minimeet-participant-tile>`. */
export const participantTileStyles = css`
  :host {
    display: block;
    position: relative;
    min-inline-size: 0;
    min-block-size: 0;
    border-radius: var(--minimeet-tile-radius, var(--mm-radius));
    outline: none;
  }

  :host(:focus-visible) .base {
    outline: var(--mm-focus-ring);
    outline-offset: 2px;
  }

  .base {
    position: relative;
    inline-size: 100%;
    block-size: 100%;
    min-block-size: 4rem;
    overflow: hidden;
    border-radius: inherit;
    background: var(--mm-tile);
    color: var(--mm-on-tile);
    isolation: isolate;
  }

  .base::after {
    content: '';
    position: absolute;
    inset: 0;
    border-radius: inherit;
    pointer-events: none;
    box-shadow: inset 0 0 0 0 transparent;
    transition: box-shadow 150ms;
  }

  :host([speaking]) .base::after {
    box-shadow: inset 0 0 0 3px var(--mm-speaking);
  }

  :host([pinned]) .base::after {
    box-shadow: inset 0 0 0 2px var(--mm-accent);
  }

  :host([pinned][speaking]) .base::after {
    box-shadow: inset 0 0 0 3px var(--mm-speaking);
  }

  .video {
    position: absolute;
    inset: 0;
    inline-size: 100%;
    block-size: 100%;
    object-fit: cover;
    background: #000;
  }

  .base[data-source='screen_share'] .video {
    object-fit: contain;
  }

  .video[hidden] {
    display: none;
  }

  .video.mirrored {
    transform: scaleX(-1);
  }

  .audio {
    display: none;
  }

  .avatar {
    position: absolute;
    inset: 0;
    margin: auto;
    inline-size: clamp(2.5rem, 28%, 7rem);
    aspect-ratio: 1;
    block-size: auto;
    max-block-size: 60%;
    display: grid;
    place-items: center;
    border-radius: 50%;
    background: color-mix(in srgb, var(--mm-accent) 55%, var(--mm-tile));
    color: #fff;
    font-weight: 700;
    font-size: clamp(1rem, 3.2vmin, 2.25rem);
    overflow: hidden;
    user-select: none;
  }

  .avatar img {
    inline-size: 100%;
    block-size: 100%;
    object-fit: cover;
  }

  .label {
    position: absolute;
    inset-inline-start: var(--mm-space-2);
    inset-block-end: var(--mm-space-2);
    max-inline-size: calc(100% - 3.5rem);
    display: flex;
    align-items: center;
    gap: var(--mm-space-1);
    padding: 0.2rem 0.55rem;
    border-radius: 999px;
    background: rgb(8 10 18 / 0.62);
    color: #fff;
    font-size: var(--mm-font-size-sm);
    line-height: 1.3;
    backdrop-filter: blur(6px);
  }

  .name {
    min-inline-size: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  /* Lighter tints than the theme's: the label is a dark pill in either scheme. */
  .label .quality-indicator {
    flex: none;
    color: #86efac;
  }

  .label .quality-indicator[data-quality='poor'] {
    color: #fcd34d;
  }

  .label .quality-indicator[data-quality='lost'] {
    color: #fca5a5;
  }

  .badge {
    display: inline-flex;
    align-items: center;
    gap: 0.2rem;
    flex: none;
  }

  .badge .icon {
    inline-size: 1.05em;
    block-size: 1.05em;
  }

  .muted {
    color: #fca5a5;
  }

  .reconnecting {
    color: #fde68a;
    font-size: var(--mm-font-size-xs);
  }

  .pin {
    position: absolute;
    inset-block-start: var(--mm-space-2);
    inset-inline-end: var(--mm-space-2);
    inline-size: 2.25rem;
    block-size: 2.25rem;
    background: rgb(8 10 18 / 0.55);
    color: #fff;
    opacity: 0;
    transition: opacity 120ms;
  }

  .pin:hover {
    background: rgb(8 10 18 / 0.8);
  }

  :host(:hover) .pin,
  :host(:focus-within) .pin,
  :host(:focus) .pin,
  :host([pinned]) .pin,
  .pin:focus-visible {
    opacity: 1;
  }

  .host {
    position: absolute;
    inset-block-start: var(--mm-space-2);
    inset-inline-end: calc(var(--mm-space-2) + 2.5rem);
    inline-size: 2.25rem;
    block-size: 2.25rem;
    background: rgb(8 10 18 / 0.55);
    color: #fff;
    opacity: 0;
    transition: opacity 120ms;
  }

  .host:hover,
  .host[aria-expanded='true'] {
    background: rgb(8 10 18 / 0.8);
    opacity: 1;
  }

  :host(:hover) .host,
  :host(:focus-within) .host,
  :host(:focus) .host,
  .host:focus-visible {
    opacity: 1;
  }

  .hand {
    position: absolute;
    inset-block-start: var(--mm-space-2);
    inset-inline-start: var(--mm-space-2);
    display: inline-flex;
    align-items: center;
    gap: 0.2rem;
    padding: 0.2rem 0.55rem 0.2rem 0.4rem;
    border-radius: 999px;
    background: var(--minimeet-color-hand, #fbbf24);
    color: #1a1205;
    font-size: var(--mm-font-size-sm);
    font-weight: 700;
    line-height: 1.3;
    box-shadow: 0 1px 4px rgb(0 0 0 / 0.35);
  }

  .hand .icon {
    inline-size: 1.1em;
    block-size: 1.1em;
  }

  :host([pinned]) .pin {
    background: var(--mm-accent);
    color: var(--mm-on-accent);
  }

  @media (hover: none) {
    .host,
    .pin {
      opacity: 0.85;
    }
  }
`;
