import { Controller, Get, Inject, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  ErrorCode,
  type ChatHistoryPage,
  type ChatHistoryQuery,
  type ChatMessage,
} from '@minimeet/protocol';
import { chatHistoryQuerySchema } from '@minimeet/protocol/schemas';
import {
  AccessTokenGuard,
  CurrentUser,
  type AuthenticatedUser,
} from '../auth/access-token.guard.js';
import { ApiErrors, ApiResult, BEARER_ERRORS, BODY_ERRORS } from '../common/openapi.js';
import { ValidBody, ZodValidationPipe } from '../common/zod-validation.js';
import {
  chatHistoryPageSchema,
  chatMessageSchema,
  postChatMessageBodySchema,
  type PostChatMessageBody,
} from './chat.dto.js';
import { ChatService } from './chat.service.js';

/** A room's conversation over REST, for signed-in members. */
@ApiTags('chat')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard)
@Controller('rooms/:roomId/messages')
export class ChatController {
  constructor(@Inject(ChatService) private readonly chat: ChatService) {}

  @Get()
  @ApiOperation({
    summary:
      "A page of a room's messages (members only): newest first, or with `afterSeq` oldest first from there.",
  })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
  })
  @ApiQuery({
    name: 'cursor',
    required: false,
    description: 'The `nextCursor` of the previous page; it goes on in the same direction.',
  })
  @ApiQuery({
    name: 'afterSeq',
    required: false,
    description: 'Only messages after this seq, oldest first (catching up after a gap).',
    schema: { type: 'integer', minimum: 0 },
  })
  @ApiResult(200, chatHistoryPageSchema, 'A page of messages.')
  @ApiErrors(...BEARER_ERRORS, ErrorCode.ValidationFailed, ErrorCode.NotFound, ErrorCode.Forbidden)
  list(
    @CurrentUser() user: AuthenticatedUser,
    @Param('roomId') roomId: string,
    @Query(new ZodValidationPipe(chatHistoryQuerySchema, 'Query'))
    query: ChatHistoryQuery,
  ): Promise<ChatHistoryPage> {
    return this.chat.page(user.id, roomId, query);
  }

  @Post()
  @ApiOperation({
    summary:
      'Send a message as the signed-in user (members only). Idempotent by `clientId`: a retry answers 200 with the message stored the first time.',
  })
  @ApiResult(201, chatMessageSchema, 'The stored message.')
  @ApiErrors(
    ...BEARER_ERRORS,
    ...BODY_ERRORS,
    ErrorCode.NotFound,
    ErrorCode.Forbidden,
    ErrorCode.RateLimited,
  )
  async send(
    @CurrentUser() user: AuthenticatedUser,
    @Param('roomId') roomId: string,
    @ValidBody(postChatMessageBodySchema) body: PostChatMessageBody,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ChatMessage> {
    const { message, created } = await this.chat.sendAsUser(user.id, roomId, body);
    res.status(created ? 201 : 200);
    return message;
  }
}
