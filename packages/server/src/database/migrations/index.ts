import { InitialSchema1764000000000 } from './1764000000000-initial-schema.js';
import { Rooms1764100000000 } from './1764100000000-rooms.js';
import { Chat1764200000000 } from './1764200000000-chat.js';
import { ChatSearch1764200000001 } from './1764200000001-chat-search.js';
import { Presence1764200000002 } from './1764200000002-presence.js';
import { ChatSearchBatched1764300000000 } from './1764300000000-chat-search-batched.js';
import { ChatSearchDeferred1764400000000 } from './1764400000000-chat-search-deferred.js';
import { AccountDisabled1764500000000 } from './1764500000000-account-disabled.js';
import { CallAnalytics1764600000000 } from './1764600000000-call-analytics.js';
import { Webhooks1764700000000 } from './1764700000000-webhooks.js';
import { CallRollups1764810000000 } from './1764810000000-call-rollups.js';
import { RoomModeration1764900000000 } from './1764900000000-room-moderation.js';

/** Every migration, in order. New migrations are appended here. */
export const MIGRATIONS = [
  InitialSchema1764000000000,
  Rooms1764100000000,
  Chat1764200000000,
  ChatSearch1764200000001,
  Presence1764200000002,
  ChatSearchBatched1764300000000,
  ChatSearchDeferred1764400000000,
  AccountDisabled1764500000000,
  CallAnalytics1764600000000,
  Webhooks1764700000000,
  CallRollups1764810000000,
  RoomModeration1764900000000,
];
