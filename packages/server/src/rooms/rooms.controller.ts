import {
  applyDecorators,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  ErrorCode,
  type CreateInviteRequest,
  type CreateRoomRequest,
  type JoinRoomRequest,
  type Page,
  type RoomDetails,
  type RoomInvite,
  type RoomMember,
  type UpdateMemberRequest,
  type UpdateRoomRequest,
} from '@minimeet/protocol';
import {
  createInviteRequestSchema,
  createRoomRequestSchema,
  joinRoomRequestSchema,
  roomDetailsSchema,
  roomInviteSchema,
  roomMemberPageSchema,
  roomMemberSchema,
  roomPageSchema,
  updateMemberRequestSchema,
  updateRoomRequestSchema,
} from '@minimeet/protocol/schemas';
import { z } from 'zod';
import {
  AccessTokenGuard,
  CurrentUser,
  type AuthenticatedUser,
} from '../auth/access-token.guard.js';
import { ApiErrors, ApiResult, BEARER_ERRORS, BODY_ERRORS } from '../common/openapi.js';
import { ValidBody, ZodValidationPipe } from '../common/zod-validation.js';
import {
  listRoomsQuerySchema,
  pageQuerySchema,
  type ListRoomsQuery,
  type PageQuery,
} from './room.dto.js';
import { RoomsService } from './rooms.service.js';

/** Documents the `limit` and `cursor` query parameters of a paginated listing. */
function PageQueryDocs(): MethodDecorator {
  return applyDecorators(
    ApiQuery({
      name: 'limit',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
    }),
    ApiQuery({
      name: 'cursor',
      required: false,
      description: 'The `nextCursor` of the previous page.',
    }),
  );
}

/** Rooms, their members and their invites, for signed-in users. */
@ApiTags('rooms')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard)
@Controller('rooms')
export class RoomsController {
  constructor(@Inject(RoomsService) private readonly rooms: RoomsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a room; you become its owner.' })
  @ApiResult(201, roomDetailsSchema, 'The new room.')
  @ApiErrors(...BEARER_ERRORS, ...BODY_ERRORS, ErrorCode.FeatureUnavailable)
  create(
    @CurrentUser() user: AuthenticatedUser,
    @ValidBody(createRoomRequestSchema) body: CreateRoomRequest,
  ): Promise<RoomDetails> {
    return this.rooms.create(user.id, body);
  }

  @Get()
  @ApiOperation({
    summary:
      'List rooms: yours, the public ones, or both (default), newest first, a page at a time.',
  })
  @ApiQuery({ name: 'scope', required: false, enum: ['mine', 'public', 'all'] })
  @PageQueryDocs()
  @ApiResult(200, roomPageSchema, 'A page of rooms.')
  @ApiErrors(...BEARER_ERRORS, ErrorCode.ValidationFailed)
  list(
    @CurrentUser() user: AuthenticatedUser,
    @Query(new ZodValidationPipe(listRoomsQuerySchema, 'Query')) query: ListRoomsQuery,
  ): Promise<Page<RoomDetails>> {
    return this.rooms.list(user.id, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A room you are a member of, or a public room.' })
  @ApiResult(200, roomDetailsSchema, 'The room.')
  @ApiErrors(...BEARER_ERRORS, ErrorCode.NotFound)
  get(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string): Promise<RoomDetails> {
    return this.rooms.get(user.id, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: "Change a room's settings (owner only); `password: null` removes it." })
  @ApiResult(200, roomDetailsSchema, 'The room as changed.')
  @ApiErrors(
    ...BEARER_ERRORS,
    ...BODY_ERRORS,
    ErrorCode.NotFound,
    ErrorCode.Forbidden,
    ErrorCode.FeatureUnavailable,
  )
  update(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @ValidBody(updateRoomRequestSchema) body: UpdateRoomRequest,
  ): Promise<RoomDetails> {
    return this.rooms.update(user.id, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a room with its members and invites (owner only); its call ends.',
  })
  @ApiResult(204, null, 'The room is deleted.')
  @ApiErrors(...BEARER_ERRORS, ErrorCode.NotFound, ErrorCode.Forbidden)
  async delete(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string): Promise<void> {
    await this.rooms.delete(user.id, id);
  }

  @Post(':id/join')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Become a member of a public room, or of any room with its password.',
  })
  @ApiResult(200, roomDetailsSchema, 'The room, with you as a member.')
  @ApiErrors(...BEARER_ERRORS, ...BODY_ERRORS, ErrorCode.NotFound, ErrorCode.RoomPasswordRequired)
  join(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @ValidBody(joinRoomRequestSchema) body: JoinRoomRequest,
  ): Promise<RoomDetails> {
    return this.rooms.join(user.id, id, body.password);
  }

  @Get(':id/members')
  @ApiOperation({ summary: "A room's members in the order they joined (members only)." })
  @PageQueryDocs()
  @ApiResult(200, roomMemberPageSchema, 'A page of members.')
  @ApiErrors(...BEARER_ERRORS, ErrorCode.ValidationFailed, ErrorCode.NotFound, ErrorCode.Forbidden)
  members(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @Query(new ZodValidationPipe(pageQuerySchema, 'Query')) query: PageQuery,
  ): Promise<Page<RoomMember>> {
    return this.rooms.listMembers(user.id, id, query);
  }

  @Patch(':id/members/:userId')
  @ApiOperation({ summary: 'Make a member a moderator or a plain member (owner only).' })
  @ApiResult(200, roomMemberSchema, 'The member as changed.')
  @ApiErrors(
    ...BEARER_ERRORS,
    ...BODY_ERRORS,
    ErrorCode.NotFound,
    ErrorCode.Forbidden,
    ErrorCode.Conflict,
  )
  updateMember(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @Param('userId') userId: string,
    @ValidBody(updateMemberRequestSchema) body: UpdateMemberRequest,
  ): Promise<RoomMember> {
    return this.rooms.updateMember(user.id, id, userId, body);
  }

  @Delete(':id/members/:userId')
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Remove a member (owner or moderator), or leave the room (your own user id). The owner cannot leave.',
  })
  @ApiResult(204, null, 'The membership has ended.')
  @ApiErrors(...BEARER_ERRORS, ErrorCode.NotFound, ErrorCode.Forbidden, ErrorCode.Conflict)
  async removeMember(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @Param('userId') userId: string,
  ): Promise<void> {
    await this.rooms.removeMember(user.id, id, userId);
  }

  @Post(':id/invites')
  @ApiOperation({
    summary: 'Create an invite link (owner or moderator; moderator invites: owner only).',
  })
  @ApiResult(201, roomInviteSchema, 'The invite, with its code and link.')
  @ApiErrors(...BEARER_ERRORS, ...BODY_ERRORS, ErrorCode.NotFound, ErrorCode.Forbidden)
  createInvite(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @ValidBody(createInviteRequestSchema) body: CreateInviteRequest,
  ): Promise<RoomInvite> {
    return this.rooms.createInvite(user.id, id, body);
  }

  @Get(':id/invites')
  @ApiOperation({
    summary: "A room's usable invites: not expired, not used up (owner or moderator).",
  })
  @ApiResult(200, z.array(roomInviteSchema), 'The invites, newest first.')
  @ApiErrors(...BEARER_ERRORS, ErrorCode.NotFound, ErrorCode.Forbidden)
  invites(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string): Promise<RoomInvite[]> {
    return this.rooms.listInvites(user.id, id);
  }

  @Delete(':id/invites/:code')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an invite (owner or moderator).' })
  @ApiResult(204, null, 'The invite no longer works.')
  @ApiErrors(...BEARER_ERRORS, ErrorCode.NotFound, ErrorCode.Forbidden)
  async revokeInvite(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @Param('code') code: string,
  ): Promise<void> {
    await this.rooms.revokeInvite(user.id, id, code);
  }
}
