/**
 * Registers every minimeet element and exports every class:
 * `@minimeet/web-components/minimeet-elements.js`
 * for bundlers, and the self-contained `/elements/minimeet-elements.js` for a script tag.
 */
export * from './index.js';
import './chat/chat.js';
import './connection-status/connection-status.js';
import './control-bar/control-bar.js';
import './device-select/device-select.js';
import './participant-list/participant-list.js';
import './participant-tile/participant-tile.js';
import './prejoin/prejoin.js';
import './presence-badge/presence-badge.js';
import './room/room.js';
import './video-grid/video-grid.js';
