import { Inject, Injectable } from '@nestjs/common';
import { qualityReportPayloadSchema } from '@minimeet/protocol/schemas';
import type { RealtimeFeature, RequestHandlers } from '../common/realtime.js';
import { QualityService } from './quality.service.js';

/** The `quality_report` socket request, served over the one gateway like chat and presence. */
@Injectable()
export class QualityRealtime implements RealtimeFeature<'quality_report'> {
  readonly handlers: RequestHandlers<'quality_report'>;

  constructor(@Inject(QualityService) quality: QualityService) {
    this.handlers = {
      quality_report: {
        schema: qualityReportPayloadSchema,
        run: (client, payload) => quality.report(client, payload),
      },
    };
  }

  /** Quality answers requests only; it never pushes to sockets. */
  attach(): void {}
}
