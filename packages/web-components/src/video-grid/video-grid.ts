import '../participant-tile/participant-tile.js';
import { MinimeetVideoGrid } from './video-grid.component.js';

export * from './video-grid.component.js';
export default MinimeetVideoGrid;

MinimeetVideoGrid.define('minimeet-video-grid');

declare global {
  interface HTMLElementTagNameMap {
    'minimeet-video-grid': MinimeetVideoGrid;
  }
}
