import type { ChatMessage } from '@minimeet/protocol';
import type { SignalChannel } from '../signaling/SignalChannel.js';
import { ChatChannel } from './ChatChannel.js';

function isMessage(value: unknown): value is ChatMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Partial<ChatMessage>;
  return (
    typeof m.id === 'string' &&
    typeof m.roomId === 'string' &&
    typeof m.seq === 'number' &&
    typeof m.sender === 'object' &&
    m.sender !== null
  );
}

/**
 * The client's open conversations, one {@link ChatChannel} per room: it routes the server's chat
 * events to the channel of their room and the connection's changes to every channel. @internal
 */
export class ChatManager {
  private readonly channels = new Map<string, ChatChannel>();

  /** Follows chat events and connection changes on `signal`. */
  constructor(
    private readonly signal: SignalChannel,
    private readonly selfId: () => string | undefined,
  ) {
    // A malformed event from the server is dropped rather than thrown inside a listener.
    signal.subscribe('chat_message', (event) => {
      if (isMessage(event?.message))
        this.channels.get(event.message.roomId)?.handleMessage(event.message);
    });
    signal.subscribe('chat_message_updated', (event) => {
      if (isMessage(event?.message)) this.channels.get(event.message.roomId)?.handleUpdate(event);
    });
    signal.subscribe('chat_typing', (event) => {
      if (typeof event?.roomId === 'string' && typeof event.sender?.id === 'string') {
        this.channels.get(event.roomId)?.handleTyping(event);
      }
    });
    signal.onConnectionChange((change) => {
      for (const channel of [...this.channels.values()]) channel.handleConnectionChange(change);
    });
  }

  /** The open conversation of `roomId`, opened now if there is none. */
  open(roomId: string): ChatChannel {
    let channel = this.channels.get(roomId);
    if (!channel) {
      channel = new ChatChannel(roomId, {
        signal: this.signal,
        selfId: this.selfId,
        onClosed: (closed) => {
          if (this.channels.get(closed.roomId) === closed) this.channels.delete(closed.roomId);
        },
      });
      this.channels.set(roomId, channel);
    }
    return channel;
  }
}
