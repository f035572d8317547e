import '../device-select/device-select.js';
import { MinimeetPrejoin } from './prejoin.component.js';

export * from './prejoin.component.js';
export default MinimeetPrejoin;

MinimeetPrejoin.define('minimeet-prejoin');

declare global {
  interface HTMLElementTagNameMap {
    'minimeet-prejoin': MinimeetPrejoin;
  }
}
