import type { ParticipantPermissions, Principal } from '@minimeet/protocol';

/**
 * A check a join must pass besides its admission to the room (moderation: bars, the lock, the
 * lobby), and the permissions it joins with. {@link CallService} consults the one registered with
 * {@link CallService.admitWith} before the admission, again once the seat is taken (so that a lock
 * racing the join has one outcome), and tells it when the join went through.
 */
export interface CallGate {
  /** Throws an `AppError` when the principal may not take a seat in the room's call now. */
  check(principal: Principal, roomId: string): Promise<void>;
  /** The permissions the principal joins with: the room's, narrowed by what hosts changed. */
  permissions(
    principal: Principal,
    roomId: string,
    granted: ParticipantPermissions,
  ): Promise<ParticipantPermissions>;
  /** The join took its seat. */
  seated(principal: Principal, roomId: string): void;
}
