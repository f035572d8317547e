import '../presence-badge/presence-badge.js';
import { MinimeetParticipantList } from './participant-list.component.js';

export * from './participant-list.component.js';
export default MinimeetParticipantList;

MinimeetParticipantList.define('minimeet-participant-list');

declare global {
  interface HTMLElementTagNameMap {
    'minimeet-participant-list': MinimeetParticipantList;
  }
}
