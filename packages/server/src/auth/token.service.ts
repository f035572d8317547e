import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { ErrorCode, type JoinGrants } from '@minimeet/protocol';
import { AppError } from '../common/app-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { legacySessionOf, SessionService } from './session.service.js';

/** Issuer and audience of every token the server signs. */
export const TOKEN_ISSUER = 'minimeet';
/** The audience every minimeet token, including join tokens signed offline, must carry. */
export const TOKEN_AUDIENCE = 'minimeet';

/** What a verified access token says. */
export interface AccessClaims {
  userId: string;
  /** The session (refresh-token family) the token belongs to: its `sid` claim. */
  sessionId: string;
  expiresAt: Date;
}

/** A signed token and when it expires. */
export interface SignedToken {
  token: string;
  expiresAt: Date;
}

/** Claims of a join token, however it was signed. */
export interface JoinTokenBody {
  identity: string;
  name: string;
  avatarUrl?: string;
  grants: JoinGrants;
}

/** Maps a jose failure to the documented token error. */
export function tokenError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof errors.JWTExpired)
    return new AppError(ErrorCode.TokenExpired, 'The token has expired.');
  return new AppError(ErrorCode.TokenInvalid, 'The token is not valid.');
}

/** Signs and verifies the server's own HS256 tokens: access tokens and join tokens minted over REST. */
@Injectable()
export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SessionService) private readonly sessions: SessionService,
  ) {
    this.key = new TextEncoder().encode(config.auth.jwtSecret);
  }

  /** A short-lived access token for a user, belonging to one session (`sid`). */
  signAccessToken(userId: string, sessionId: string): Promise<SignedToken> {
    return this.sign(
      { typ: 'access', sid: sessionId },
      userId,
      TOKEN_ISSUER,
      this.config.auth.accessTokenTtlSeconds,
    );
  }

  /** A join token signed by the server for an API key's owner. */
  signJoinToken(apiKeyId: string, body: JoinTokenBody, ttlSeconds: number): Promise<SignedToken> {
    const claims = {
      typ: 'join',
      name: body.name,
      ...(body.avatarUrl ? { avatar: body.avatarUrl } : {}),
      grants: body.grants,
    };
    return this.sign(claims, body.identity, apiKeyId, ttlSeconds);
  }

  private async sign(
    claims: JWTPayload,
    subject: string,
    issuer: string,
    ttlSeconds: number,
  ): Promise<SignedToken> {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + ttlSeconds;
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(subject)
      .setIssuer(issuer)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(this.key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** Verifies any HS256 token of this server and returns its claims; throws token errors. */
  async verifyServerToken(token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        audience: TOKEN_AUDIENCE,
        requiredClaims: ['sub', 'exp', 'iat', 'iss'],
      });
      return payload;
    } catch (err) {
      throw tokenError(err);
    }
  }

  /**
   * Verifies an access token (not a join token) and that its session still stands; throws token
   * errors, `session_revoked` or `account_disabled`.
   */
  async verifyAccessToken(token: string): Promise<AccessClaims> {
    return this.accessClaims(await this.verifyServerToken(token));
  }

  /**
   * The claims of a verified HS256 token that must be an access token of a session that still
   * stands; throws like {@link verifyAccessToken}.
   */
  async accessClaims(payload: JWTPayload): Promise<AccessClaims> {
    if (payload.typ !== 'access' || payload.iss !== TOKEN_ISSUER) {
      throw new AppError(ErrorCode.TokenInvalid, 'This is not an access token.');
    }
    const sid = payload.sid;
    if (sid !== undefined && (typeof sid !== 'string' || sid === '' || sid.length > 64)) {
      throw new AppError(ErrorCode.TokenInvalid, 'The token is not valid.');
    }
    // A token of a server before sessions (no sid) stands for all of its user's sessions: refusing
    // it would end every call in progress when a server is upgraded, while it expires soon anyway.
    const sessionId = sid ?? legacySessionOf(payload.sub!);
    await this.sessions.assertActive(sessionId);
    return { userId: payload.sub!, sessionId, expiresAt: new Date(payload.exp! * 1000) };
  }
}
