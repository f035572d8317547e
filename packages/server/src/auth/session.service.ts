import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppError } from '../common/app-error.js';
import { ROOT_LOGGER } from '../common/logger.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { RefreshTokenRepository } from './refresh-token.repository.js';
import {
  endCodeOf,
  endMessageOf,
  REVOKED_SESSIONS,
  type RevokedSessionStore,
  type SessionEndCause,
  type SessionRevocation,
} from './revoked-sessions.js';

/**
 * The session an access token without a `sid` stands for: one per user. Such tokens were signed
 * by a server older than sessions and live at most `ACCESS_TOKEN_TTL` after it was replaced; any
 * session of the user that ends takes them along, since nothing tells which one they came from.
 */
export const legacySessionOf = (userId: string): string => `legacy:${userId}`;

/** Whether a session id is a {@link legacySessionOf} one, which has no refresh-token family. */
export const isLegacySession = (sessionId: string): boolean => sessionId.startsWith('legacy:');

/**
 * Slack on top of `ACCESS_TOKEN_TTL` before a revocation is forgotten: the nodes' clocks may
 * disagree a little, and the node that signed a token may not be the one that checks it.
 */
const CLOCK_SLACK_MS = 60_000;

/**
 * Sessions: a sign-in and everything refreshed from it, one refresh-token family whose id is the
 * `sid` of its access tokens. Ends sessions (in the store, where their refresh tokens die, and in
 * the {@link RevokedSessionStore}, where their access tokens die on every node) and tells whoever
 * listens (the gateway, which ends their connections).
 */
@Injectable()
export class SessionService implements OnModuleInit, OnApplicationShutdown {
  private readonly listeners = new Set<(revocation: SessionRevocation) => void>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REVOKED_SESSIONS) private readonly revoked: RevokedSessionStore,
    @Inject(RefreshTokenRepository) private readonly refreshTokens: RefreshTokenRepository,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    this.unsubscribe = this.revoked.onRevoked((revocation) => {
      for (const listener of this.listeners) {
        try {
          listener(revocation);
        } catch (err) {
          this.logger.error({ err }, 'a listener of ended sessions failed');
        }
      }
    });
    await this.revoked.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    this.listeners.clear();
    await this.revoked.close();
  }

  /** Why the session was ended, or null while it stands. */
  endedBecause(sessionId: string): Promise<SessionEndCause | null> {
    return this.revoked.check(sessionId);
  }

  /** Throws `session_revoked` or `account_disabled` when the session has been ended. */
  async assertActive(sessionId: string): Promise<void> {
    const cause = await this.revoked.check(sessionId);
    if (cause) throw new AppError(endCodeOf(cause), endMessageOf(cause));
  }

  /** Ends one session of a user: its refresh tokens and access tokens stop working everywhere. */
  async endSession(userId: string, sessionId: string, cause: SessionEndCause): Promise<void> {
    const now = new Date();
    await this.refreshTokens.revokeFamily(sessionId, now);
    await this.revoked.revoke({
      sessionIds: [sessionId, legacySessionOf(userId)],
      userId,
      cause,
      expiresAt: this.forgetAfter(now),
    });
  }

  /**
   * Ends every session of a user but `keep`. Call it after the change that makes new sessions
   * impossible (a new password hash, the account disabled) is stored: a sign-in that began before
   * it and ends after this looks again and gives up (see `AuthService`).
   */
  async endAllSessions(userId: string, cause: SessionEndCause, keep?: string): Promise<void> {
    const now = new Date();
    // A family whose newest token expired before an access token could have is past caring.
    const since = new Date(now.getTime() - this.config.auth.accessTokenTtlSeconds * 1000);
    const families = await this.refreshTokens.liveFamilies(userId, since);
    await this.refreshTokens.revokeAllForUser(userId, now, keep);
    const sessionIds = [...families.filter((id) => id !== keep), legacySessionOf(userId)];
    await this.revoked.revoke({ sessionIds, userId, cause, expiresAt: this.forgetAfter(now) });
  }

  /** Subscribes to sessions ended on any node; returns a function that unsubscribes. */
  onSessionsEnded(listener: (revocation: SessionRevocation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * When a revocation made at `now` may be forgotten: the sessions' refresh tokens died at `now`
   * and `AuthService` never hands out an access token of a family it finds revoked after issuing
   * it, so every access token of theirs was signed before `now` and expires by this time.
   */
  private forgetAfter(now: Date): number {
    return now.getTime() + this.config.auth.accessTokenTtlSeconds * 1000 + CLOCK_SLACK_MS;
  }
}
