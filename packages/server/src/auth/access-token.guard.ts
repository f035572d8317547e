import {
  createParamDecorator,
  Inject,
  Injectable,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { Request } from 'express';
import { ErrorCode } from '@minimeet/protocol';
import { AppError } from '../common/app-error.js';
import { TokenService } from './token.service.js';

/** The user an access token authenticated, and the session the token belongs to. */
export interface AuthenticatedUser {
  id: string;
  /** The token's session (`sid`): its refresh-token family. */
  sessionId: string;
}

type AuthedRequest = Request & { user?: AuthenticatedUser };

/** Extracts the token of an `Authorization: Bearer …` header, or undefined. */
export function bearerToken(req: Request): string | undefined {
  const header = req.header('authorization');
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m?.[1];
}

/**
 * Admits a request only with a valid access token of a session that still stands, and records
 * whose it is.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(@Inject(TokenService) private readonly tokens: TokenService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const token = bearerToken(req);
    if (!token)
      throw new AppError(
        ErrorCode.Unauthorized,
        'Send an access token as Authorization: Bearer <token>.',
      );
    const claims = await this.tokens.verifyAccessToken(token);
    req.user = { id: claims.userId, sessionId: claims.sessionId };
    return true;
  }
}

/** Parameter decorator: the {@link AuthenticatedUser} of a request behind {@link AccessTokenGuard}. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedUser => {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    if (!req.user) throw new AppError(ErrorCode.Unauthorized, 'Not authenticated.');
    return req.user;
  },
);
