export type {
  ConnectionStateChangedDetail,
  MinimeetConnectionStateChangedEvent,
} from './minimeet-connection-state-changed.js';
