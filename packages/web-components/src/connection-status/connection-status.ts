import { MinimeetConnectionStatus } from './connection-status.component.js';

export * from './connection-status.component.js';
export default MinimeetConnectionStatus;

MinimeetConnectionStatus.define('minimeet-connection-status');

declare global {
  interface HTMLElementTagNameMap {
    'minimeet-connection-status': MinimeetConnectionStatus;
  }
}
