import { AnalyticsReceiptEntity } from '../analytics/analytics-receipt.entity.js';
import {
  CallDailyFailuresEntity,
  CallDailyRollupEntity,
} from '../analytics/call-daily-rollup.entity.js';
import { CallJoinFailureEntity } from '../analytics/call-join-failure.entity.js';
import { CallQualitySampleEntity } from '../analytics/call-quality-sample.entity.js';
import { CallLegEntity } from '../analytics/call-leg.entity.js';
import { CallSessionEntity } from '../analytics/call-session.entity.js';
import { ApiKeyEntity } from '../auth/api-key.entity.js';
import { RefreshTokenEntity } from '../auth/refresh-token.entity.js';
import { RoomInviteEntity } from '../rooms/room-invite.entity.js';
import { RoomMemberEntity } from '../rooms/room-member.entity.js';
import { RoomEntity } from '../rooms/room.entity.js';
import { UserEntity } from '../users/user.entity.js';
import { ChatMessageEntity } from '../chat/chat-message.entity.js';
import { ChatReactionEntity } from '../chat/chat-reaction.entity.js';
import { WebhookDeliveryEntity } from '../webhooks/webhook-delivery.entity.js';
import { WebhookEndpointEntity } from '../webhooks/webhook-endpoint.entity.js';
import { WebhookReceiptEntity } from '../webhooks/webhook-receipt.entity.js';
import { WebhookRoomEntity } from '../webhooks/webhook-room.entity.js';

/** Every entity of the relational store. */
export const ENTITIES = [
  UserEntity,
  RefreshTokenEntity,
  ApiKeyEntity,
  RoomEntity,
  RoomMemberEntity,
  RoomInviteEntity,
  ChatMessageEntity,
  ChatReactionEntity,
  CallSessionEntity,
  CallLegEntity,
  CallQualitySampleEntity,
  CallJoinFailureEntity,
  AnalyticsReceiptEntity,
  CallDailyRollupEntity,
  CallDailyFailuresEntity,
  WebhookEndpointEntity,
  WebhookDeliveryEntity,
  WebhookRoomEntity,
  WebhookReceiptEntity,
];
