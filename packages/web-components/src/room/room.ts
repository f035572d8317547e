import '../control-bar/control-bar.js';
import '../device-select/device-select.js';
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
