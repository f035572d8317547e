import { MinimeetPresenceBadge } from './presence-badge.component.js';

export * from './presence-badge.component.js';
export default MinimeetPresenceBadge;

MinimeetPresenceBadge.define('minimeet-presence-badge');

declare global {
  interface HTMLElementTagNameMap {
    'minimeet-presence-badge': MinimeetPresenceBadge;
  }
}
