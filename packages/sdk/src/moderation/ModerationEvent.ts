/** Events of a room's {@link RoomModeration}; listen with `room.moderation.on(ModerationEvent.X, …)`. */
export enum ModerationEvent {
  /**
   * A host muted sources of the local participant; the SDK has turned them off. The user may turn
   * them on again unless the grants forbid it.
   *
   * args: (`sources`: MuteSource[], `by`: ModerationActor)
   */
  MutedByHost = 'mutedByHost',
  /**
   * A host asks the local user to unmute; nothing is turned on unless the user does it.
   *
   * args: (`sources`: MuteSource[], `by`: ModerationActor)
   */
  UnmuteRequested = 'unmuteRequested',
  /**
   * A host changed the local participant's permissions; sources no longer allowed were turned off.
   *
   * args: (`permissions`: ParticipantPermissions, `by`: ModerationActor)
   */
  GrantsChanged = 'grantsChanged',
  /**
   * A host removed the local participant; the room disconnects with `removed` right after.
   *
   * args: (`event`: RemovedEvent, with `reason` and `bannedUntil`)
   */
  Removed = 'removed',
  /**
   * A host ended the call for everyone; the room disconnects with `room_closed` right after.
   *
   * args: (`by`: ModerationActor)
   */
  CallEnded = 'callEnded',
  /**
   * The room was locked or unlocked, or its lobby turned on or off.
   *
   * args: (`settings`: RoomModeration, `by`: ModerationActor | null, null when loaded)
   */
  SettingsChanged = 'settingsChanged',
  /**
   * The raised hands changed.
   *
   * args: (`hands`: RaisedHand[], in the order they went up)
   */
  HandsChanged = 'handsChanged',
  /**
   * Hosts: the lobby's queue changed.
   *
   * args: (`entries`: LobbyEntry[], longest wait first)
   */
  LobbyChanged = 'lobbyChanged',
  /**
   * A data message from the host app's backend.
   *
   * args: (`data`: unknown, `topic`: string | null)
   */
  DataReceived = 'dataReceived',
}
