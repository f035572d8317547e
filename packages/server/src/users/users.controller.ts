import { Controller, Get, Inject, Patch, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorCode, type UpdateProfileRequest, type UserProfile } from '@minimeet/protocol';
import { updateProfileRequestSchema, userProfileSchema } from '@minimeet/protocol/schemas';
import { ApiErrors, ApiResult, BEARER_ERRORS, BODY_ERRORS } from '../common/openapi.js';
import { ValidBody } from '../common/zod-validation.js';
import {
  AccessTokenGuard,
  CurrentUser,
  type AuthenticatedUser,
} from '../auth/access-token.guard.js';
import { UsersService } from './users.service.js';

/** The signed-in user's own profile. */
@ApiTags('users')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard)
@Controller('users')
export class UsersController {
  constructor(@Inject(UsersService) private readonly users: UsersService) {}

  @Get('me')
  @ApiOperation({ summary: 'The profile of the signed-in user.' })
  @ApiResult(200, userProfileSchema, 'Your profile.')
  @ApiErrors(...BEARER_ERRORS, ErrorCode.NotFound)
  me(@CurrentUser() user: AuthenticatedUser): Promise<UserProfile> {
    return this.users.getProfile(user.id);
  }

  @Patch('me')
  @ApiOperation({ summary: 'Change the display name or avatar of the signed-in user.' })
  @ApiResult(200, userProfileSchema, 'Your profile as changed.')
  @ApiErrors(...BEARER_ERRORS, ...BODY_ERRORS, ErrorCode.NotFound)
  update(
    @CurrentUser() user: AuthenticatedUser,
    @ValidBody(updateProfileRequestSchema) body: UpdateProfileRequest,
  ): Promise<UserProfile> {
    return this.users.updateProfile(user.id, body);
  }
}
