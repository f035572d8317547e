import { Module } from '@nestjs/common';
import { PresenceRealtime } from './presence.realtime.js';

/** Who is online, away, busy or in a call, across the whole app. */
@Module({
  providers: [PresenceRealtime],
  exports: [PresenceRealtime],
})
export class PresenceModule {}
