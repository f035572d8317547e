/**
 * `@minimeet/web-components`: Lit custom elements over the minimeet SDK. This entry exports the
 * classes without registering any tag; import `@minimeet/web-components/connection-status.js`
 * (or load `minimeet-elements.js`) to register them.
 *
 * @packageDocumentation
 */
export { MinimeetConnectionStatus } from './connection-status/connection-status.component.js';
export { connectionStatusStyles } from './connection-status/connection-status.styles.js';
export { ClientController } from './controllers/ClientController.js';
export type {
  ClientControllerOptions,
  ConnectionSnapshot,
  ConnectionTransition,
} from './controllers/ClientController.js';
export { MinimeetElement } from './internal/minimeet-element.js';
export { MinimeetChat, CHAT_REACTIONS } from './chat/chat.component.js';
export { chatStyles } from './chat/chat.styles.js';
export { snippetSegments } from './chat/chat-text.js';
export type { SnippetSegment } from './chat/chat-text.js';
export { MinimeetParticipantList } from './participant-list/participant-list.component.js';
export { participantListStyles } from './participant-list/participant-list.styles.js';
export { MinimeetPresenceBadge } from './presence-badge/presence-badge.component.js';
export { presenceBadgeStyles } from './presence-badge/presence-badge.styles.js';
export { ChatChannelController } from './controllers/ChatChannelController.js';
export type { ChatChannelControllerOptions } from './controllers/ChatChannelController.js';
export { RoomParticipantsController } from './controllers/RoomParticipantsController.js';
export type { RoomParticipantsControllerOptions } from './controllers/RoomParticipantsController.js';
export { PresenceController } from './controllers/PresenceController.js';
export type { PresenceControllerOptions } from './controllers/PresenceController.js';
export type * from './events/events.js';
