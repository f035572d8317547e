import { Module } from '@nestjs/common';
import { ChatRealtime } from './chat.realtime.js';

/** Persisted chat, history and search. */
@Module({
  providers: [ChatRealtime],
  exports: [ChatRealtime],
})
export class ChatModule {}
