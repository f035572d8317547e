import { css } from 'lit';

/**
 * The design tokens every minimeet element shares. Apps set the public `--minimeet-*` custom
 * properties (on the element or any ancestor); the elements read the resolved `--mm-*` ones.
 * Colours follow `prefers-color-scheme` through `light-dark()`, unless the `theme` attribute (or
 * `--minimeet-color-scheme`, which a `<minimeet-room theme="dark">` hands to its parts) says
 * `light` or `dark`.
 */
export const themeStyles = css`
  :host {
    color-scheme: var(--minimeet-color-scheme, light dark);

    --mm-font: var(
      --minimeet-font-family,
      ui-sans-serif,
      system-ui,
      -apple-system,
      'Segoe UI',
      Roboto,
      'Noto Sans',
      'Noto Sans Arabic',
      'Helvetica Neue',
      Arial,
      sans-serif
    );
    --mm-font-size: var(--minimeet-font-size, 1rem);
    --mm-font-size-sm: calc(var(--mm-font-size) * 0.875);
    --mm-font-size-xs: calc(var(--mm-font-size) * 0.78);

    --mm-accent: var(--minimeet-color-accent, light-dark(#4f46e5, #818cf8));
    --mm-on-accent: var(--minimeet-color-on-accent, light-dark(#ffffff, #0b0f1a));
    --mm-bg: var(--minimeet-color-background, light-dark(#f6f7fb, #0b0f1a));
    --mm-surface: var(--minimeet-color-surface, light-dark(#ffffff, #141a2b));
    --mm-surface-2: var(--minimeet-color-surface-raised, light-dark(#eef1f7, #1d2538));
    --mm-text: var(--minimeet-color-text, light-dark(#141a2a, #e8ebf4));
    --mm-text-muted: var(--minimeet-color-text-muted, light-dark(#525b6e, #a3acc0));
    --mm-border: var(--minimeet-color-border, light-dark(#dde2ec, #2a3350));
    --mm-success: var(--minimeet-color-success, light-dark(#15803d, #4ade80));
    --mm-warning: var(--minimeet-color-warning, light-dark(#b45309, #fbbf24));
    --mm-danger: var(--minimeet-color-danger, light-dark(#c42b1c, #f87171));
    --mm-on-danger: var(--minimeet-color-on-danger, light-dark(#ffffff, #1a0505));
    --mm-focus: var(--minimeet-color-focus, light-dark(#4338ca, #c7d2fe));
    --mm-stage: var(--minimeet-color-stage, light-dark(#e9ecf3, #070a12));
    --mm-tile: var(--minimeet-color-tile, light-dark(#2b3245, #1b2233));
    --mm-on-tile: var(--minimeet-color-on-tile, #f4f6fb);
    --mm-speaking: var(--minimeet-color-speaking, light-dark(#16a34a, #4ade80));
    --mm-toast-bg: var(--minimeet-toast-background, light-dark(#1f2537, #eef1f8));
    --mm-toast-fg: var(--minimeet-toast-color, light-dark(#f4f6fb, #141a2a));

    --mm-radius: var(--minimeet-radius, 14px);
    --mm-radius-sm: var(--minimeet-radius-small, 10px);
    --mm-shadow: var(
      --minimeet-shadow,
      0 1px 2px rgb(16 24 40 / 0.08),
      0 12px 32px -12px rgb(16 24 40 / 0.3)
    );
    --mm-focus-ring: 3px solid var(--mm-focus);
    --mm-control-size: var(--minimeet-control-size, 3rem);
    --mm-space-1: 0.25rem;
    --mm-space-2: 0.5rem;
    --mm-space-3: 0.75rem;
    --mm-space-4: 1rem;
    --mm-space-5: 1.5rem;
  }

  :host([theme='light']) {
    --minimeet-color-scheme: light;
  }

  :host([theme='dark']) {
    --minimeet-color-scheme: dark;
  }

  :host([theme='auto']) {
    --minimeet-color-scheme: light dark;
  }
`;
