import { css } from 'lit';

/** Styles of `<minimeet-device-select>`. */
export const deviceSelectStyles = css`
  :host {
    display: block;
    min-inline-size: 0;
  }

  .base {
    display: grid;
    gap: var(--mm-space-1);
  }

  .label {
    display: inline-flex;
    align-items: center;
    gap: var(--mm-space-2);
    color: var(--mm-text-muted);
  }

  .row {
    display: flex;
    gap: var(--mm-space-2);
    align-items: center;
  }

  select {
    flex: 1 1 auto;
    appearance: auto;
    text-overflow: ellipsis;
  }

  select:disabled {
    opacity: 0.7;
  }
`;
