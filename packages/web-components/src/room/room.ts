// The drop-in room registers every part it renders, its side panel's chat and participants too,
// so a page that loads only minimeet-room.js gets the whole call UI.
import '../chat/chat.js';
import '../control-bar/control-bar.js';
import '../device-select/device-select.js';
import '../participant-list/participant-list.js';
import '../participant-tile/participant-tile.js';
import '../prejoin/prejoin.js';
import '../video-grid/video-grid.js';
import { MinimeetRoom } from './room.component.js';

export * from './room.component.js';
export default MinimeetRoom;

MinimeetRoom.define('minimeet-room');

declare global {
  interface HTMLElementTagNameMap {
    'minimeet-room': MinimeetRoom;
  }
}
