import { css, html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { icon } from '../icons/icons.js';
import type { Notifier, ToastVariant } from './notifier.js';

const VARIANT_ICON: Readonly<Record<ToastVariant, Parameters<typeof icon>[0]>> = {
  info: 'info',
  success: 'check',
  warning: 'warning',
  danger: 'warning',
};

/**
 * Renders a {@link Notifier}: its toasts (visible, not a live region) and one polite live region
 * that carries each announcement once. Include {@link notificationStyles} in the host's styles.
 * `dismissLabel` is the accessible name of each toast's close button.
 */
export function renderNotifications(
  notifier: Notifier,
  labels: { dismiss: string; region: string },
): TemplateResult {
  return html`
    <section part="toasts" class="toasts" aria-label=${labels.region}>
      ${repeat(
        notifier.toasts,
        (toast) => toast.id,
        (toast) => html`
          <div part="toast toast-${toast.variant}" class="toast" data-variant=${toast.variant}>
            <span class="toast-icon">${icon(VARIANT_ICON[toast.variant])}</span>
            <span class="toast-text">${toast.message}</span>
            ${
              toast.action
                ? html`<button
                    part="toast-action"
                    class="toast-action"
                    type="button"
                    @click=${() => {
                      notifier.dismiss(toast.id);
                      toast.action?.run();
                    }}
                  >
                    ${toast.action.label}
                  </button>`
                : nothing
            }
            <button
              class="toast-close"
              type="button"
              aria-label=${labels.dismiss}
              @click=${() => notifier.dismiss(toast.id)}
            >
              ${icon('close')}
            </button>
          </div>
        `,
      )}
    </section>
    <div
      part="announcer"
      class="visually-hidden"
      role="status"
      aria-live="polite"
      aria-atomic="true"
    >
      ${notifier.announcement}
    </div>
  `;
}

/** Styles of {@link renderNotifications}: toasts stacked at the top of the host, on every theme. */
export const notificationStyles = css`
  .toasts {
    position: absolute;
    inset-block-start: var(--mm-space-3);
    inset-inline: var(--mm-space-3);
    z-index: 30;
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: var(--mm-space-2);
    pointer-events: none;
  }

  .toast {
    pointer-events: auto;
    display: flex;
    align-items: center;
    gap: var(--mm-space-2);
    max-width: min(28rem, 100%);
    padding: var(--mm-space-2) var(--mm-space-2) var(--mm-space-2) var(--mm-space-3);
    border-radius: var(--mm-radius);
    background: var(--mm-toast-bg);
    color: var(--mm-toast-fg);
    box-shadow: var(--mm-shadow);
    font-size: var(--mm-font-size-sm);
    animation: toast-in 160ms ease-out;
  }

  .toast[data-variant='success'] .toast-icon {
    color: var(--mm-success);
  }
  .toast[data-variant='warning'] .toast-icon {
    color: var(--mm-warning);
  }
  .toast[data-variant='danger'] .toast-icon {
    color: var(--mm-danger);
  }

  .toast-icon {
    display: inline-flex;
    flex: none;
  }

  .toast-text {
    min-width: 0;
    overflow-wrap: anywhere;
  }

  .toast-action {
    flex: none;
    min-block-size: 2rem;
    padding: 0.2rem 0.75rem;
    border: 1px solid color-mix(in srgb, currentColor 45%, transparent);
    border-radius: 999px;
    background: transparent;
    color: inherit;
    font: inherit;
    font-weight: 700;
    cursor: pointer;
  }

  .toast-action:hover {
    background: color-mix(in srgb, currentColor 14%, transparent);
  }

  .toast-action:focus-visible {
    outline: var(--mm-focus-ring);
    outline-offset: 1px;
  }

  .toast-close {
    flex: none;
    display: inline-grid;
    place-items: center;
    inline-size: 2rem;
    block-size: 2rem;
    border: 0;
    border-radius: 50%;
    background: transparent;
    color: inherit;
    cursor: pointer;
  }

  .toast-close:hover {
    background: color-mix(in srgb, currentColor 14%, transparent);
  }

  .toast-close:focus-visible {
    outline: var(--mm-focus-ring);
    outline-offset: 1px;
  }

  @keyframes toast-in {
    from {
      opacity: 0;
      transform: translateY(-0.5rem);
    }
  }

  @media (prefers-reduced-motion: reduce) {
    .toast {
      animation: none;
    }
  }
`;
