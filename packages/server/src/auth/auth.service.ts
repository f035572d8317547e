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
import { TokenService } from './token.service.js';

/** SHA-256 hex of an opaque token; tokens are high-entropy, so a fast hash is the right one. */
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

const INVALID_CREDENTIALS = 'Email or password is incorrect.';

/** Registration, login, rotating refresh tokens and logout. */
@Injectable()
export class AuthService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(UserRepository) private readonly users: UserRepository,
    @Inject(RefreshTokenRepository) private readonly refreshTokens: RefreshTokenRepository,
    @Inject(PasswordHasher) private readonly hasher: PasswordHasher,
    @Inject(TokenService) private readonly tokens: TokenService,
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
    return this.issueSession(user, randomUUID());
  }

  /** Checks the credentials; the same `invalid_credentials` for an unknown email and a wrong password. */
  async login(input: LoginRequest): Promise<AuthSession> {
    const user = await this.users.findByEmail(input.email);
    if (!user) {
      await this.hasher.verifyDummy(input.password);
      throw new AppError(ErrorCode.InvalidCredentials, INVALID_CREDENTIALS);
    }
    if (!(await this.hasher.verify(user.passwordHash, input.password))) {
      throw new AppError(ErrorCode.InvalidCredentials, INVALID_CREDENTIALS);
    }
    this.events.emit('user.logged_in', { userId: user.id });
    return this.issueSession(user, randomUUID());
  }

  /**
   * Exchanges a refresh token for a new session of the same family. A token used a second time
   * means it leaked: the whole family is revoked and `token_reused` returned.
   */
  async refresh(refreshToken: string): Promise<AuthSession> {
    const row = await this.refreshTokens.findByHash(sha256(refreshToken));
    if (!row || row.revokedAt)
      throw new AppError(ErrorCode.TokenInvalid, 'The refresh token is not valid.');
    const now = new Date();
    if (await this.refreshTokens.isFamilyRevoked(row.familyId)) {
      // A reuse revoked the family while this token was being issued to a concurrent request.
      await this.refreshTokens.revokeFamily(row.familyId, now);
      throw new AppError(ErrorCode.TokenInvalid, 'The refresh token is not valid.');
    }
    if (row.usedAt || !(await this.refreshTokens.markUsed(row.id, now))) {
      await this.refreshTokens.revokeFamily(row.familyId, now);
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
    if (!user) throw new AppError(ErrorCode.TokenInvalid, 'The refresh token is not valid.');
    return this.issueSession(user, row.familyId);
  }

  /**
   * Replaces the password after checking the current one, signs the user out everywhere (every
   * refresh token family is revoked) and returns a new session for the caller.
   */
  async changePassword(userId: string, input: ChangePasswordRequest): Promise<AuthSession> {
    const user = await this.users.findById(userId);
    if (!user || !(await this.hasher.verify(user.passwordHash, input.currentPassword))) {
      throw new AppError(ErrorCode.InvalidCredentials, 'The current password is incorrect.');
    }
    await this.users.updatePasswordHash(user.id, await this.hasher.hash(input.newPassword));
    await this.refreshTokens.revokeAllForUser(user.id, new Date());
    this.events.emit('user.password_changed', { userId: user.id });
    return this.issueSession(user, randomUUID());
  }

  /** Revokes the refresh token's family. Idempotent: an unknown token is not an error. */
  async logout(refreshToken: string): Promise<void> {
    const row = await this.refreshTokens.findByHash(sha256(refreshToken));
    if (!row) return;
    await this.refreshTokens.revokeFamily(row.familyId, new Date());
    this.events.emit('user.logged_out', { userId: row.userId });
  }

  private async issueSession(user: UserEntity, familyId: string): Promise<AuthSession> {
    const access = await this.tokens.signAccessToken(user.id);
    const refreshToken = `mmr_${randomBytes(32).toString('base64url')}`;
    const refreshExpiresAt = new Date(Date.now() + this.config.auth.refreshTokenTtlSeconds * 1000);
    await this.refreshTokens.insert({
      id: randomUUID(),
      userId: user.id,
      familyId,
      tokenHash: sha256(refreshToken),
      expiresAt: refreshExpiresAt,
    });
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt.toISOString(),
      refreshToken,
      refreshTokenExpiresAt: refreshExpiresAt.toISOString(),
      user: toUserProfile(user),
    };
  }
}
