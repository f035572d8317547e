import { Controller, Delete, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ErrorCode,
  type ApiKeyInfo,
  type CreateApiKeyRequest,
  type CreatedApiKey,
} from '@minimeet/protocol';
import {
  apiKeyInfoSchema,
  createApiKeyRequestSchema,
  createdApiKeySchema,
} from '@minimeet/protocol/schemas';
import { z } from 'zod';
import { ApiErrors, ApiResult, BEARER_ERRORS, BODY_ERRORS } from '../common/openapi.js';
import { ValidBody } from '../common/zod-validation.js';
import { AccessTokenGuard, CurrentUser, type AuthenticatedUser } from './access-token.guard.js';
import { ApiKeysService } from './api-keys.service.js';

/** The signed-in user's API keys, for host-app backends. */
@ApiTags('api-keys')
@ApiBearerAuth()
@UseGuards(AccessTokenGuard)
@Controller('api-keys')
export class ApiKeysController {
  constructor(@Inject(ApiKeysService) private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key. The secret is in this answer and never again.' })
  @ApiResult(201, createdApiKeySchema, 'The new key, with its secret.')
  @ApiErrors(...BEARER_ERRORS, ...BODY_ERRORS)
  create(
    @CurrentUser() user: AuthenticatedUser,
    @ValidBody(createApiKeyRequestSchema) body: CreateApiKeyRequest,
  ): Promise<CreatedApiKey> {
    return this.keys.create(user.id, body.name);
  }

  @Get()
  @ApiOperation({ summary: 'List your API keys (without secrets).' })
  @ApiResult(200, z.array(apiKeyInfoSchema), 'Your keys, revoked ones included.')
  @ApiErrors(...BEARER_ERRORS)
  list(@CurrentUser() user: AuthenticatedUser): Promise<ApiKeyInfo[]> {
    return this.keys.list(user.id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key; join tokens it signed stop working.' })
  @ApiResult(204, null, 'The key is revoked.')
  @ApiErrors(...BEARER_ERRORS, ErrorCode.NotFound)
  async revoke(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string): Promise<void> {
    await this.keys.revoke(user.id, id);
  }
}
