import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ErrorCode } from '@minimeet/protocol';
import { AppError } from '../common/app-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { bearerToken } from './access-token.guard.js';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Admits a request to the admin API only with the operator's `ADMIN_SECRET` as
 * `Authorization: Bearer`. Without `ADMIN_SECRET` the admin API is off (`feature_unavailable`).
 * The comparison takes the same time whatever the secret given.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly expected: Buffer | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.expected = config.auth.adminSecret === null ? null : digest(config.auth.adminSecret);
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) {
      throw new AppError(
        ErrorCode.FeatureUnavailable,
        'The admin API is off: set ADMIN_SECRET on the server to turn it on.',
      );
    }
    const token = bearerToken(context.switchToHttp().getRequest<Request>());
    if (!token)
      throw new AppError(
        ErrorCode.Unauthorized,
        'Send the admin secret as Authorization: Bearer <ADMIN_SECRET>.',
      );
    if (!timingSafeEqual(digest(token), this.expected))
      throw new AppError(ErrorCode.Unauthorized, 'The admin secret is wrong.');
    return true;
  }
}
