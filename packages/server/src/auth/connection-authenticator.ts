import { createPublicKey } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';
import { ErrorCode, type Principal } from '@minimeet/protocol';
import {
  displayNameSchema,
  httpUrlSchema,
  identitySchema,
  joinGrantsSchema,
} from '@minimeet/protocol/schemas';
import { AppError } from '../common/app-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { UserRepository } from '../users/user.repository.js';
import type { ApiKeyEntity } from './api-key.entity.js';
import { ApiKeysService } from './api-keys.service.js';
import {
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
  TokenService,
  tokenError,
  type AccessClaims,
} from './token.service.js';

/** A token's verdict: who it belongs to and until when. */
export interface AuthenticatedConnection {
  principal: Principal;
  expiresAt: Date;
  /** The API key that signed a join token; revoking it ends the connection. */
  apiKeyId?: string;
  /** The session of an access token; ending it ends the connection. */
  sessionId?: string;
}

const CLOCK_SKEW_SECONDS = 60;

const joinClaimsSchema = z.object({
  typ: z.literal('join'),
  sub: identitySchema,
  iss: z.string(),
  name: displayNameSchema,
  avatar: httpUrlSchema.optional(),
  grants: joinGrantsSchema,
  iat: z.number(),
  exp: z.number(),
});

const invalid = (message = 'The token is not valid.') =>
  new AppError(ErrorCode.TokenInvalid, message);

/**
 * Turns the token of a socket handshake (or of `auth_refresh`) into a {@link Principal}: an access
 * token names a user; a join token, signed by the server or offline with an API key, names a guest
 * with grants. Never trusts anything in the token it has not verified.
 */
@Injectable()
export class ConnectionAuthenticator {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(ApiKeysService) private readonly apiKeys: ApiKeysService,
    @Inject(UserRepository) private readonly users: UserRepository,
  ) {}

  /**
   * Verifies the token; throws `token_invalid`, `token_expired`, or for an access token
   * `session_revoked` or `account_disabled`, as {@link AppError}.
   */
  async authenticate(token: string): Promise<AuthenticatedConnection> {
    let alg: string | undefined;
    let kid: string | undefined;
    try {
      ({ alg, kid } = decodeProtectedHeader(token));
    } catch {
      throw invalid();
    }
    if (alg === 'HS256') {
      const payload = await this.tokens.verifyServerToken(token);
      if (payload.typ === 'access' && payload.iss === TOKEN_ISSUER)
        return this.userConnection(await this.tokens.accessClaims(payload));
      if (payload.typ === 'join') return this.guestConnection(payload);
      throw invalid();
    }
    if (alg === 'EdDSA' && kid) {
      const key = await this.activeKey(kid);
      return this.guestConnection(await this.verifyOffline(token, key), key);
    }
    throw invalid('The token is signed with an algorithm this server does not accept.');
  }

  private async activeKey(keyId: string): Promise<ApiKeyEntity> {
    const key = await this.apiKeys.findActive(keyId);
    if (!key) throw invalid('The token was signed with an unknown or revoked API key.');
    return key;
  }

  private async verifyOffline(token: string, key: ApiKeyEntity): Promise<JWTPayload> {
    const publicKey = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: key.publicKey },
      format: 'jwk',
    });
    try {
      const { payload } = await jwtVerify(token, publicKey, {
        algorithms: ['EdDSA'],
        audience: TOKEN_AUDIENCE,
        issuer: key.id,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      return payload;
    } catch (err) {
      throw tokenError(err);
    }
  }

  private async userConnection(claims: AccessClaims): Promise<AuthenticatedConnection> {
    const user = await this.users.findById(claims.userId);
    if (!user) throw invalid('The account of this token no longer exists.');
    if (user.disabledAt)
      throw new AppError(ErrorCode.AccountDisabled, 'An operator disabled this account.');
    return {
      principal: {
        kind: 'user',
        id: user.id,
        displayName: user.displayName,
        avatarUrl: user.avatarUrl,
      },
      expiresAt: claims.expiresAt,
      sessionId: claims.sessionId,
    };
  }

  /** `signer` is the key already read for an offline signature; HS256 tokens look theirs up. */
  private async guestConnection(
    payload: JWTPayload,
    signer?: ApiKeyEntity,
  ): Promise<AuthenticatedConnection> {
    const parsed = joinClaimsSchema.safeParse(payload);
    if (!parsed.success) throw invalid('The join token is missing claims or has malformed ones.');
    const claims = parsed.data;
    const now = Math.floor(Date.now() / 1000);
    if (claims.iat > now + CLOCK_SKEW_SECONDS)
      throw invalid('The join token is issued in the future.');
    if (claims.exp - claims.iat > this.config.auth.joinTokenMaxTtlSeconds + CLOCK_SKEW_SECONDS) {
      throw invalid(
        `The join token lives longer than the ${this.config.auth.joinTokenMaxTtlSeconds} s this server allows.`,
      );
    }
    // HS256 join tokens come from this server; their key must still be live too.
    const key = signer ?? (await this.activeKey(claims.iss));
    return {
      principal: {
        kind: 'guest',
        id: `guest:${key.userId}:${claims.sub}`,
        identity: claims.sub,
        displayName: claims.name,
        avatarUrl: claims.avatar ?? null,
        grants: claims.grants,
      },
      expiresAt: new Date(claims.exp * 1000),
      apiKeyId: key.id,
    };
  }
}
