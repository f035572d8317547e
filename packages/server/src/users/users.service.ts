import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, type UpdateProfileRequest, type UserProfile } from '@minimeet/protocol';
import { AppError } from '../common/app-error.js';
import { toUserProfile } from './user.dto.js';
import { UserRepository } from './user.repository.js';

/** Reads and changes user profiles. */
@Injectable()
export class UsersService {
  constructor(@Inject(UserRepository) private readonly users: UserRepository) {}

  /** Whether the user is an operator of the deployment (sees every room's analytics). */
  async isOperator(userId: string): Promise<boolean> {
    return (await this.users.findById(userId))?.operator === 1;
  }

  /** The profile of a user, or `not_found`. */
  async getProfile(userId: string): Promise<UserProfile> {
    const user = await this.users.findById(userId);
    if (!user) throw new AppError(ErrorCode.NotFound, 'No such user.');
    return toUserProfile(user);
  }

  /** Applies a validated profile patch. */
  async updateProfile(userId: string, patch: UpdateProfileRequest): Promise<UserProfile> {
    const user = await this.users.update(userId, {
      ...(patch.displayName !== undefined ? { displayName: patch.displayName } : {}),
      ...(patch.avatarUrl !== undefined ? { avatarUrl: patch.avatarUrl } : {}),
    });
    if (!user) throw new AppError(ErrorCode.NotFound, 'No such user.');
    return toUserProfile(user);
  }
}
