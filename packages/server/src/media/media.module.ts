import { Module } from '@nestjs/common';
import { CallsModule } from '../calls/calls.module.js';
import { SfuRealtime } from './sfu.realtime.js';
import { SfuRooms } from './sfu-rooms.js';
import { SfuService } from './sfu.service.js';

/** The SFU signalling: transports, producers and consumers of calls on the media server. */
@Module({
  imports: [CallsModule],
  providers: [SfuRooms, SfuService, SfuRealtime],
  exports: [SfuRealtime, SfuService],
})
export class MediaModule {}
