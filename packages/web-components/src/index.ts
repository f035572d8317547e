/**
 * `@minimeet/web-components`: Lit custom elements over the minimeet SDK. This entry exports the
 * classes without registering any tag; import `@minimeet/web-components/<name>.js` (or load
 * `minimeet-elements.js`) to register them.
 *
 * @packageDocumentation
 */
export { MinimeetConnectionStatus } from './connection-status/connection-status.component.js';
export { connectionStatusStyles } from './connection-status/connection-status.styles.js';
export { MinimeetControlBar } from './control-bar/control-bar.component.js';
export { controlBarStyles } from './control-bar/control-bar.styles.js';
export { MinimeetDeviceSelect, canChooseSpeaker } from './device-select/device-select.component.js';
export { deviceSelectStyles } from './device-select/device-select.styles.js';
export { MinimeetParticipantTile } from './participant-tile/participant-tile.component.js';
export type { TileSource } from './participant-tile/participant-tile.component.js';
export { participantTileStyles } from './participant-tile/participant-tile.styles.js';
export { MinimeetPrejoin } from './prejoin/prejoin.component.js';
export { prejoinStyles } from './prejoin/prejoin.styles.js';
export { MinimeetRoom } from './room/room.component.js';
export type { RoomView } from './room/room.component.js';
export { roomStyles } from './room/room.styles.js';
export { MinimeetVideoGrid } from './video-grid/video-grid.component.js';
export { videoGridStyles } from './video-grid/video-grid.styles.js';
export { fitGrid } from './video-grid/layout.js';
export type { GridFit } from './video-grid/layout.js';
export { ClientController } from './controllers/ClientController.js';
export type {
  ClientControllerOptions,
  ConnectionSnapshot,
  ConnectionTransition,
} from './controllers/ClientController.js';
export { EventsController } from './controllers/EventsController.js';
export type { EventBindings } from './controllers/EventsController.js';
export { NotifierController } from './controllers/NotifierController.js';
export { ModerationController } from './controllers/ModerationController.js';
export { ParticipantController } from './controllers/ParticipantController.js';
export { RoomContextController } from './controllers/RoomContextController.js';
export { RoomController } from './controllers/RoomController.js';
export {
  ALL_FEATURES,
  createRoomContext,
  localeContext,
  provideRoomContext,
  roomContext,
} from './context/room-context.js';
export type {
  LocaleContextValue,
  MinimeetRoomContext,
  PanelName,
  RoomCommands,
  RoomFeatures,
  RoomLayout,
} from './context/room-context.js';
export {
  availableLanguages,
  directionOf,
  LocalizeController,
  registerMessages,
  translate,
} from './i18n/localize.js';
export type {
  Catalogue,
  Message,
  MessageKey,
  MessageParams,
  Messages,
  PluralMessage,
} from './i18n/localize.js';
export { icon } from './icons/icons.js';
export type { IconName } from './icons/icons.js';
export { MinimeetElement } from './internal/minimeet-element.js';
export type { MinimeetTheme } from './internal/minimeet-element.js';
export { MinimeetRoomPart } from './internal/room-part.js';
export { sharedStyles } from './styles/shared.js';
export { themeStyles } from './styles/theme.js';
export { Notifier } from './toast/notifier.js';
export type { NotifyOptions, Toast, ToastAction, ToastVariant } from './toast/notifier.js';
export { notificationStyles, renderNotifications } from './toast/toast-view.js';
export { MinimeetChat, CHAT_REACTIONS } from './chat/chat.component.js';
export { chatStyles } from './chat/chat.styles.js';
export { snippetSegments } from './chat/chat-text.js';
export type { SnippetSegment } from './chat/chat-text.js';
export { MinimeetParticipantList } from './participant-list/participant-list.component.js';
export { participantListStyles } from './participant-list/participant-list.styles.js';
export { MinimeetPresenceBadge } from './presence-badge/presence-badge.component.js';
export { presenceBadgeStyles } from './presence-badge/presence-badge.styles.js';
export type * from './events/events.js';
