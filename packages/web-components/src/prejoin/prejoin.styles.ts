import { css } from 'lit';

/** Styles of `<minimeet-prejoin>`. */
export const prejoinStyles = css`
  :host {
    display: block;
    container-type: inline-size;
  }

  .base {
    display: grid;
    grid-template-columns: minmax(0, 1.35fr) minmax(0, 1fr);
    gap: var(--mm-space-5);
    align-items: start;
    max-inline-size: var(--minimeet-prejoin-max-width, 62rem);
    margin: 0 auto;
    padding: var(--mm-space-5);
    border: 1px solid var(--mm-border);
    border-radius: calc(var(--mm-radius) + 4px);
    background: var(--mm-surface);
    box-shadow: var(--mm-shadow);
  }

  @container (max-width: 44rem) {
    .base {
      grid-template-columns: minmax(0, 1fr);
      padding: var(--mm-space-3);
      gap: var(--mm-space-4);
    }
  }

  .preview {
    display: grid;
    gap: var(--mm-space-3);
  }

  .video-frame {
    position: relative;
    aspect-ratio: 16 / 9;
    overflow: hidden;
    border-radius: var(--mm-radius);
    background: var(--mm-tile);
    color: var(--mm-on-tile);
  }

  .video {
    position: absolute;
    inset: 0;
    inline-size: 100%;
    block-size: 100%;
    object-fit: cover;
    transform: scaleX(-1);
  }

  .video[hidden] {
    display: none;
  }

  .camera-off {
    position: absolute;
    inset: 0;
    display: grid;
    place-content: center;
    justify-items: center;
    gap: var(--mm-space-2);
    font-size: var(--mm-font-size-sm);
    color: color-mix(in srgb, var(--mm-on-tile) 80%, transparent);
  }

  .camera-off-icon .icon {
    inline-size: 2.5rem;
    block-size: 2.5rem;
  }

  .preview-controls {
    position: absolute;
    inset-inline: 0;
    inset-block-end: var(--mm-space-3);
    display: flex;
    justify-content: center;
    gap: var(--mm-space-3);
  }

  .round {
    display: inline-grid;
    place-items: center;
    inline-size: 3rem;
    block-size: 3rem;
    border: 1px solid rgb(255 255 255 / 0.35);
    border-radius: 50%;
    background: rgb(8 10 18 / 0.55);
    color: #fff;
    cursor: pointer;
    backdrop-filter: blur(6px);
  }

  .round:hover {
    background: rgb(8 10 18 / 0.75);
  }

  .round.off {
    background: var(--mm-danger);
    color: var(--mm-on-danger);
    border-color: transparent;
  }

  .meter-row {
    display: flex;
    align-items: center;
    gap: var(--mm-space-2);
    color: var(--mm-text-muted);
  }

  .meter {
    flex: 1;
    block-size: 0.5rem;
    border-radius: 999px;
    background: var(--mm-surface-2);
    overflow: hidden;
  }

  .meter-fill {
    display: block;
    block-size: 100%;
    border-radius: inherit;
    background: var(--mm-speaking);
    transition: inline-size 100ms linear;
  }

  .form {
    display: grid;
    gap: var(--mm-space-4);
    min-inline-size: 0;
  }

  .title {
    margin: 0;
    font-size: 1.5rem;
    line-height: 1.2;
  }

  .subtitle {
    margin: var(--mm-space-1) 0 0;
    color: var(--mm-text-muted);
  }

  .devices {
    display: grid;
    gap: var(--mm-space-3);
  }

  .test {
    flex: none;
    min-block-size: 2.75rem;
    padding-inline: 0.75rem;
    font-size: var(--mm-font-size-sm);
  }

  @container (max-width: 26rem) {
    .test span {
      display: none;
    }
  }

  .check {
    padding: var(--mm-space-3);
    border-radius: var(--mm-radius-sm);
    background: var(--mm-surface-2);
  }

  .check-head {
    display: flex;
    align-items: center;
    justify-content: space-between;
  }

  .check h3 {
    margin: 0;
    font-size: var(--mm-font-size-sm);
  }

  .check ul {
    margin: var(--mm-space-1) 0 0;
    padding: 0;
    list-style: none;
    display: grid;
    gap: var(--mm-space-1);
    font-size: var(--mm-font-size-sm);
  }

  .check li {
    display: grid;
    grid-template-columns: auto 1fr;
    column-gap: var(--mm-space-2);
    align-items: center;
  }

  .check-result {
    grid-column: 2;
    color: var(--mm-text-muted);
    font-size: var(--mm-font-size-xs);
  }

  .check-dot {
    inline-size: 0.6rem;
    block-size: 0.6rem;
    border-radius: 50%;
    background: var(--mm-text-muted);
  }

  li[data-status='ok'] .check-dot {
    background: var(--mm-success);
  }

  li[data-status='local'] .check-dot,
  li[data-status='pending'] .check-dot {
    background: var(--mm-warning);
  }

  li[data-status='failed'] .check-dot {
    background: var(--mm-danger);
  }

  .permission {
    display: flex;
    gap: var(--mm-space-3);
    padding: var(--mm-space-3);
    border: 1px solid color-mix(in srgb, var(--mm-danger) 40%, transparent);
    border-radius: var(--mm-radius-sm);
    background: color-mix(in srgb, var(--mm-danger) 9%, var(--mm-surface));
  }

  .permission-icon {
    color: var(--mm-danger);
  }

  .permission p {
    margin: 0 0 var(--mm-space-2);
  }

  .permission-title {
    font-weight: 700;
  }

  .permission-body {
    font-size: var(--mm-font-size-sm);
  }

  .permission-actions {
    display: flex;
    flex-wrap: wrap;
    gap: var(--mm-space-2);
  }

  .join {
    inline-size: 100%;
    min-block-size: 3rem;
    font-size: 1.05rem;
  }
`;
