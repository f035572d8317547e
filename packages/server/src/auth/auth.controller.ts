import { Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import {
  ErrorCode,
  type AuthSession,
  type ChangePasswordRequest,
  type LoginRequest,
  type RefreshRequest,
  type RegisterRequest,
} from '@minimeet/protocol';
import {
  authSessionSchema,
  changePasswordRequestSchema,
  loginRequestSchema,
  refreshRequestSchema,
  registerRequestSchema,
} from '@minimeet/protocol/schemas';
import { ApiErrors, ApiResult, BEARER_ERRORS, BODY_ERRORS } from '../common/openapi.js';
import { clientIp, RateLimit, RateLimitGuard } from '../common/rate-limit.guard.js';
import { ValidBody } from '../common/zod-validation.js';
import { AccessTokenGuard, CurrentUser, type AuthenticatedUser } from './access-token.guard.js';
import { AuthService } from './auth.service.js';

const emailOf = (req: Request): string | undefined => {
  const email = (req.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? email.trim().toLowerCase().slice(0, 254) : undefined;
};

/** Accounts: register, log in, refresh, log out. */
@ApiTags('auth')
@UseGuards(RateLimitGuard)
@Controller('auth')
export class AuthController {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}

  @Post('register')
  @ApiOperation({ summary: 'Create an account and sign in.' })
  @ApiResult(201, authSessionSchema, 'The account exists and is signed in.')
  @ApiErrors(...BODY_ERRORS, ErrorCode.EmailTaken, ErrorCode.RateLimited)
  @RateLimit({ name: 'register', rule: (c) => c.rateLimits.register, key: clientIp })
  register(@ValidBody(registerRequestSchema) body: RegisterRequest): Promise<AuthSession> {
    return this.auth.register(body);
  }

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with email and password.' })
  @ApiResult(200, authSessionSchema, 'Signed in.')
  @ApiErrors(...BODY_ERRORS, ErrorCode.InvalidCredentials, ErrorCode.RateLimited)
  @RateLimit(
    { name: 'login-ip', rule: (c) => c.rateLimits.loginPerIp, key: clientIp },
    { name: 'login-email', rule: (c) => c.rateLimits.login, key: emailOf },
  )
  login(@ValidBody(loginRequestSchema) body: LoginRequest): Promise<AuthSession> {
    return this.auth.login(body);
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Exchange a refresh token for a new session; each refresh token works once.',
  })
  @ApiResult(200, authSessionSchema, 'A new session of the same login; the old token is spent.')
  @ApiErrors(
    ...BODY_ERRORS,
    ErrorCode.TokenInvalid,
    ErrorCode.TokenReused,
    ErrorCode.TokenExpired,
    ErrorCode.RateLimited,
  )
  @RateLimit({ name: 'refresh', rule: (c) => c.rateLimits.refresh, key: clientIp })
  refresh(@ValidBody(refreshRequestSchema) body: RefreshRequest): Promise<AuthSession> {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Revoke the refresh token and every token rotated from the same login.',
  })
  @ApiResult(204, null, 'Signed out; an unknown refresh token is not an error.')
  @ApiErrors(...BODY_ERRORS, ErrorCode.RateLimited)
  @RateLimit({ name: 'refresh', rule: (c) => c.rateLimits.refresh, key: clientIp })
  async logout(@ValidBody(refreshRequestSchema) body: RefreshRequest): Promise<void> {
    await this.auth.logout(body.refreshToken);
  }

  @Post('password')
  @HttpCode(200)
  @UseGuards(AccessTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({
    summary:
      'Change the password: signs out every other session and returns a new one for this client.',
  })
  @ApiResult(200, authSessionSchema, 'Changed; every earlier refresh token is revoked.')
  @ApiErrors(...BEARER_ERRORS, ...BODY_ERRORS, ErrorCode.InvalidCredentials, ErrorCode.RateLimited)
  @RateLimit({ name: 'password', rule: (c) => c.rateLimits.login, key: clientIp })
  changePassword(
    @CurrentUser() user: AuthenticatedUser,
    @ValidBody(changePasswordRequestSchema) body: ChangePasswordRequest,
  ): Promise<AuthSession> {
    return this.auth.changePassword(user.id, user.sessionId, body);
  }
}
