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
import type { RealtimeFeature, RealtimeTransport, RequestHandlers } from '../common/realtime.js';
import { SfuService } from './sfu.service.js';

/** The client events the SFU answers. */
export type SfuEventName =
  | 'sfu_set_capabilities'
  | 'sfu_create_transport'
  | 'sfu_connect_transport'
  | 'sfu_produce'
  | 'sfu_close_producer'
  | 'sfu_pause_producer'
  | 'sfu_resume_producer'
  | 'sfu_resume_consumer'
  | 'sfu_pause_consumer'
  | 'sfu_set_preferred_layers'
  | 'sfu_restart_ice';

/** The SFU signalling over the socket: the gateway validates each payload, {@link SfuService} answers. */
@Injectable()
export class SfuRealtime implements RealtimeFeature<SfuEventName> {
  readonly handlers: RequestHandlers<SfuEventName>;

  constructor(@Inject(SfuService) private readonly sfu: SfuService) {
    this.handlers = {
      sfu_set_capabilities: {
        schema: sfuSetCapabilitiesPayloadSchema,
        run: (client, p) => this.sfu.setCapabilities(client, p),
      },
      sfu_create_transport: {
        schema: sfuCreateTransportPayloadSchema,
        run: (client, p) => this.sfu.createTransport(client, p),
      },
      sfu_connect_transport: {
        schema: sfuConnectTransportPayloadSchema,
        run: (client, p) => this.sfu.connectTransport(client, p),
      },
      sfu_produce: {
        schema: sfuProducePayloadSchema,
        run: (client, p) => this.sfu.produce(client, p),
      },
      sfu_close_producer: {
        schema: sfuProducerPayloadSchema,
        run: (client, p) => this.sfu.closeProducer(client, p),
      },
      sfu_pause_producer: {
        schema: sfuProducerPayloadSchema,
        run: (client, p) => this.sfu.setProducerPaused(client, p, true),
      },
      sfu_resume_producer: {
        schema: sfuProducerPayloadSchema,
        run: (client, p) => this.sfu.setProducerPaused(client, p, false),
      },
      sfu_resume_consumer: {
        schema: sfuConsumerPayloadSchema,
        run: (client, p) => this.sfu.setConsumerPaused(client, p, false),
      },
      sfu_pause_consumer: {
        schema: sfuConsumerPayloadSchema,
        run: (client, p) => this.sfu.setConsumerPaused(client, p, true),
      },
      sfu_set_preferred_layers: {
        schema: sfuSetPreferredLayersPayloadSchema,
        run: (client, p) => this.sfu.setPreferredLayers(client, p),
      },
      sfu_restart_ice: {
        schema: sfuRestartIcePayloadSchema,
        run: (client, p) => this.sfu.restartIce(client, p),
      },
    };
  }

  attach(transport: RealtimeTransport): void {
    this.sfu.attach(transport);
  }
}
