import {
  createParamDecorator,
  Inject,
  Injectable,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { Request } from 'express';
import { ErrorCode } from '@minimeet/protocol';
import { bearerToken } from '../auth/access-token.guard.js';
import { ApiKeysService } from '../auth/api-keys.service.js';
import { ConnectionAuthenticator } from '../auth/connection-authenticator.js';
import { basicCredentials } from '../auth/join-tokens.controller.js';
import { AppError } from '../common/app-error.js';
import type { ModerationOrigin } from './moderation.service.js';

type HostRequest = Request & { moderationOrigin?: Extract<ModerationOrigin, { kind: 'rest' }> };

/** Who a request behind {@link HostAuthGuard} counts against: its API key, else its principal. */
export const hostCallerOf = (req: Request): string | undefined => {
  const origin = (req as HostRequest).moderationOrigin;
  return origin ? (origin.apiKeyId ?? origin.principal.id) : undefined;
};

/**
 * Admits a moderation request over REST: a host app's backend with its API key as HTTP Basic
 * (it acts as the key's owner, whose role in the room decides), or a person with an access token
 * or a join token as `Authorization: Bearer` (their own role decides).
 */
@Injectable()
export class HostAuthGuard implements CanActivate {
  constructor(
    @Inject(ApiKeysService) private readonly keys: ApiKeysService,
    @Inject(ConnectionAuthenticator) private readonly authenticator: ConnectionAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<HostRequest>();
    const basic = basicCredentials(req);
    if (basic) {
      const key = await this.keys.authenticate(basic.id, basic.secret);
      req.moderationOrigin = {
        kind: 'rest',
        principal: { kind: 'user', id: key.userId, displayName: key.name, avatarUrl: null },
        apiKeyId: key.id,
      };
      return true;
    }
    const token = bearerToken(req);
    if (!token || token.length > 8192)
      throw new AppError(
        ErrorCode.Unauthorized,
        'Authenticate with your API key as HTTP Basic, or a token as Authorization: Bearer.',
      );
    const { principal } = await this.authenticator.authenticate(token);
    req.moderationOrigin = { kind: 'rest', principal, apiKeyId: null };
    return true;
  }
}

/** Parameter decorator: who asks, on a request behind {@link HostAuthGuard}. */
export const Origin = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ModerationOrigin => {
    const origin = context.switchToHttp().getRequest<HostRequest>().moderationOrigin;
    if (!origin) throw new AppError(ErrorCode.Unauthorized, 'Not authenticated.');
    return origin;
  },
);
