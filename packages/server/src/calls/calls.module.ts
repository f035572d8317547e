import { Module } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../common/logger.js';
import { REDIS } from '../common/redis.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { AuthModule } from '../auth/auth.module.js';
import { PrincipalGuard } from '../auth/principal.guard.js';
import { RateLimitGuard } from '../common/rate-limit.guard.js';
import { RoomsModule } from '../rooms/rooms.module.js';
import {
  InMemoryTopologyState,
  RedisTopologyState,
  TOPOLOGY_STATE,
  type TopologyState,
} from './topology-state.js';
import { CALL_STATE, type CallState } from './call-state.js';
import { CallService } from './call.service.js';
import { CallTopology } from './call-topology.js';
import { CallsRealtime } from './calls.realtime.js';
import { GRACE_STORE, type GraceStore } from './grace-store.js';
import { IceServers } from './ice-servers.js';
import { IceServersController } from './ice-servers.controller.js';
import { InMemoryCallState } from './in-memory-call-state.js';
import { InMemoryGraceStore } from './in-memory-grace-store.js';
import { NODE_REGISTRY, SingleNodeRegistry, type NodeRegistry } from './node-registry.js';
import { RedisCallState } from './redis-call-state.js';
import { RedisGraceStore } from './redis-grace-store.js';
import { RedisNodeRegistry } from './redis-node-registry.js';

/**
 * Live calls: who is in which room's call, resume after a dropped connection, signalling relay,
 * ICE servers (also over REST, `GET /api/ice-servers`, for a connection check), and which topology
 * each call runs on (mesh or the SFU). The live state stays in this process unless `REDIS_URL` is
 * set; then it is shared by every node through Redis.
 */
@Module({
  imports: [AuthModule, RoomsModule],
  controllers: [IceServersController],
  providers: [
    CallService,
    CallTopology,
    CallsRealtime,
    IceServers,
    PrincipalGuard,
    RateLimitGuard,
    {
      provide: CALL_STATE,
      inject: [APP_CONFIG, REDIS],
      useFactory: (config: AppConfig, redis: Redis | null): CallState =>
        config.redis && redis
          ? new RedisCallState(redis, config.redis.keyPrefix)
          : new InMemoryCallState(),
    },
    {
      provide: TOPOLOGY_STATE,
      inject: [APP_CONFIG, REDIS],
      useFactory: (config: AppConfig, redis: Redis | null): TopologyState =>
        config.redis && redis
          ? new RedisTopologyState(redis, config.redis.keyPrefix)
          : new InMemoryTopologyState(),
    },
    {
      provide: GRACE_STORE,
      inject: [APP_CONFIG, REDIS, ROOT_LOGGER],
      useFactory: (config: AppConfig, redis: Redis | null, logger: Logger): GraceStore =>
        config.redis && redis
          ? new RedisGraceStore(redis, config.redis.keyPrefix, { logger })
          : new InMemoryGraceStore(),
    },
    {
      provide: NODE_REGISTRY,
      inject: [APP_CONFIG, REDIS, ROOT_LOGGER],
      useFactory: (config: AppConfig, redis: Redis | null, logger: Logger): NodeRegistry =>
        config.redis && redis
          ? new RedisNodeRegistry(redis, config.redis.keyPrefix, {
              nodeId: config.nodeId,
              timeoutMs: config.presence.timeoutMs,
              logger,
            })
          : new SingleNodeRegistry(),
    },
  ],
  exports: [CallService, CallTopology, CallsRealtime, CALL_STATE],
})
export class CallsModule {}
