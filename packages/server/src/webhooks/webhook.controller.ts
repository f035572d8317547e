import {
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
import { ApiBasicAuth, ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  ErrorCode,
  type CreateWebhookEndpointRequest,
  type UpdateWebhookEndpointRequest,
  type WebhookDeliveryInfo,
  type WebhookEndpointInfo,
  type WebhookEndpointWithSecret,
} from '@minimeet/protocol';
import {
  createWebhookEndpointRequestSchema,
  updateWebhookEndpointRequestSchema,
  webhookDeliveryInfoSchema,
  webhookEndpointInfoSchema,
  webhookEndpointWithSecretSchema,
} from '@minimeet/protocol/schemas';
import { z } from 'zod';
import { ApiErrors, ApiResult, BEARER_ERRORS, BODY_ERRORS } from '../common/openapi.js';
import { ValidBody, ZodValidationPipe } from '../common/zod-validation.js';
import { WebhookOwner, WebhookOwnerGuard } from './webhook-owner.guard.js';
import { deliveriesQuerySchema, type DeliveriesQuery } from './webhook.dto.js';
import { WebhookService } from './webhook.service.js';

/**
 * An account's webhook endpoints over REST: a user with its access token (Bearer), or a host app
 * with an API key of the account (HTTP Basic).
 */
@ApiTags('webhooks')
@ApiBearerAuth()
@ApiBasicAuth()
@UseGuards(WebhookOwnerGuard)
@Controller('webhooks')
export class WebhookController {
  constructor(@Inject(WebhookService) private readonly webhooks: WebhookService) {}

  @Post()
  @ApiOperation({
    summary: 'Register an endpoint. Its signing secret is in this answer and never again.',
  })
  @ApiResult(201, webhookEndpointWithSecretSchema, 'The new endpoint, with its secret.')
  @ApiErrors(...BEARER_ERRORS, ...BODY_ERRORS, ErrorCode.Conflict)
  create(
    @WebhookOwner() owner: string,
    @ValidBody(createWebhookEndpointRequestSchema) body: CreateWebhookEndpointRequest,
  ): Promise<WebhookEndpointWithSecret> {
    return this.webhooks.create(owner, body);
  }

  @Get()
  @ApiOperation({ summary: 'List your endpoints (without secrets).' })
  @ApiResult(200, z.array(webhookEndpointInfoSchema), 'Your endpoints.')
  @ApiErrors(...BEARER_ERRORS)
  list(@WebhookOwner() owner: string): Promise<WebhookEndpointInfo[]> {
    return this.webhooks.list(owner);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One endpoint.' })
  @ApiResult(200, webhookEndpointInfoSchema, 'The endpoint.')
  @ApiErrors(...BEARER_ERRORS, ErrorCode.NotFound)
  get(@WebhookOwner() owner: string, @Param('id') id: string): Promise<WebhookEndpointInfo> {
    return this.webhooks.get(owner, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an endpoint; `enabled: true` re-enables a disabled one.' })
  @ApiResult(200, webhookEndpointInfoSchema, 'The endpoint as it is now.')
  @ApiErrors(...BEARER_ERRORS, ...BODY_ERRORS, ErrorCode.NotFound)
  update(
    @WebhookOwner() owner: string,
    @Param('id') id: string,
    @ValidBody(updateWebhookEndpointRequestSchema) body: UpdateWebhookEndpointRequest,
  ): Promise<WebhookEndpointInfo> {
    return this.webhooks.update(owner, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an endpoint and its delivery log.' })
  @ApiResult(204, null, 'The endpoint is gone.')
  @ApiErrors(...BEARER_ERRORS, ErrorCode.NotFound)
  async remove(@WebhookOwner() owner: string, @Param('id') id: string): Promise<void> {
    await this.webhooks.remove(owner, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Give an endpoint a new secret. The previous one keeps signing beside it for the grace period (WEBHOOK_ROTATION_GRACE_SECONDS).',
  })
  @ApiResult(200, webhookEndpointWithSecretSchema, 'The endpoint with its new secret.')
  @ApiErrors(...BEARER_ERRORS, ErrorCode.NotFound)
  rotate(
    @WebhookOwner() owner: string,
    @Param('id') id: string,
  ): Promise<WebhookEndpointWithSecret> {
    return this.webhooks.rotate(owner, id);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'The endpoint’s recent deliveries, newest first.' })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
  })
  @ApiResult(200, z.array(webhookDeliveryInfoSchema), 'The delivery log.')
  @ApiErrors(...BEARER_ERRORS, ErrorCode.NotFound, ErrorCode.ValidationFailed)
  deliveries(
    @WebhookOwner() owner: string,
    @Param('id') id: string,
    @Query(new ZodValidationPipe(deliveriesQuerySchema, 'Query')) query: DeliveriesQuery,
  ): Promise<WebhookDeliveryInfo[]> {
    return this.webhooks.deliveries(owner, id, query.limit);
  }
}
