import { themeStyles } from '@minimeet/web-components';
import { css, type CSSResultGroup } from 'lit';

/**
 * The look every demo element shares: cards, forms and buttons drawn from the minimeet theme
 * tokens (`--minimeet-*`, resolved as `--mm-*`), so the lobby and the room look like one product
 * in light and dark.
 */
export const demoStyles: CSSResultGroup = [
  themeStyles,
  css`
    :host {
      display: block;
      font-family: var(--mm-font);
      color: var(--mm-text);
      line-height: 1.5;
    }
    *,
    *::before,
    *::after {
      box-sizing: border-box;
    }
    [hidden] {
      display: none !important;
    }
    .card {
      background: var(--mm-surface);
      border: 1px solid var(--mm-border);
      border-radius: var(--mm-radius);
      box-shadow: var(--mm-shadow);
      padding: var(--mm-space-5);
    }
    h1,
    h2,
    h3 {
      margin: 0;
      line-height: 1.25;
    }
    .title {
      font-size: 1.2rem;
      font-weight: 700;
    }
    .subtitle,
    .hint {
      margin: var(--mm-space-1) 0 0;
      color: var(--mm-text-muted);
      font-size: var(--mm-font-size-sm);
    }
    form {
      display: grid;
      gap: var(--mm-space-4);
      margin-top: var(--mm-space-4);
    }
    .field {
      display: grid;
      gap: var(--mm-space-1);
      margin: 0;
      border: 0;
      padding: 0;
      min-width: 0;
    }
    label,
    legend {
      font-weight: 600;
      font-size: var(--mm-font-size-sm);
    }
    .optional {
      font-weight: 400;
      color: var(--mm-text-muted);
    }
    input[type='text'],
    input[type='email'],
    input[type='password'],
    input[type='search'],
    select {
      font: inherit;
      color: inherit;
      background: var(--mm-bg);
      border: 1px solid var(--mm-border);
      border-radius: var(--mm-radius-sm);
      padding: 0.6rem 0.75rem;
      min-width: 0;
      width: 100%;
    }
    input[aria-invalid='true'] {
      border-color: var(--mm-danger);
    }
    .choice {
      display: flex;
      gap: var(--mm-space-2);
      align-items: center;
      font-weight: 400;
    }
    :focus-visible {
      outline: var(--mm-focus-ring);
      outline-offset: 2px;
    }
    button,
    .button {
      font: inherit;
      font-weight: 600;
      cursor: pointer;
      border-radius: var(--mm-radius-sm);
      border: 1px solid transparent;
      padding: 0.6rem 1rem;
      text-decoration: none;
      display: inline-flex;
      align-items: center;
      justify-content: center;
      gap: var(--mm-space-2);
      white-space: nowrap;
    }
    .primary {
      background: var(--mm-accent);
      color: var(--mm-on-accent);
    }
    .secondary {
      background: var(--mm-surface-2);
      color: var(--mm-text);
      border-color: var(--mm-border);
    }
    .small {
      padding: 0.35rem 0.7rem;
      font-size: var(--mm-font-size-sm);
    }
    .link {
      background: none;
      border: 0;
      padding: 0;
      color: var(--mm-accent);
      text-decoration: underline;
    }
    button:disabled {
      opacity: 0.6;
      cursor: progress;
    }
    .error {
      margin: 0;
      color: var(--mm-danger);
      font-size: var(--mm-font-size-sm);
      overflow-wrap: anywhere;
    }
    .row {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: var(--mm-space-3);
    }
    ul,
    ol {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .visually-hidden {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
  `,
];
