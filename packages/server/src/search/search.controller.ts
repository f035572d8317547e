import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  ErrorCode,
  type MessageSearchPage,
  type MessageSearchQuery,
  type Principal,
} from '@minimeet/protocol';
import { messageSearchQuerySchema } from '@minimeet/protocol/schemas';
import { ApiErrors, ApiResult, BEARER_ERRORS } from '../common/openapi.js';
import { RateLimit, RateLimitGuard } from '../common/rate-limit.guard.js';
import { ZodValidationPipe } from '../common/zod-validation.js';
import { CurrentPrincipal, PrincipalGuard, principalIdOf } from '../auth/principal.guard.js';
import { messageSearchPageSchema } from './search.dto.js';
import { SearchService } from './search.service.js';

/**
 * Full-text search of chat messages, for users and for guests with a join token; each person
 * (principal) may search `RATE_LIMIT_SEARCH` times per window, across all nodes with Redis.
 */
@ApiTags('search')
@ApiBearerAuth()
// In this order: the rate limit counts per principal, which the first guard establishes.
@UseGuards(PrincipalGuard, RateLimitGuard)
@Controller('search')
export class SearchController {
  constructor(@Inject(SearchService) private readonly searchService: SearchService) {}

  @Get('messages')
  @ApiOperation({
    summary:
      'Search the messages of your rooms (a guest: its join token’s room). Words must all match; `"quoted phrases"`; prefixes `meet*`. Newest first, or by relevance.',
    description:
      'Authenticate with an access token or a join token as `Authorization: Bearer`. Any text is a valid query: operators and punctuation are not syntax, and a query without any word finds nothing. A `roomId` you may not see is `not_found`, exactly like an unknown one; a public room you have not joined is `forbidden`.',
  })
  @ApiQuery({
    name: 'q',
    required: true,
    description: 'What to find (1 to 500 characters).',
    schema: { type: 'string', maxLength: 500 },
  })
  @ApiQuery({
    name: 'roomId',
    required: false,
    description:
      'Only this room: `not_found` for one you may not see (unknown or private alike), `forbidden` for a public room you have not joined.',
  })
  @ApiQuery({ name: 'senderId', required: false, description: 'Only messages of this sender.' })
  @ApiQuery({
    name: 'from',
    required: false,
    description: 'Only messages stored at or after this ISO 8601 time.',
    schema: { type: 'string', format: 'date-time' },
  })
  @ApiQuery({
    name: 'to',
    required: false,
    description: 'Only messages stored before this ISO 8601 time.',
    schema: { type: 'string', format: 'date-time' },
  })
  @ApiQuery({ name: 'sort', required: false, enum: ['newest', 'relevance'] })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
  })
  @ApiQuery({
    name: 'cursor',
    required: false,
    description: 'The `nextCursor` of the previous page (same query and sort).',
  })
  @ApiResult(200, messageSearchPageSchema, 'A page of hits, each with its snippet.')
  @ApiErrors(
    ...BEARER_ERRORS,
    ErrorCode.ValidationFailed,
    ErrorCode.NotFound,
    ErrorCode.Forbidden,
    ErrorCode.ServiceUnavailable,
    ErrorCode.RateLimited,
  )
  @RateLimit({ name: 'search', rule: (c) => c.rateLimits.search, key: principalIdOf })
  messages(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodValidationPipe(messageSearchQuerySchema, 'Query')) query: MessageSearchQuery,
  ): Promise<MessageSearchPage> {
    return this.searchService.search(principal, query);
  }
}
