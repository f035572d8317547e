import { Module } from '@nestjs/common';
import { RoomsModule } from '../rooms/rooms.module.js';
import { CALL_STATE } from './call-state.js';
import { CallService } from './call.service.js';
import { IceServers } from './ice-servers.js';
import { InMemoryCallState } from './in-memory-call-state.js';

/** Live calls: who is in which room's call, resume after a dropped connection, signalling relay, ICE servers. */
@Module({
  imports: [RoomsModule],
  providers: [CallService, IceServers, { provide: CALL_STATE, useClass: InMemoryCallState }],
  exports: [CallService],
})
export class CallsModule {}
