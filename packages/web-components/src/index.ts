/**
 * `@minimeet/web-components`: Lit custom elements over the minimeet SDK. This entry exports the
 * classes without registering any tag; import `@minimeet/web-components/connection-status.js`
 * (or load `minimeet-elements.js`) to register them.
 *
 * @packageDocumentation
 */
export { MinimeetConnectionStatus } from './connection-status/connection-status.component.js';
export { connectionStatusStyles } from './connection-status/connection-status.styles.js';
export { ClientController } from './controllers/ClientController.js';
export type {
  ClientControllerOptions,
  ConnectionSnapshot,
  ConnectionTransition,
} from './controllers/ClientController.js';
export { MinimeetElement } from './internal/minimeet-element.js';
export type * from './events/events.js';
