import { Controller, Get, Inject, Patch, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { UpdateProfileRequest, UserProfile } from '@minimeet/protocol';
import { updateProfileRequestSchema } from '@minimeet/protocol/schemas';
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
  me(@CurrentUser() user: AuthenticatedUser): Promise<UserProfile> {
    return this.users.getProfile(user.id);
  }

  @Patch('me')
  @ApiOperation({ summary: 'Change the display name or avatar of the signed-in user.' })
  update(
    @CurrentUser() user: AuthenticatedUser,
    @ValidBody(updateProfileRequestSchema) body: UpdateProfileRequest,
  ): Promise<UserProfile> {
    return this.users.updateProfile(user.id, body);
  }
}
