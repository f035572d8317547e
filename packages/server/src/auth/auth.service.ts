import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  ErrorCode,
  type AuthSession,
  type ChangePasswordRequest,
  type LoginRequest,
  type RegisterRequest,
} from '@minimeet/protocol';
import { AppError } from '../common/app-error.js';
import { EventBus } from '../common/event-bus.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { toUserProfile } from '../users/user.dto.js';
import type { UserEntity } from '../users/user.entity.js';
import { DuplicateEmailError, UserRepository } from '../users/user.repository.js';
import { PasswordHasher } from './password-hasher.js';
import { RefreshTokenRepository } from './refresh-token.repository.js';
import { isLegacySession, SessionService } from './session.service.js';
import { TokenService } from './token.service.js';

/** SHA-256 hex of an opaque token; tokens are high-entropy, so a fast hash is the right one. */
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

const INVALID_CREDENTIALS = 'Email or password is incorrect.';

/** Registration, login, rotating refresh tokens, password changes and logout. */
@Injectable()
export class AuthService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(UserRepository) private readonly users: UserRepository,
    @Inject(RefreshTokenRepository) private readonly refreshTokens: RefreshTokenRepository,
    @Inject(PasswordHasher) private readonly hasher: PasswordHasher,
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(SessionService) private readonly sessions: SessionService,
    @Inject(EventBus) private readonly events: EventBus,
  ) {}

  /** Creates an account and signs it in; `email_taken` if the email is registered. */
  async register(input: RegisterRequest): Promise<AuthSession> {
    const passwordHash = await this.hasher.hash(input.password);
    let user: UserEntity;
    try {
      user = await this.users.create({
        id: randomUUID(),
        email: input.email,
        passwordHash,
        displayName: input.displayName,
        avatarUrl: null,
      });
    } catch (err) {
      if (err instanceof DuplicateEmailError) {
        throw new AppError(ErrorCode.EmailTaken, 'An account with this email already exists.');
      }
      throw err;
    }
    this.events.emit('user.registered', { userId: user.id });
    // Nobody can have changed a user that did not exist a moment ago.
    return this.issueSession(user, randomUUID(), async () => {});
  }

  /**
   * Checks the credentials; the same `invalid_credentials` for an unknown email and a wrong
   * password, and `account_disabled` (only with the right password) for a disabled account.
   */
  async login(input: LoginRequest): Promise<AuthSession> {
    const user = await this.users.findByEmail(input.email);
    if (!user) {
      await this.hasher.verifyDummy(input.password);
      throw new AppError(ErrorCode.InvalidCredentials, INVALID_CREDENTIALS);
    }
    if (!(await this.hasher.verify(user.passwordHash, input.password))) {
      throw new AppError(ErrorCode.InvalidCredentials, INVALID_CREDENTIALS);
    }
    if (user.disabledAt) throw accountDisabled();
    const session = await this.issueSession(user, randomUUID(), async (familyId) => {
      // A password change or a disabling that ended every session while this sign-in was under
      // way did not see this new one: look again, now that it is stored, and give it up.
      const now = await this.users.findById(user.id);
      if (now && !now.disabledAt && now.passwordHash === user.passwordHash) return;
      await this.refreshTokens.revokeFamily(familyId, new Date());
      throw now?.disabledAt
        ? accountDisabled()
        : new AppError(ErrorCode.InvalidCredentials, INVALID_CREDENTIALS);
    });
    this.events.emit('user.logged_in', { userId: user.id });
    return session;
  }

  /**
   * Exchanges a refresh token for a new session of the same family. A token used a second time
   * means it leaked: the whole family (the session) is ended and `token_reused` returned.
   */
  async refresh(refreshToken: string): Promise<AuthSession> {
    const row = await this.refreshTokens.findByHash(sha256(refreshToken));
    if (!row) throw invalidRefreshToken();
    if (row.revokedAt) throw await this.revokedRefreshToken(row.userId);
    const now = new Date();
    if (await this.refreshTokens.isFamilyRevoked(row.familyId)) {
      // A reuse revoked the family while this token was being issued to a concurrent request.
      await this.refreshTokens.revokeFamily(row.familyId, now);
      throw invalidRefreshToken();
    }
    if (row.usedAt || !(await this.refreshTokens.markUsed(row.id, now))) {
      await this.sessions.endSession(row.userId, row.familyId, 'refresh_reused');
      this.events.emit('auth.refresh_reused', { userId: row.userId, familyId: row.familyId });
      throw new AppError(
        ErrorCode.TokenReused,
        'This refresh token was already used; sign in again.',
      );
    }
    if (row.expiresAt.getTime() <= now.getTime()) {
      throw new AppError(ErrorCode.TokenExpired, 'The refresh token has expired; sign in again.');
    }
    const user = await this.users.findById(row.userId);
    if (!user) throw invalidRefreshToken();
    if (user.disabledAt) throw accountDisabled();
    return this.issueSession(user, row.familyId, (familyId) =>
      this.assertFamilyLives(familyId, user.id),
    );
  }

  /**
   * Replaces the password after checking the current one. Every other session of the user ends
   * at once, everywhere (their refresh tokens, access tokens and connections). The session that
   * made the change goes on: it gets fresh tokens of the same session, and the refresh token it
   * held before stops working (`token_invalid`) without ending it.
   */
  async changePassword(
    userId: string,
    sessionId: string,
    input: ChangePasswordRequest,
  ): Promise<AuthSession> {
    const user = await this.users.findById(userId);
    if (!user || !(await this.hasher.verify(user.passwordHash, input.currentPassword))) {
      throw new AppError(ErrorCode.InvalidCredentials, 'The current password is incorrect.');
    }
    if (user.disabledAt) throw accountDisabled();
    await this.users.updatePasswordHash(user.id, await this.hasher.hash(input.newPassword));
    // A token of a server before sessions names no session to keep: the caller gets a new one.
    const keep = isLegacySession(sessionId) ? undefined : sessionId;
    await this.sessions.endAllSessions(user.id, 'password_changed', keep);
    this.events.emit('user.password_changed', { userId: user.id });
    if (keep) await this.refreshTokens.dropUnused(keep);
    return this.issueSession(user, keep ?? randomUUID(), (familyId) =>
      this.assertFamilyLives(familyId, user.id),
    );
  }

  /**
   * Ends the refresh token's session: its refresh tokens, access tokens and connections stop
   * working at once, everywhere. Idempotent: an unknown token is not an error.
   */
  async logout(refreshToken: string): Promise<void> {
    const row = await this.refreshTokens.findByHash(sha256(refreshToken));
    if (!row) return;
    await this.sessions.endSession(row.userId, row.familyId, 'logout');
    this.events.emit('user.logged_out', { userId: row.userId });
  }

  /**
   * Signs an access token of the session `familyId`, stores its next refresh token, and runs
   * `confirm` before handing them out: a session ended meanwhile must not get tokens that outlive
   * its revocation.
   */
  private async issueSession(
    user: UserEntity,
    familyId: string,
    confirm: (familyId: string) => Promise<void>,
  ): Promise<AuthSession> {
    const access = await this.tokens.signAccessToken(user.id, familyId);
    const refreshToken = `mmr_${randomBytes(32).toString('base64url')}`;
    const refreshExpiresAt = new Date(Date.now() + this.config.auth.refreshTokenTtlSeconds * 1000);
    await this.refreshTokens.insert({
      id: randomUUID(),
      userId: user.id,
      familyId,
      tokenHash: sha256(refreshToken),
      expiresAt: refreshExpiresAt,
    });
    await confirm(familyId);
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt.toISOString(),
      refreshToken,
      refreshTokenExpiresAt: refreshExpiresAt.toISOString(),
      user: toUserProfile(user),
    };
  }

  /** Refuses tokens just issued to a family that was revoked while they were (and revokes them). */
  private async assertFamilyLives(familyId: string, userId: string): Promise<void> {
    if (!(await this.refreshTokens.isFamilyRevoked(familyId))) return;
    await this.refreshTokens.revokeFamily(familyId, new Date());
    throw await this.revokedRefreshToken(userId);
  }

  /** The error for a revoked refresh token: `account_disabled` when that is why. */
  private async revokedRefreshToken(userId: string): Promise<AppError> {
    const user = await this.users.findById(userId);
    return user?.disabledAt ? accountDisabled() : invalidRefreshToken();
  }
}

const invalidRefreshToken = () =>
  new AppError(ErrorCode.TokenInvalid, 'The refresh token is not valid.');

const accountDisabled = () =>
  new AppError(ErrorCode.AccountDisabled, 'An operator disabled this account.');
