import { Injectable } from '@nestjs/common';
import { ErrorCode } from '@minimeet/protocol';
import {
  chatHistoryPayloadSchema,
  chatSubscribePayloadSchema,
  chatTypingPayloadSchema,
  chatUnsubscribePayloadSchema,
  deleteChatMessagePayloadSchema,
  editChatMessagePayloadSchema,
  reactChatMessagePayloadSchema,
  sendChatMessagePayloadSchema,
} from '@minimeet/protocol/schemas';
import { AppError } from '../common/app-error.js';
import type { RealtimeFeature, RealtimeTransport, RequestHandlers } from '../common/realtime.js';

/** The client events chat answers. */
export type ChatEventName =
  | 'chat_message'
  | 'chat_edit'
  | 'chat_delete'
  | 'chat_react'
  | 'chat_typing'
  | 'chat_subscribe'
  | 'chat_unsubscribe'
  | 'chat_history';

const notYet = (): never => {
  throw new AppError(ErrorCode.FeatureUnavailable, 'Chat is not available yet.');
};

/** Chat over the socket. */
@Injectable()
export class ChatRealtime implements RealtimeFeature<ChatEventName> {
  readonly handlers: RequestHandlers<ChatEventName> = {
    chat_message: { schema: sendChatMessagePayloadSchema, run: notYet },
    chat_edit: { schema: editChatMessagePayloadSchema, run: notYet },
    chat_delete: { schema: deleteChatMessagePayloadSchema, run: notYet },
    chat_react: { schema: reactChatMessagePayloadSchema, run: notYet },
    chat_typing: { schema: chatTypingPayloadSchema, run: notYet },
    chat_subscribe: { schema: chatSubscribePayloadSchema, run: notYet },
    chat_unsubscribe: { schema: chatUnsubscribePayloadSchema, run: notYet },
    chat_history: { schema: chatHistoryPayloadSchema, run: notYet },
  };

  attach(_transport: RealtimeTransport): void {}
}
