/**
 * The browser bundle: registers every minimeet element. Load it with
 * `<script type="module" src="/elements/minimeet-elements.js">`; it imports the SDK from
 * `/sdk/minimeet-sdk.js`, so the page and the elements share one SDK.
 */
export * from './index.js';
import './connection-status/connection-status.js';
import './chat/chat.js';
import './participant-list/participant-list.js';
import './presence-badge/presence-badge.js';
