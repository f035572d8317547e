import { Controller, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ErrorCode, type AdminUserInfo } from '@minimeet/protocol';
import { adminUserInfoSchema } from '@minimeet/protocol/schemas';
import { ApiErrors, ApiResult } from '../common/openapi.js';
import { clientIp, RateLimit, RateLimitGuard } from '../common/rate-limit.guard.js';
import { AccountAdminService } from './account-admin.service.js';
import { AdminGuard } from './admin.guard.js';

const ADMIN_ERRORS = [
  ErrorCode.Unauthorized,
  ErrorCode.FeatureUnavailable,
  ErrorCode.NotFound,
  ErrorCode.RateLimited,
] as const;

const userParam = ApiParam({
  name: 'user',
  description: 'The account: its id, or its email address (any case).',
});

/**
 * The operator's admin API, behind `ADMIN_SECRET`: look up, disable and enable accounts. Every
 * attempt counts against the per-address `RATE_LIMIT_LOGIN_IP` bucket, wrong secrets included.
 */
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(RateLimitGuard, AdminGuard)
@Controller('admin/users')
export class AdminController {
  constructor(@Inject(AccountAdminService) private readonly accounts: AccountAdminService) {}

  @Get(':user')
  @ApiOperation({ summary: 'An account, with whether it is disabled.' })
  @userParam
  @ApiResult(200, adminUserInfoSchema, 'The account.')
  @ApiErrors(...ADMIN_ERRORS)
  @RateLimit({ name: 'admin', rule: (c) => c.rateLimits.loginPerIp, key: clientIp })
  find(@Param('user') user: string): Promise<AdminUserInfo> {
    return this.accounts.find(user);
  }

  @Post(':user/disable')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Disable an account: it cannot sign in, refresh or connect, and every session of it ends at once.',
  })
  @userParam
  @ApiResult(200, adminUserInfoSchema, 'The account, disabled.')
  @ApiErrors(...ADMIN_ERRORS)
  @RateLimit({ name: 'admin', rule: (c) => c.rateLimits.loginPerIp, key: clientIp })
  disable(@Param('user') user: string): Promise<AdminUserInfo> {
    return this.accounts.disable(user);
  }

  @Post(':user/enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enable a disabled account: it may sign in again.' })
  @userParam
  @ApiResult(200, adminUserInfoSchema, 'The account, enabled.')
  @ApiErrors(...ADMIN_ERRORS)
  @RateLimit({ name: 'admin', rule: (c) => c.rateLimits.loginPerIp, key: clientIp })
  enable(@Param('user') user: string): Promise<AdminUserInfo> {
    return this.accounts.enable(user);
  }
}
