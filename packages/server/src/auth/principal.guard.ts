import {
  createParamDecorator,
  Inject,
  Injectable,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { Request } from 'express';
import { ErrorCode, type Principal } from '@minimeet/protocol';
import { bearerToken } from './access-token.guard.js';
import { ConnectionAuthenticator } from './connection-authenticator.js';
import { AppError } from '../common/app-error.js';

type PrincipalRequest = Request & { principal?: Principal };

/**
 * Admits a request with either token a socket handshake accepts, as `Authorization: Bearer …`:
 * an access token (a user) or a join token (a host app's guest), checked exactly as the handshake
 * checks it (a deleted account or a revoked API key is refused).
 */
@Injectable()
export class PrincipalGuard implements CanActivate {
  constructor(
    @Inject(ConnectionAuthenticator) private readonly authenticator: ConnectionAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<PrincipalRequest>();
    const token = bearerToken(req);
    if (!token)
      throw new AppError(
        ErrorCode.Unauthorized,
        'Send an access token or a join token as Authorization: Bearer <token>.',
      );
    // A JWT of this server is far below this; anything longer is not worth parsing.
    if (token.length > 8192) throw new AppError(ErrorCode.TokenInvalid, 'The token is not valid.');
    req.principal = (await this.authenticator.authenticate(token)).principal;
    return true;
  }
}

/**
 * The principal id of a request {@link PrincipalGuard} admitted, or undefined: the key of
 * per-person rate limits (`@RateLimit`), which must run after the guard.
 */
export const principalIdOf = (req: Request): string | undefined =>
  (req as PrincipalRequest).principal?.id;

/** Parameter decorator: the {@link Principal} of a request behind {@link PrincipalGuard}. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const req = context.switchToHttp().getRequest<PrincipalRequest>();
    if (!req.principal) throw new AppError(ErrorCode.Unauthorized, 'Not authenticated.');
    return req.principal;
  },
);
