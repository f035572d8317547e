/**
 * Registers every minimeet element and exports every class:
 * `@minimeet/web-components/minimeet-elements.js`
 * for bundlers, and the self-contained `/elements/minimeet-elements.js` for a script tag.
 */
export * from './index.js';
import './connection-status/connection-status.js';
import './chat/chat.js';
import './participant-list/participant-list.js';
import './presence-badge/presence-badge.js';
