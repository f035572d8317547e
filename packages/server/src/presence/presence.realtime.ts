import { Injectable } from '@nestjs/common';
import { ErrorCode } from '@minimeet/protocol';
import {
  presenceSubscribePayloadSchema,
  presenceUnsubscribePayloadSchema,
  presenceUpdatePayloadSchema,
} from '@minimeet/protocol/schemas';
import { AppError } from '../common/app-error.js';
import type { RealtimeFeature, RealtimeTransport, RequestHandlers } from '../common/realtime.js';

/** The client events presence answers. */
export type PresenceEventName = 'presence_update' | 'presence_subscribe' | 'presence_unsubscribe';

const notYet = (): never => {
  throw new AppError(ErrorCode.FeatureUnavailable, 'Presence is not available yet.');
};

/** Presence over the socket. */
@Injectable()
export class PresenceRealtime implements RealtimeFeature<PresenceEventName> {
  readonly handlers: RequestHandlers<PresenceEventName> = {
    presence_update: { schema: presenceUpdatePayloadSchema, run: notYet },
    presence_subscribe: { schema: presenceSubscribePayloadSchema, run: notYet },
    presence_unsubscribe: { schema: presenceUnsubscribePayloadSchema, run: notYet },
  };

  attach(_transport: RealtimeTransport): void {}
}
