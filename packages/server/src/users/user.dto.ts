import type { UserProfile } from '@minimeet/protocol';
import type { UserEntity } from './user.entity.js';

/** The public profile of a user: what leaves the server, never the password hash. */
export function toUserProfile(user: UserEntity): UserProfile {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    avatarUrl: user.avatarUrl,
    createdAt: user.createdAt.toISOString(),
  };
}
