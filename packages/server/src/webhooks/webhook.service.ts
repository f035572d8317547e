import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  ErrorCode,
  WEBHOOK_EVENT_TYPES,
  type CreateWebhookEndpointRequest,
  type UpdateWebhookEndpointRequest,
  type WebhookDeliveryInfo,
  type WebhookEndpointInfo,
  type WebhookEndpointWithSecret,
  type WebhookEventType,
} from '@minimeet/protocol';
import { AppError } from '../common/app-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import type { WebhookDeliveryEntity } from './webhook-delivery.entity.js';
import type { WebhookEndpointEntity } from './webhook-endpoint.entity.js';
import { parseEventTypes } from './webhook-events.js';
import { WebhookRepository } from './webhook.repository.js';
import { newWebhookSecret } from './webhook-signature.js';
import { refusedUrl } from './webhook-url.js';

/** Most endpoints one account may register. */
const MAX_ENDPOINTS = 20;
const iso = (ms: string | null): string | null =>
  ms === null ? null : new Date(Number(ms)).toISOString();
const notFound = () => new AppError(ErrorCode.NotFound, 'No such webhook endpoint.');

/** An account's webhook endpoints: register, list, change, delete, rotate the secret, read the log. */
@Injectable()
export class WebhookService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WebhookRepository) private readonly repo: WebhookRepository,
  ) {}

  /** Registers an endpoint; its secret is in the answer and never again. */
  async create(
    ownerId: string,
    body: CreateWebhookEndpointRequest,
  ): Promise<WebhookEndpointWithSecret> {
    await this.checkUrl(body.url);
    if ((await this.repo.countEndpoints(ownerId)) >= MAX_ENDPOINTS)
      throw new AppError(
        ErrorCode.Conflict,
        `An account may have at most ${MAX_ENDPOINTS} webhook endpoints.`,
      );
    const now = String(Date.now());
    const secret = newWebhookSecret();
    const row = await this.repo.insertEndpoint({
      id: randomUUID(),
      ownerId,
      url: body.url,
      description: body.description ?? '',
      eventTypes: eventTypes(body.eventTypes),
      secret,
      previousSecret: null,
      previousSecretExpiresAt: null,
      status: 'active',
      disabledReason: null,
      consecutiveFailures: 0,
      createdAt: now,
      updatedAt: now,
    });
    return { ...toInfo(row), secret };
  }

  /** The account's endpoints. */
  async list(ownerId: string): Promise<WebhookEndpointInfo[]> {
    return (await this.repo.listEndpoints(ownerId)).map(toInfo);
  }

  /** One of the account's endpoints. */
  async get(ownerId: string, id: string): Promise<WebhookEndpointInfo> {
    return toInfo(await this.owned(ownerId, id));
  }

  /** Changes an endpoint; `enabled: true` re-enables it and clears its failures. */
  async update(
    ownerId: string,
    id: string,
    body: UpdateWebhookEndpointRequest,
  ): Promise<WebhookEndpointInfo> {
    await this.owned(ownerId, id);
    if (body.url !== undefined) await this.checkUrl(body.url);
    const patch: Parameters<WebhookRepository['updateEndpoint']>[1] = {
      updatedAt: String(Date.now()),
    };
    if (body.url !== undefined) patch.url = body.url;
    if (body.description !== undefined) patch.description = body.description;
    if (body.eventTypes !== undefined) patch.eventTypes = eventTypes(body.eventTypes);
    if (body.enabled === true) {
      patch.status = 'active';
      patch.disabledReason = null;
      patch.consecutiveFailures = 0;
    } else if (body.enabled === false) {
      patch.status = 'paused';
    }
    const row = await this.repo.updateEndpoint(id, patch);
    if (body.enabled === false)
      await this.repo.failPending([id], 'The endpoint is paused.', Date.now());
    return toInfo(row);
  }

  /** Deletes an endpoint with its delivery log. */
  async remove(ownerId: string, id: string): Promise<void> {
    await this.owned(ownerId, id);
    await this.repo.deleteEndpoint(id);
  }

  /**
   * Gives an endpoint a new secret; the previous one keeps signing (beside the new one) for the
   * rotation grace period, so the receiver can switch.
   */
  async rotate(ownerId: string, id: string): Promise<WebhookEndpointWithSecret> {
    const current = await this.owned(ownerId, id);
    const now = Date.now();
    const secret = newWebhookSecret();
    const row = await this.repo.updateEndpoint(id, {
      secret,
      previousSecret: current.secret,
      previousSecretExpiresAt: String(now + this.config.webhooks.rotationGraceMs),
      updatedAt: String(now),
    });
    return { ...toInfo(row), secret };
  }

  /** An endpoint's most recent deliveries, newest first. */
  async deliveries(ownerId: string, id: string, limit: number): Promise<WebhookDeliveryInfo[]> {
    await this.owned(ownerId, id);
    return (await this.repo.listDeliveries(id, limit)).map(toDelivery);
  }

  private async owned(ownerId: string, id: string): Promise<WebhookEndpointEntity> {
    const row = await this.repo.findEndpoint(id.slice(0, 36));
    if (!row || row.ownerId !== ownerId) throw notFound();
    return row;
  }

  private async checkUrl(url: string): Promise<void> {
    if (this.config.webhooks.allowPrivateUrls) return;
    const refused = await refusedUrl(url);
    if (refused) throw new AppError(ErrorCode.ValidationFailed, refused);
  }
}

function eventTypes(types: readonly WebhookEventType[] | undefined): string {
  const chosen = new Set(types ?? WEBHOOK_EVENT_TYPES);
  return WEBHOOK_EVENT_TYPES.filter((t) => chosen.has(t)).join(',');
}

function toInfo(row: WebhookEndpointEntity): WebhookEndpointInfo {
  const expires = row.previousSecretExpiresAt;
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: parseEventTypes(row.eventTypes),
    enabled: row.status === 'active',
    disabledReason: row.disabledReason,
    consecutiveFailures: row.consecutiveFailures,
    createdAt: iso(row.createdAt)!,
    previousSecretExpiresAt: expires !== null && Number(expires) > Date.now() ? iso(expires) : null,
  };
}

function toDelivery(row: WebhookDeliveryEntity): WebhookDeliveryInfo {
  return {
    id: row.id,
    eventType: row.eventType as WebhookEventType,
    roomId: row.roomId,
    sequence: Number(row.sequence),
    status: row.status as WebhookDeliveryInfo['status'],
    attempts: row.attempts,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    nextAttemptAt: iso(row.nextAttemptAt),
    createdAt: iso(row.createdAt)!,
  };
}
