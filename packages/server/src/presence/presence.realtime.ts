import { Inject, Injectable } from '@nestjs/common';
import {
  presenceSubscribePayloadSchema,
  presenceUnsubscribePayloadSchema,
  presenceUpdatePayloadSchema,
} from '@minimeet/protocol/schemas';
import type { RealtimeFeature, RealtimeTransport, RequestHandlers } from '../common/realtime.js';
import { PresenceService } from './presence.service.js';

/** The client events presence answers. */
export type PresenceEventName = 'presence_update' | 'presence_subscribe' | 'presence_unsubscribe';

/** Presence over the socket: the gateway validates each payload, {@link PresenceService} answers. */
@Injectable()
export class PresenceRealtime implements RealtimeFeature<PresenceEventName> {
  readonly handlers: RequestHandlers<PresenceEventName>;

  constructor(@Inject(PresenceService) private readonly presence: PresenceService) {
    this.handlers = {
      presence_update: {
        schema: presenceUpdatePayloadSchema,
        run: (client, payload) => this.presence.update(client, payload),
      },
      presence_subscribe: {
        schema: presenceSubscribePayloadSchema,
        run: (client, payload) => this.presence.subscribe(client, payload),
      },
      presence_unsubscribe: {
        schema: presenceUnsubscribePayloadSchema,
        run: (client, payload) => this.presence.unsubscribe(client, payload),
      },
    };
  }

  attach(transport: RealtimeTransport): void {
    this.presence.attach(transport);
  }
}
