import { Controller, Get, Header, Inject, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorCode, type IceServersResponse, type Principal } from '@minimeet/protocol';
import { iceServersResponseSchema } from '@minimeet/protocol/schemas';
import { CurrentPrincipal, PrincipalGuard, principalIdOf } from '../auth/principal.guard.js';
import { ApiErrors, ApiResult, BEARER_ERRORS } from '../common/openapi.js';
import { RateLimit, RateLimitGuard } from '../common/rate-limit.guard.js';
import { IceServers } from './ice-servers.js';

/**
 * How long TURN credentials for a connection check last: the check takes seconds, and the call
 * gets credentials of its own at join.
 */
export const CHECK_CREDENTIAL_TTL_SECONDS = 300;

/** The STUN/TURN servers, for a client's connection check before it joins a call. */
@ApiTags('calls')
@ApiBearerAuth()
@UseGuards(PrincipalGuard, RateLimitGuard)
@Controller('ice-servers')
export class IceServersController {
  constructor(@Inject(IceServers) private readonly ice: IceServers) {}

  @Get()
  // TURN credentials are a secret of this principal: no shared cache may keep them.
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary:
      'The STUN/TURN servers with short-lived TURN credentials, for a connection check before joining (access token or join token).',
  })
  @ApiResult(200, iceServersResponseSchema, 'The ICE servers; empty when none is configured.')
  @ApiErrors(...BEARER_ERRORS, ErrorCode.RateLimited)
  // Counted with the connections of the same principal: a check comes with a connect.
  @RateLimit({ name: 'ice-servers', rule: (c) => c.rateLimits.connect, key: principalIdOf })
  list(@CurrentPrincipal() principal: Principal): IceServersResponse {
    return {
      iceServers: this.ice.forParticipant(principal.id, CHECK_CREDENTIAL_TTL_SECONDS),
      ttlSeconds: this.ice.hasTurn ? this.ice.ttl(CHECK_CREDENTIAL_TTL_SECONDS) : 0,
    };
  }
}
