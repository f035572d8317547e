import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  ErrorCode,
  type ApiKeyInfo,
  type CreatedApiKey,
  type CreatedJoinToken,
  type CreateJoinTokenRequest,
  type JoinGrants,
} from '@minimeet/protocol';
import { AppError } from '../common/app-error.js';
import { EventBus } from '../common/event-bus.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import type { ApiKeyEntity } from './api-key.entity.js';
import { ApiKeyRepository } from './api-key.repository.js';
import { sha256 } from './auth.service.js';
import {
  API_KEY_ID_PREFIX,
  API_KEY_SECRET_PREFIX,
  DEFAULT_JOIN_TOKEN_TTL_SECONDS,
  publicKeyOf,
} from '@minimeet/host';
import { TokenService } from './token.service.js';

const LAST_USED_RESOLUTION_MS = 60_000;

function toInfo(key: ApiKeyEntity): ApiKeyInfo {
  return {
    id: key.id,
    name: key.name,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

/** Host-app API keys: create (secret shown once), list, revoke, authenticate, mint join tokens. */
@Injectable()
export class ApiKeysService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ApiKeyRepository) private readonly keys: ApiKeyRepository,
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(EventBus) private readonly events: EventBus,
  ) {}

  /** Creates a key for a user; the answer is the only place the secret ever appears. */
  async create(userId: string, name: string): Promise<CreatedApiKey> {
    const id = `${API_KEY_ID_PREFIX}${randomBytes(12).toString('base64url')}`;
    const secret = `${API_KEY_SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
    const key = await this.keys.insert({
      id,
      userId,
      name,
      secretHash: sha256(secret),
      publicKey: publicKeyOf(secret),
    });
    return { ...toInfo(key), secret };
  }

  /** A user's keys, without secrets. */
  async list(userId: string): Promise<ApiKeyInfo[]> {
    return (await this.keys.listByUser(userId)).map(toInfo);
  }

  /** Revokes a key: REST calls and every join token it signed stop working at once. */
  async revoke(userId: string, id: string): Promise<void> {
    if (!(await this.keys.revoke(userId, id, new Date())))
      throw new AppError(ErrorCode.NotFound, 'No such active API key.');
    this.events.emit('api_key.revoked', { keyId: id, userId });
  }

  /** The live key for `id`, or null if it does not exist or is revoked. Records the use. */
  async findActive(id: string): Promise<ApiKeyEntity | null> {
    const key = await this.keys.findById(id);
    if (!key || key.revokedAt) return null;
    const now = new Date();
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.keys.touch(key.id, now);
    }
    return key;
  }

  /** Authenticates `id:secret` from HTTP Basic; `unauthorized` otherwise (same answer for every failure). */
  async authenticate(id: string, secret: string): Promise<ApiKeyEntity> {
    const key = await this.findActive(id);
    const expected = Buffer.from(key?.secretHash ?? '0'.repeat(64), 'hex');
    const given = Buffer.from(sha256(secret), 'hex');
    if (!key || !timingSafeEqual(expected, given)) {
      throw new AppError(ErrorCode.Unauthorized, 'Unknown or revoked API key, or wrong secret.');
    }
    return key;
  }

  /** Signs a join token for a host app's user with the server's key. */
  async mintJoinToken(
    key: ApiKeyEntity,
    request: CreateJoinTokenRequest & { grants: JoinGrants },
  ): Promise<CreatedJoinToken> {
    const ttl = request.ttlSeconds ?? DEFAULT_JOIN_TOKEN_TTL_SECONDS;
    if (ttl > this.config.auth.joinTokenMaxTtlSeconds) {
      throw new AppError(
        ErrorCode.ValidationFailed,
        `ttlSeconds must be at most ${this.config.auth.joinTokenMaxTtlSeconds}.`,
        {
          issues: [
            {
              path: 'ttlSeconds',
              message: `Must be at most ${this.config.auth.joinTokenMaxTtlSeconds}.`,
            },
          ],
        },
      );
    }
    const { token, expiresAt } = await this.tokens.signJoinToken(
      key.id,
      {
        identity: request.identity,
        name: request.name,
        ...(request.avatarUrl ? { avatarUrl: request.avatarUrl } : {}),
        grants: request.grants,
      },
      ttl,
    );
    return { token, expiresAt: expiresAt.toISOString() };
  }
}
