import { Global, Module, type OnApplicationShutdown, Inject } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { REDIS } from '../common/redis.js';
import { ROOT_LOGGER } from '../common/logger.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { MEDIA_SERVER, type MediaServer } from './media-server.js';
import { findWorkerBin } from './mediasoup-worker-bin.js';
import { MediasoupMediaServer } from './mediasoup-media-server.js';
import { UnavailableMediaServer } from './unavailable-media-server.js';
import { RedisSfuRelay } from './redis-sfu-relay.js';
import { LocalSfuRelay, SFU_RELAY, type SfuRelay } from './sfu-relay.js';

/** How long an SFU request waits for the node whose router holds the room. */
const SFU_RELAY_TIMEOUT_MS = 5000;

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

/**
 * Provides the {@link MediaServer} port and the {@link SfuRelay} (which node holds a room's router)
 * to every module (calls, health, the SFU signalling).
 */
@Global()
@Module({
  providers: [
    {
      provide: MEDIA_SERVER,
      inject: [APP_CONFIG, ROOT_LOGGER],
      useFactory: createMediaServer,
    },
    {
      provide: SFU_RELAY,
      inject: [APP_CONFIG, REDIS, ROOT_LOGGER],
      useFactory: (config: AppConfig, redis: Redis | null, logger: Logger): SfuRelay =>
        config.redis && redis
          ? new RedisSfuRelay(redis, config.redis.keyPrefix, {
              nodeId: config.nodeId,
              timeoutMs: SFU_RELAY_TIMEOUT_MS,
              logger,
            })
          : new LocalSfuRelay(),
    },
  ],
  exports: [MEDIA_SERVER, SFU_RELAY],
})
export class MediaServerModule implements OnApplicationShutdown {
  constructor(
    @Inject(MEDIA_SERVER) private readonly media: MediaServer,
    @Inject(SFU_RELAY) private readonly relay: SfuRelay,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    // The others take this node's rooms over before its routers go.
    await this.relay.close();
    await this.media.close();
  }
}
