import { MinimeetControlBar } from './control-bar.component.js';

export * from './control-bar.component.js';
export default MinimeetControlBar;

MinimeetControlBar.define('minimeet-control-bar');

declare global {
  interface HTMLElementTagNameMap {
    'minimeet-control-bar': MinimeetControlBar;
  }
}
