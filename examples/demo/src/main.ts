// The demo page's entry: one AuthClient (the session survives a reload of this tab), one SDK
// client, the rooms API, and `<demo-app>` on top. Bundled with the minimeet elements and the SDK
// from the workspace, so the page holds exactly one copy of each.
import '@minimeet/web-components/minimeet-elements.js';
import { AuthClient, MinimeetClient, createWebAuthStorage } from '@minimeet/sdk';
import { createRoomsApi } from './api.js';
import { DemoApp } from './app.js';

const server = window.location.origin;
const auth = new AuthClient(server, {
  storage: createWebAuthStorage(window.sessionStorage),
  storageKey: 'minimeet-demo:session',
});
const client = new MinimeetClient({ reconnect: { maxAttempts: 8 } });
const api = createRoomsApi(server, () => auth.getAccessToken());

const app = new DemoApp();
app.services = { server, auth, client, api };
document.body.replaceChildren(app);
