import type { ConnectionTransition } from '../controllers/ClientController.js';

/** The `detail` of `minimeet-connection-state-changed`: the new state and what came with it. */
export type ConnectionStateChangedDetail = ConnectionTransition;

/**
 * Dispatched by `<minimeet-connection-status>` each time its client's connection state changes.
 * It bubbles and is composed.
 */
export type MinimeetConnectionStateChangedEvent = CustomEvent<ConnectionStateChangedDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'minimeet-connection-state-changed': MinimeetConnectionStateChangedEvent;
  }
}
