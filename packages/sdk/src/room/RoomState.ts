/** Where a {@link Room}'s membership of the call stands. */
export enum RoomState {
  /** In the call; media and signalling flow. */
  Connected = 'connected',
  /** The connection to the server dropped; peer connections stay up while the room resumes. */
  Reconnecting = 'reconnecting',
  /** Out of the call for good: left, closed, removed, or the client disconnected. */
  Disconnected = 'disconnected',
}

/** Why a {@link Room} became disconnected. */
export type RoomDisconnectReason =
  /** `leave()` was called. */
  | 'left'
  /** The room was closed or deleted. */
  | 'room_closed'
  /** This participant lost the right to be there. */
  | 'removed'
  /** The room could not be resumed or joined again after a dropped connection. */
  | 'timeout'
  /** The client was disconnected (`client.disconnect()` or a fatal connection error). */
  | 'client_closed';
