import {
  Inject,
  Injectable,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ErrorCode } from '@minimeet/protocol';
import type { AppConfig, RateLimitRule } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { AppError } from './app-error.js';
import { RATE_LIMITER, type RateLimiter } from './rate-limiter.js';

/** One counter a route consumes: which rule of the configuration, keyed by what. */
export interface RateLimitBucket {
  name: string;
  rule: (config: AppConfig) => RateLimitRule;
  /** The counter's key for this request, or undefined to skip this bucket. */
  key: (req: Request) => string | undefined;
}

const RATE_LIMIT_KEY = Symbol('rate-limit');

/**
 * Declares the rate-limit buckets of a route, or of every route of a controller (a route's own
 * declaration replaces its controller's); {@link RateLimitGuard} enforces them.
 */
export const RateLimit = (...buckets: RateLimitBucket[]) => SetMetadata(RATE_LIMIT_KEY, buckets);

/** The caller's IP address as Express sees it (honouring TRUST_PROXY). */
export const clientIp = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** Refuses a request with `rate_limited` (HTTP 429 and Retry-After) once any of its buckets is full. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const buckets = this.reflector.getAllAndOverride<RateLimitBucket[] | undefined>(
      RATE_LIMIT_KEY,
      [context.getHandler(), context.getClass()],
    );
    if (!buckets) return true;
    const req = context.switchToHttp().getRequest<Request>();
    for (const bucket of buckets) {
      const key = bucket.key(req);
      if (key === undefined) continue;
      const result = await this.limiter.consume(`${bucket.name}:${key}`, bucket.rule(this.config));
      if (!result.allowed) {
        const retryAfterSeconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
        throw new AppError(
          ErrorCode.RateLimited,
          `Too many requests; try again in ${retryAfterSeconds} s.`,
          { retryAfterSeconds },
        );
      }
    }
    return true;
  }
}
