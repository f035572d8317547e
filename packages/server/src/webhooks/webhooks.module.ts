import { Module } from '@nestjs/common';
import { AnalyticsModule } from '../analytics/analytics.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { WebhookOwnerGuard } from './webhook-owner.guard.js';
import { WebhookController } from './webhook.controller.js';
import { WebhookRepository } from './webhook.repository.js';
import { WebhookService } from './webhook.service.js';

/**
 * Webhooks (Standard Webhooks): accounts register endpoints over REST; a consumer group of the
 * analytics stream turns call events into signed deliveries, retried from the store.
 */
@Module({
  imports: [AnalyticsModule, AuthModule],
  controllers: [WebhookController],
  providers: [WebhookRepository, WebhookService, WebhookDispatcher, WebhookOwnerGuard],
  exports: [WebhookDispatcher],
})
export class WebhooksModule {}
