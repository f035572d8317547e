/** Where a {@link MinimeetClient}'s connection to the server stands. */
export enum ConnectionState {
  /** Not connected, and not trying to be: before `connect()`, after `disconnect()` or a fatal error. */
  Disconnected = 'disconnected',
  /** `connect()` is opening the first connection. */
  Connecting = 'connecting',
  /** Connected and authenticated; requests flow. */
  Connected = 'connected',
  /** The connection dropped and the client is opening a new one with backoff. */
  Reconnecting = 'reconnecting',
}
