import {
  Controller,
  Inject,
  Injectable,
  Post,
  UseGuards,
  createParamDecorator,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { ApiBasicAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import {
  ErrorCode,
  type CreatedJoinToken,
  type CreateJoinTokenRequest,
  type JoinGrants,
} from '@minimeet/protocol';
import { createdJoinTokenSchema, createJoinTokenRequestSchema } from '@minimeet/protocol/schemas';
import { AppError } from '../common/app-error.js';
import { ApiErrors, ApiResult, BODY_ERRORS } from '../common/openapi.js';
import { RateLimit, RateLimitGuard } from '../common/rate-limit.guard.js';
import { ValidBody } from '../common/zod-validation.js';
import type { ApiKeyEntity } from './api-key.entity.js';
import { ApiKeysService } from './api-keys.service.js';

type KeyedRequest = Request & { apiKey?: ApiKeyEntity };

/** The API key id and secret of an HTTP Basic `Authorization` header, or undefined. */
export function basicCredentials(req: Request): { id: string; secret: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(req.header('authorization') ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/** Admits a request authenticated with an API key as HTTP Basic (`key id : secret`). */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(@Inject(ApiKeysService) private readonly keys: ApiKeysService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<KeyedRequest>();
    const credentials = basicCredentials(req);
    if (!credentials)
      throw new AppError(
        ErrorCode.Unauthorized,
        'Authenticate with your API key as HTTP Basic: key id as user, secret as password.',
      );
    req.apiKey = await this.keys.authenticate(credentials.id, credentials.secret);
    return true;
  }
}

const CurrentApiKey = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ApiKeyEntity => {
    const key = context.switchToHttp().getRequest<KeyedRequest>().apiKey;
    if (!key) throw new AppError(ErrorCode.Unauthorized, 'Not authenticated with an API key.');
    return key;
  },
);

/** Join tokens for a host app's users, minted by its backend with an API key. */
@ApiTags('join-tokens')
@ApiBasicAuth()
@Controller('join-tokens')
export class JoinTokensController {
  constructor(@Inject(ApiKeysService) private readonly keys: ApiKeysService) {}

  @Post()
  @UseGuards(ApiKeyGuard, RateLimitGuard)
  @RateLimit({
    name: 'join-tokens',
    rule: (c) => c.rateLimits.joinTokens,
    key: (req: KeyedRequest) => req.apiKey?.id,
  })
  @ApiOperation({ summary: 'Mint a short-lived join token for an external user, with grants.' })
  @ApiResult(201, createdJoinTokenSchema, 'The signed join token.')
  @ApiErrors(ErrorCode.Unauthorized, ...BODY_ERRORS, ErrorCode.RateLimited)
  create(
    @CurrentApiKey() key: ApiKeyEntity,
    @ValidBody(createJoinTokenRequestSchema) body: CreateJoinTokenRequest & { grants: JoinGrants },
  ): Promise<CreatedJoinToken> {
    return this.keys.mintJoinToken(key, body);
  }
}
