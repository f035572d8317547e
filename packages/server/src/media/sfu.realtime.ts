import { Inject, Injectable } from '@nestjs/common';
import {
  sfuConnectTransportPayloadSchema,
  sfuConsumerPayloadSchema,
  sfuCreateTransportPayloadSchema,
  sfuProducePayloadSchema,
  sfuProducerPayloadSchema,
  sfuRestartIcePayloadSchema,
  sfuSetCapabilitiesPayloadSchema,
  sfuSetPreferredLayersPayloadSchema,
} from '@minimeet/protocol/schemas';
import type { ZodType } from 'zod';
import type {
  RealtimeFeature,
  RealtimeTransport,
  RequestHandler,
  RequestHandlers,
} from '../common/realtime.js';
import type { SfuRequestName } from './sfu-relay.js';
import { SfuService } from './sfu.service.js';

/** The client events the SFU answers. */
export type SfuEventName = SfuRequestName;

/** The SFU signalling over the socket: the gateway validates each payload, {@link SfuService} answers. */
@Injectable()
export class SfuRealtime implements RealtimeFeature<SfuEventName> {
  readonly handlers: RequestHandlers<SfuEventName>;

  constructor(@Inject(SfuService) private readonly sfu: SfuService) {
    const handler = <E extends SfuEventName>(name: E, schema: ZodType): RequestHandler<E> => ({
      schema,
      run: (client, p) => this.sfu.request(client, name, p),
    });
    this.handlers = {
      sfu_set_capabilities: handler('sfu_set_capabilities', sfuSetCapabilitiesPayloadSchema),
      sfu_create_transport: handler('sfu_create_transport', sfuCreateTransportPayloadSchema),
      sfu_connect_transport: handler('sfu_connect_transport', sfuConnectTransportPayloadSchema),
      sfu_produce: handler('sfu_produce', sfuProducePayloadSchema),
      sfu_close_producer: handler('sfu_close_producer', sfuProducerPayloadSchema),
      sfu_pause_producer: handler('sfu_pause_producer', sfuProducerPayloadSchema),
      sfu_resume_producer: handler('sfu_resume_producer', sfuProducerPayloadSchema),
      sfu_resume_consumer: handler('sfu_resume_consumer', sfuConsumerPayloadSchema),
      sfu_pause_consumer: handler('sfu_pause_consumer', sfuConsumerPayloadSchema),
      sfu_request_key_frame: handler('sfu_request_key_frame', sfuConsumerPayloadSchema),
      sfu_set_preferred_layers: handler(
        'sfu_set_preferred_layers',
        sfuSetPreferredLayersPayloadSchema,
      ),
      sfu_restart_ice: handler('sfu_restart_ice', sfuRestartIcePayloadSchema),
    };
  }

  attach(transport: RealtimeTransport): void {
    this.sfu.attach(transport);
  }
}
