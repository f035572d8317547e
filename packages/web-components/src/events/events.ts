export type {
  ConnectionStateChangedDetail,
  MinimeetConnectionStateChangedEvent,
} from './minimeet-connection-state-changed.js';
export type * from './room-events.js';
