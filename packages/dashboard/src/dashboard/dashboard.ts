import { MinimeetDashboard } from './dashboard.component.js';

customElements.define('minimeet-dashboard', MinimeetDashboard);

declare global {
  interface HTMLElementTagNameMap {
    'minimeet-dashboard': MinimeetDashboard;
  }
}

export { MinimeetDashboard };
