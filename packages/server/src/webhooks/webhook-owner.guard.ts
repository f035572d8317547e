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
import { TokenService } from '../auth/token.service.js';
import { AppError } from '../common/app-error.js';

type OwnerRequest = Request & { webhookOwner?: string };

function basicCredentials(req: Request): { id: string; secret: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(req.header('authorization') ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/**
 * Admits the owner of webhook endpoints: a user (access token as Bearer), or a host app (its API
 * key as HTTP Basic, as for join tokens) acting for the account the key belongs to.
 */
@Injectable()
export class WebhookOwnerGuard implements CanActivate {
  constructor(
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(ApiKeysService) private readonly keys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<OwnerRequest>();
    const basic = basicCredentials(req);
    if (basic) {
      req.webhookOwner = (await this.keys.authenticate(basic.id, basic.secret)).userId;
      return true;
    }
    const token = bearerToken(req);
    if (!token)
      throw new AppError(
        ErrorCode.Unauthorized,
        'Send an access token as Authorization: Bearer, or an API key as HTTP Basic.',
      );
    req.webhookOwner = (await this.tokens.verifyAccessToken(token)).userId;
    return true;
  }
}

/** Parameter decorator: the account id {@link WebhookOwnerGuard} admitted. */
export const WebhookOwner = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string => {
    const owner = context.switchToHttp().getRequest<OwnerRequest>().webhookOwner;
    if (!owner) throw new AppError(ErrorCode.Unauthorized, 'Not authenticated.');
    return owner;
  },
);
