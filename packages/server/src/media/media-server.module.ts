import { Global, Module, type OnApplicationShutdown, Inject } from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../common/logger.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { MEDIA_SERVER, type MediaServer } from './media-server.js';
import { findWorkerBin } from './mediasoup-worker-bin.js';
import { MediasoupMediaServer } from './mediasoup-media-server.js';
import { UnavailableMediaServer } from './unavailable-media-server.js';

/** The media server for this configuration: mediasoup when its worker exists, else one that says why not. */
function createMediaServer(config: AppConfig, logger: Logger): MediaServer {
  if (!config.sfu.enabled)
    return new UnavailableMediaServer('it is turned off (SFU_ENABLED=false)');
  const bin = findWorkerBin(config.sfu);
  if (!bin.found) {
    // Said once, at start: mesh rooms work, `sfu` rooms are refused with `sfu_unavailable`.
    logger.warn(`SFU unavailable: ${bin.reason}. Mesh rooms work; sfu rooms are refused.`);
    return new UnavailableMediaServer(bin.reason);
  }
  return new MediasoupMediaServer(config.sfu, bin.path, logger);
}

/** Provides the {@link MediaServer} port to every module (calls, health, the SFU signalling). */
@Global()
@Module({
  providers: [
    {
      provide: MEDIA_SERVER,
      inject: [APP_CONFIG, ROOT_LOGGER],
      useFactory: createMediaServer,
    },
  ],
  exports: [MEDIA_SERVER],
})
export class MediaServerModule implements OnApplicationShutdown {
  constructor(@Inject(MEDIA_SERVER) private readonly media: MediaServer) {}

  async onApplicationShutdown(): Promise<void> {
    await this.media.close();
  }
}
