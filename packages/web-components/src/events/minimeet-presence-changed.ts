import type { UserPresence } from '@minimeet/sdk';

/** The `detail` of `minimeet-presence-changed`. */
export interface PresenceChangedDetail {
  /** The user's presence now. */
  readonly presence: UserPresence;
}

/**
 * Dispatched by `<minimeet-presence-badge>` when the presence it shows changes. It bubbles and is
 * composed.
 */
export type MinimeetPresenceChangedEvent = CustomEvent<PresenceChangedDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'minimeet-presence-changed': MinimeetPresenceChangedEvent;
  }
}
