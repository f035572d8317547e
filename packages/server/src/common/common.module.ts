import { Global, Module } from '@nestjs/common';
import { EventBus } from './event-bus.js';
import { InMemoryRateLimiter, RATE_LIMITER } from './rate-limiter.js';

/** Cross-cutting providers every module may use: the event bus and the rate limiter. */
@Global()
@Module({
  providers: [EventBus, { provide: RATE_LIMITER, useClass: InMemoryRateLimiter }],
  exports: [EventBus, RATE_LIMITER],
})
export class CommonModule {}
