import { css } from 'lit';

/** Styles of `<minimeet-video-grid>`. */
export const videoGridStyles = css`
  :host {
    display: block;
    position: relative;
    min-inline-size: 0;
    min-block-size: 0;
    inline-size: 100%;
    block-size: 100%;
    overflow: hidden;
    background: var(--mm-stage);
    --_gap: var(--minimeet-grid-gap, 8px);
  }

  .base {
    position: absolute;
    inset: 0;
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    padding: 8px;
  }

  .tiles,
  .stage {
    display: grid;
    gap: var(--_gap);
    justify-content: center;
    align-content: center;
    flex: 1 1 auto;
    min-block-size: 0;
    inline-size: 100%;
  }

  .focus {
    display: flex;
    gap: var(--_gap);
    inline-size: 100%;
    block-size: 100%;
    min-block-size: 0;
  }

  .focus.narrow {
    flex-direction: column;
  }

  .stage {
    flex: 1 1 auto;
    min-inline-size: 0;
  }

  .strip {
    display: flex;
    gap: var(--_gap);
    flex: none;
    overflow: auto;
    scrollbar-width: thin;
    padding: 2px;
  }

  .focus.wide .strip {
    flex-direction: column;
    inline-size: 22%;
    min-inline-size: 9rem;
    max-inline-size: 16rem;
  }

  .focus.narrow .strip {
    flex-direction: row;
    block-size: clamp(5.5rem, 20%, 8.5rem);
  }

  .focus.wide .strip minimeet-participant-tile {
    inline-size: 100%;
    aspect-ratio: 16 / 9;
    flex: none;
  }

  .focus.narrow .strip minimeet-participant-tile {
    block-size: 100%;
    aspect-ratio: 4 / 3;
    flex: none;
  }

  .pager {
    flex: none;
    display: flex;
    align-items: center;
    gap: var(--mm-space-2);
    margin-block-start: var(--mm-space-2);
    padding: 0.15rem 0.5rem;
    border-radius: 999px;
    background: var(--mm-surface);
    color: var(--mm-text);
    box-shadow: var(--mm-shadow);
    font-size: var(--mm-font-size-sm);
  }

  .pager button:disabled {
    opacity: 0.4;
    cursor: default;
  }

  .waiting {
    position: absolute;
    inset-block-start: var(--mm-space-3);
    inset-inline: 0;
    margin: 0 auto;
    inline-size: max-content;
    max-inline-size: calc(100% - 2rem);
    padding: 0.35rem 0.9rem;
    border-radius: 999px;
    background: var(--mm-surface);
    color: var(--mm-text-muted);
    font-size: var(--mm-font-size-sm);
    box-shadow: var(--mm-shadow);
  }

  .audio {
    display: none;
  }
`;
