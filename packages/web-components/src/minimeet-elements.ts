/**
 * The browser bundle: registers every minimeet element. Load it with
 * `<script type="module" src="/elements/minimeet-elements.js">`; it imports the SDK from
 * `/sdk/minimeet-sdk.js`, so the page and the elements share one SDK.
 */
export * from './index.js';
import './connection-status/connection-status.js';
import './chat/chat.js';
import './control-bar/control-bar.js';
import './device-select/device-select.js';
import './participant-list/participant-list.js';
import './participant-tile/participant-tile.js';
import './prejoin/prejoin.js';
import './presence-badge/presence-badge.js';
import './room/room.js';
import './video-grid/video-grid.js';
