import { MinimeetParticipantTile } from './participant-tile.component.js';

export * from './participant-tile.component.js';
export default MinimeetParticipantTile;

MinimeetParticipantTile.define('minimeet-participant-tile');

declare global {
  interface HTMLElementTagNameMap {
    'minimeet-participant-tile': MinimeetParticipantTile;
  }
}
