import { MinimeetDeviceSelect } from './device-select.component.js';

export * from './device-select.component.js';
export default MinimeetDeviceSelect;

MinimeetDeviceSelect.define('minimeet-device-select');

declare global {
  interface HTMLElementTagNameMap {
    'minimeet-device-select': MinimeetDeviceSelect;
  }
}
