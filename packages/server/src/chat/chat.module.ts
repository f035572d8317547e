import { Module } from '@nestjs/common';

/** Persisted chat, history and search. Empty until chat lands (issue 4). */
@Module({})
export class ChatModule {}
