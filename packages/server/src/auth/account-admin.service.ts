import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, type AdminUserInfo } from '@minimeet/protocol';
import { emailSchema } from '@minimeet/protocol/schemas';
import { AppError } from '../common/app-error.js';
import { EventBus } from '../common/event-bus.js';
import { toUserProfile } from '../users/user.dto.js';
import type { UserEntity } from '../users/user.entity.js';
import { UserRepository } from '../users/user.repository.js';
import { SessionService } from './session.service.js';

/** The operator's view of an account: its profile and whether it is disabled. */
export function toAdminUserInfo(user: UserEntity): AdminUserInfo {
  return { ...toUserProfile(user), disabledAt: user.disabledAt?.toISOString() ?? null };
}

// A user id is a UUID; anything with an @ is an email. Either way, at most what the columns hold.
const MAX_REFERENCE_LENGTH = 254;

/** What operators do to accounts: look one up, disable it, enable it again. */
@Injectable()
export class AccountAdminService {
  constructor(
    @Inject(UserRepository) private readonly users: UserRepository,
    @Inject(SessionService) private readonly sessions: SessionService,
    @Inject(EventBus) private readonly events: EventBus,
  ) {}

  /** The account named by its id or its email (any case), or `not_found`. */
  async find(reference: string): Promise<AdminUserInfo> {
    return toAdminUserInfo(await this.resolve(reference));
  }

  /**
   * Disables an account: it can no longer sign in, refresh or connect, and every session it has
   * ends at once on every node (refresh tokens, access tokens, open connections, which receive
   * `session_ended` with `account_disabled`). Disabling a disabled account ends its sessions again
   * and keeps the first time.
   */
  async disable(reference: string): Promise<AdminUserInfo> {
    const user = await this.resolve(reference);
    // Stored first: a sign-in under way looks again after it is stored and gives up (AuthService).
    const disabled = await this.users.setDisabled(user.id, new Date());
    if (!disabled) throw notFound();
    await this.sessions.endAllSessions(user.id, 'account_disabled');
    this.events.emit('user.disabled', { userId: user.id });
    return toAdminUserInfo(disabled);
  }

  /** Enables a disabled account: it may sign in again (its ended sessions stay ended). */
  async enable(reference: string): Promise<AdminUserInfo> {
    const user = await this.resolve(reference);
    const enabled = await this.users.setDisabled(user.id, null);
    if (!enabled) throw notFound();
    if (user.disabledAt) this.events.emit('user.enabled', { userId: user.id });
    return toAdminUserInfo(enabled);
  }

  private async resolve(reference: string): Promise<UserEntity> {
    const trimmed = reference.trim();
    if (trimmed === '' || trimmed.length > MAX_REFERENCE_LENGTH) throw notFound();
    let user: UserEntity | null;
    if (trimmed.includes('@')) {
      const email = emailSchema.safeParse(trimmed);
      user = email.success ? await this.users.findByEmail(email.data) : null;
    } else {
      user = await this.users.findById(trimmed);
    }
    if (!user) throw notFound();
    return user;
  }
}

const notFound = () => new AppError(ErrorCode.NotFound, 'No account with this id or email.');
