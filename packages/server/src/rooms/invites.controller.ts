import { Controller, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorCode, type AcceptedInvite } from '@minimeet/protocol';
import { acceptedInviteSchema } from '@minimeet/protocol/schemas';
import {
  AccessTokenGuard,
  CurrentUser,
  type AuthenticatedUser,
} from '../auth/access-token.guard.js';
import { ApiErrors, ApiResult, BEARER_ERRORS } from '../common/openapi.js';
import { RoomsService } from './rooms.service.js';

/** Invite links, as their recipients use them. */
@ApiTags('rooms')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard)
@Controller('invites')
export class InvitesController {
  constructor(@Inject(RoomsService) private readonly rooms: RoomsService) {}

  @Post(':code/accept')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Accept an invite: become a member of its room with its role (a higher role you hold is kept).',
  })
  @ApiResult(200, acceptedInviteSchema, 'The room you are now a member of.')
  @ApiErrors(...BEARER_ERRORS, ErrorCode.InviteInvalid, ErrorCode.Conflict)
  accept(
    @CurrentUser() user: AuthenticatedUser,
    @Param('code') code: string,
  ): Promise<AcceptedInvite> {
    return this.rooms.acceptInvite(user.id, code);
  }
}
