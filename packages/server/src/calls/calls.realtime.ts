import { Inject, Injectable } from '@nestjs/common';
import {
  iceCandidatePayloadSchema,
  joinRoomPayloadSchema,
  leaveRoomPayloadSchema,
  mediaMovedPayloadSchema,
  updateMediaStatePayloadSchema,
  webrtcAnswerPayloadSchema,
  webrtcOfferPayloadSchema,
} from '@minimeet/protocol/schemas';
import type { RealtimeFeature, RealtimeTransport, RequestHandlers } from '../common/realtime.js';
import { CallService } from './call.service.js';
import { callTransportOver } from './call-transport.js';

/** The client events calls answer. */
export type CallEventName =
  | 'join_room'
  | 'leave_room'
  | 'webrtc_offer'
  | 'webrtc_answer'
  | 'ice_candidate'
  | 'update_media_state'
  | 'media_moved';

/**
 * Calls over the socket, a feature like chat and presence: the gateway validates each payload and
 * hands it here; {@link CallService} joins, resumes, leaves and relays the mesh signalling.
 */
@Injectable()
export class CallsRealtime implements RealtimeFeature<CallEventName> {
  readonly handlers: RequestHandlers<CallEventName>;

  constructor(@Inject(CallService) private readonly calls: CallService) {
    this.handlers = {
      join_room: {
        schema: joinRoomPayloadSchema,
        run: (client, p) => this.calls.join(client, p),
      },
      leave_room: {
        schema: leaveRoomPayloadSchema,
        run: (client, p) => this.calls.leave(client, p.roomId),
      },
      webrtc_offer: {
        schema: webrtcOfferPayloadSchema,
        run: (client, p) => this.calls.relayDescription(client, 'webrtc_offer', p),
      },
      webrtc_answer: {
        schema: webrtcAnswerPayloadSchema,
        run: (client, p) => this.calls.relayDescription(client, 'webrtc_answer', p),
      },
      ice_candidate: {
        schema: iceCandidatePayloadSchema,
        run: (client, p) => this.calls.relayCandidate(client, p),
      },
      update_media_state: {
        schema: updateMediaStatePayloadSchema,
        run: (client, p) => this.calls.updateMedia(client, p),
      },
      media_moved: {
        schema: mediaMovedPayloadSchema,
        run: (client, p) => this.calls.relayMoved(client, p),
      },
    };
  }

  attach(transport: RealtimeTransport): void {
    this.calls.attach(callTransportOver(transport));
  }
}
