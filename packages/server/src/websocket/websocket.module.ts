import { Module } from '@nestjs/common';
import { AnalyticsModule } from '../analytics/analytics.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { CallsModule } from '../calls/calls.module.js';
import { ChatModule } from '../chat/chat.module.js';
import { MediaModule } from '../media/media.module.js';
import { ModerationModule } from '../moderation/moderation.module.js';
import { PresenceModule } from '../presence/presence.module.js';
import { SignallingGateway } from './signalling.gateway.js';

/** The Socket.IO gateway and everything that speaks the wire protocol. */
@Module({
  imports: [
    AuthModule,
    CallsModule,
    MediaModule,
    ChatModule,
    ModerationModule,
    PresenceModule,
    AnalyticsModule,
  ],
  providers: [SignallingGateway],
})
export class WebsocketModule {}
