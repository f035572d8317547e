import {
  createParamDecorator,
  Inject,
  Injectable,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { ErrorCode } from '@minimeet/protocol';
import { bearerToken } from '../auth/access-token.guard.js';
import { ApiKeysService } from '../auth/api-keys.service.js';
import { TokenService } from '../auth/token.service.js';
import { AppError } from '../common/app-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { UsersService } from '../users/users.service.js';
import type { AnalyticsScope } from './analytics-scope.js';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

type ViewerRequest = Request & { analyticsScope?: AnalyticsScope };

function basicCredentials(req: Request): { id: string; secret: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(req.header('authorization') ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/**
 * Admits a reader of call analytics and decides what it sees: a user (access token as Bearer)
 * sees the rooms it owns, or every room when it is an operator; a host app (its API key as HTTP
 * Basic, as for join tokens) sees the rooms of the account the key belongs to; the deployment's
 * `ADMIN_SECRET` as Bearer (the admin API's credential) sees every room.
 */
@Injectable()
export class AnalyticsViewerGuard implements CanActivate {
  private readonly adminDigest: Buffer | null;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(ApiKeysService) private readonly keys: ApiKeysService,
    @Inject(UsersService) private readonly users: UsersService,
  ) {
    this.adminDigest = config.auth.adminSecret === null ? null : digest(config.auth.adminSecret);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<ViewerRequest>();
    const basic = basicCredentials(req);
    if (basic) {
      const key = await this.keys.authenticate(basic.id, basic.secret);
      req.analyticsScope = { ownerId: key.userId };
      return true;
    }
    const token = bearerToken(req);
    if (!token)
      throw new AppError(
        ErrorCode.Unauthorized,
        'Send an access token as Authorization: Bearer, or an API key as HTTP Basic.',
      );
    if (this.adminDigest && timingSafeEqual(digest(token), this.adminDigest)) {
      req.analyticsScope = 'all';
      return true;
    }
    const { userId } = await this.tokens.verifyAccessToken(token);
    req.analyticsScope = (await this.users.isOperator(userId)) ? 'all' : { ownerId: userId };
    return true;
  }
}

/** Parameter decorator: the {@link AnalyticsScope} {@link AnalyticsViewerGuard} decided. */
export const ViewerScope = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AnalyticsScope => {
    const scope = context.switchToHttp().getRequest<ViewerRequest>().analyticsScope;
    if (!scope) throw new AppError(ErrorCode.Unauthorized, 'Not authenticated.');
    return scope;
  },
);
