// The dashboard page: signs in with the SDK's AuthClient (the session kept in localStorage, so a
// reload stays signed in) and hands the element a client of the analytics API.
import { createAuthClient, createWebAuthStorage } from '@minimeet/sdk';
import { AnalyticsClient } from './api/AnalyticsClient.js';
import './dashboard/dashboard.js';

const auth = createAuthClient(window.location.origin, {
  storage: createWebAuthStorage(window.localStorage),
  storageKey: 'minimeet-dashboard:session',
});
const dashboard = document.createElement('minimeet-dashboard');
dashboard.auth = auth;
dashboard.analytics = new AnalyticsClient(window.location.origin, auth.tokenProvider);
document.body.append(dashboard);
