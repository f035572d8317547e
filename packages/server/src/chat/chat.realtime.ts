import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
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
import { EventBus } from '../common/event-bus.js';
import type {
  RealtimeClient,
  RealtimeFeature,
  RealtimeTransport,
  RequestHandlers,
} from '../common/realtime.js';
import { ChatFanout } from './chat-fanout.js';
import { ChatService, type ChatOrigin } from './chat.service.js';

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

const origin = (client: RealtimeClient): ChatOrigin & { socketId: string } => ({
  principal: client.principal,
  socketId: client.socketId,
});

/**
 * Chat over the socket: the gateway validates each payload with its schema and hands it here;
 * {@link ChatService} does the work. It also keeps subscriptions honest: a member who leaves or is
 * removed, and everyone when the room is deleted, stops receiving the room's chat at once.
 */
@Injectable()
export class ChatRealtime implements RealtimeFeature<ChatEventName>, OnApplicationShutdown {
  readonly handlers: RequestHandlers<ChatEventName> = {
    chat_message: {
      schema: sendChatMessagePayloadSchema,
      run: async (client, p) => ({
        message: (await this.chat.send(origin(client), p.roomId, p)).message,
      }),
    },
    chat_edit: {
      schema: editChatMessagePayloadSchema,
      run: async (client, p) => ({
        message: await this.chat.edit(origin(client), p.roomId, p.messageId, p.text),
      }),
    },
    chat_delete: {
      schema: deleteChatMessagePayloadSchema,
      run: async (client, p) => ({
        message: await this.chat.delete(origin(client), p.roomId, p.messageId),
      }),
    },
    chat_react: {
      schema: reactChatMessagePayloadSchema,
      run: async (client, p) => ({
        message: await this.chat.react(origin(client), p.roomId, p),
      }),
    },
    chat_typing: {
      schema: chatTypingPayloadSchema,
      run: async (client, p) => {
        await this.chat.setTyping(origin(client), p.roomId, p.typing);
        return {};
      },
    },
    chat_subscribe: {
      schema: chatSubscribePayloadSchema,
      run: (client, p) => this.chat.subscribe(origin(client), p.roomId, p),
    },
    chat_unsubscribe: {
      schema: chatUnsubscribePayloadSchema,
      run: (client, p) => {
        this.chat.unsubscribe(client.socketId, p.roomId);
        return {};
      },
    },
    chat_history: {
      schema: chatHistoryPayloadSchema,
      run: (client, p) => this.chat.history(origin(client), p.roomId, p),
    },
  };

  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    @Inject(ChatService) private readonly chat: ChatService,
    @Inject(ChatFanout) private readonly fanout: ChatFanout,
    @Inject(EventBus) private readonly events: EventBus,
  ) {}

  attach(transport: RealtimeTransport): void {
    this.fanout.attach(transport);
    this.unsubscribe.push(
      this.events.on('room.member_removed', ({ roomId, userId }) =>
        this.chat.memberRemoved(roomId, userId),
      ),
      this.events.on('room.deleted', ({ roomId }) => this.chat.roomDeleted(roomId)),
      this.events.on('socket.disconnected', ({ connectionId }) =>
        this.chat.socketGone(connectionId),
      ),
    );
  }

  onApplicationShutdown(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }
}
