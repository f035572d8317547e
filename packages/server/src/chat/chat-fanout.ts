import { Injectable } from '@nestjs/common';
import type { ChatMessage, ChatMessageChange, ChatSender } from '@minimeet/protocol';
import { principalChannel, type RealtimeTransport } from '../common/realtime.js';

/** The channel of the sockets subscribed to a room's chat. */
export const chatChannel = (roomId: string): string => `chat:${roomId}`;

/**
 * How chat reaches the subscribed sockets. It addresses channels only, so a cross-node Socket.IO
 * adapter carries every broadcast to the sockets of other nodes as well. Until the gateway hands
 * it a transport (and in a process without one) it sends nothing.
 */
@Injectable()
export class ChatFanout {
  private transport: RealtimeTransport | null = null;

  /** Hands the fan-out its way to the sockets; the gateway does this once it exists. */
  attach(transport: RealtimeTransport): void {
    this.transport = transport;
  }

  /** A new message, to the room's subscribers but the socket that sent it. */
  created(message: ChatMessage, exceptSocketId: string | null): void {
    this.transport?.toChannel(chatChannel(message.roomId), exceptSocketId, 'chat_message', {
      message,
    });
  }

  /** A message as it is after an edit, a deletion or a reaction, to all the room's subscribers. */
  updated(message: ChatMessage, change: ChatMessageChange): void {
    this.transport?.toChannel(chatChannel(message.roomId), null, 'chat_message_updated', {
      message,
      change,
    });
  }

  /** Someone started or stopped typing. */
  typing(roomId: string, sender: ChatSender, typing: boolean, exceptSocketId: string | null): void {
    this.transport?.toChannel(chatChannel(roomId), exceptSocketId, 'chat_typing', {
      roomId,
      sender,
      typing,
    });
  }

  /** Subscribes a socket to a room's chat. */
  enter(socketId: string, roomId: string): void {
    this.transport?.enter(socketId, chatChannel(roomId));
  }

  /** Unsubscribes a socket from a room's chat. */
  exit(socketId: string, roomId: string): void {
    this.transport?.exit(socketId, chatChannel(roomId));
  }

  /** Unsubscribes every socket of a user from a room's chat (the user left or was removed). */
  dropMember(userId: string, roomId: string): void {
    this.transport?.exitAll(principalChannel(userId), chatChannel(roomId));
  }

  /** Unsubscribes every socket from a room's chat (the room is gone). */
  dropRoom(roomId: string): void {
    this.transport?.exitAll(chatChannel(roomId), chatChannel(roomId));
  }
}
