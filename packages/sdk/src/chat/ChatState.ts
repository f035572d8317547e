/** Where a {@link ChatChannel}'s subscription to its room's conversation stands. */
export enum ChatState {
  /** Subscribing for the first time and loading the recent history. */
  Connecting = 'connecting',
  /** Subscribed and up to date: new messages arrive live. */
  Synced = 'synced',
  /** The connection dropped, or it is back and what was missed is being fetched. */
  Reconnecting = 'reconnecting',
  /** Closed for good; open the conversation again with `client.chat(roomId)`. */
  Closed = 'closed',
}
