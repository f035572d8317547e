import {
  ChatEvent,
  ChatState,
  ConnectionState,
  MinimeetError,
  ModerationEvent,
  type ChatChannel,
  type ChatEventCallbacks,
  type ChatMessage,
  type ChatReaction,
  type ChatSender,
  type MessageSearchHit,
  type MessageSearchResults,
  type MinimeetClient,
  type ModerationCallbacks,
  type PendingChatMessage,
} from '@minimeet/sdk';
import { html, nothing, type CSSResultGroup, type PropertyValues, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import { ClientController } from '../controllers/ClientController.js';
import { EventsController } from '../controllers/EventsController.js';
import type { ChatAction } from '../events/minimeet-chat-error.js';
import type { MessageKey } from '../i18n/types.js';
import { icon } from '../icons/icons.js';
import { MinimeetRoomPart } from '../internal/room-part.js';
import { chatStyles } from './chat.styles.js';
import {
  continuesGroup,
  dayKey,
  daysAgo,
  hueOf,
  initials,
  insideRoomElement,
  snippetSegments,
} from './chat-text.js';
import { listKeyTarget } from '../internal/list-keys.js';

/** The reactions offered on every message. */
export const CHAT_REACTIONS: readonly string[] = ['👍', '❤️', '😂', '🎉', '😮', '🙏'];

// Closer to the end than this (in pixels) counts as "at the newest message".
const STICKY_PX = 48;
// Closer to the top than this starts loading older messages.
const LOAD_OLDER_PX = 240;
// Pages asked for when paging back to a message found by a search.
const JUMP_PAGE = 200;
// New messages from others are read out at most this long.
const ANNOUNCE_CHARS = 200;
// How long a message found by a search stays marked.
const FOUND_MS = 2500;

// What a person reads for the SDK's and the server's error codes.
const ERROR_MESSAGES: Readonly<Record<string, MessageKey>> = {
  rate_limited: 'chat.error.rateLimited',
  validation_failed: 'chat.error.invalid',
  payload_too_large: 'chat.error.invalid',
  forbidden: 'chat.error.forbidden',
  conflict: 'chat.error.conflict',
  not_found: 'chat.error.notFound',
  disconnected: 'chat.error.offline',
  timeout: 'chat.error.offline',
  invalid_state: 'chat.error.offline',
  network_error: 'chat.error.offline',
  connection_lost: 'chat.error.offline',
  server_unreachable: 'chat.error.offline',
};

/** A message given to `send()` that the server refused; it can be sent again or dropped. */
interface FailedSend {
  readonly id: number;
  readonly text: string;
  readonly error: Error;
}

/** One row of the conversation. */
type Row =
  | { kind: 'day'; key: string; label: string }
  | { kind: 'unread'; key: string }
  | { kind: 'message'; key: string; message: ChatMessage; grouped: boolean }
  | { kind: 'pending'; key: string; pending: PendingChatMessage }
  | { kind: 'failed'; key: string; failed: FailedSend };

/** How the list scrolls after the next render. */
type ScrollIntent = 'keep' | 'bottom' | 'older';

/**
 * A room's conversation, with everything the SDK's chat does: the history, paged back as the
 * list is scrolled up (the position kept); live messages; sending with Enter (Shift+Enter for a
 * new line), with messages on their way and refused ones shown, to retry or discard; who is
 * typing; reactions; editing and deleting one's own messages (moderators may delete anyone's);
 * search with the server's highlights and a jump to the message found, paging back to it if
 * needed; a marker for new messages while scrolled up; day separators; times in the element's
 * language.
 *
 * Give it a client and a room id (`.client` and `room-id`), or a `ChatChannel` (`.channel`, for
 * instance `room.chat`); inside `<minimeet-room>` it finds the room's conversation by itself. It
 * never opens a socket and never closes the conversation: the app (or the room) does.
 *
 * The messages are a list: Tab reaches the latest, the arrow keys move between messages, Home
 * and End go to the first and the last, and Tab goes on into the message's actions. New
 * messages from others are read out once by a polite live region.
 *
 * @summary A room's chat: history, live messages, reactions, edits, search and jump-to-message.
 *
 * @event {MinimeetChatMessageEvent} minimeet-chat-message - A message was sent from this element
 *   (`detail.direction: 'sent'`) or arrived live (`'received'`); `detail.message` is the stored
 *   message.
 * @event {MinimeetChatErrorEvent} minimeet-chat-error - An action failed; `detail.action` says
 *   which (`open`, `send`, `edit`, `delete`, `react`, `load`, `search`) and `detail.error` why.
 *
 * @slot header-end - Extra controls at the end of the header, such as a close button.
 * @slot empty - What shows in a conversation without messages.
 *
 * @csspart base - The whole chat, a `section` labelled by its title.
 * @csspart header - The header: title, state, search button.
 * @csspart title - The title.
 * @csspart state - What the conversation is doing when it is not live (loading, reconnecting).
 * @csspart search-toggle - The button that opens the search.
 * @csspart search-form - The search form (`role="search"`).
 * @csspart search-input - The search box.
 * @csspart search-results - The panel of results over the conversation.
 * @csspart search-status - How many results, or searching.
 * @csspart search-hit - One result, a button that jumps to the message.
 * @csspart search-match - A matched word inside a result (`<mark>`).
 * @csspart messages - The scrolling conversation.
 * @csspart message-list - The `ol` of messages.
 * @csspart day-separator - The line with a day's date.
 * @csspart unread-divider - The line above the first message that arrived while scrolled up.
 * @csspart message - One message; also `message own`, `message deleted`, `message pending`,
 *   `message failed`, `message found` by state.
 * @csspart avatar - The sender's initials.
 * @csspart sender - The sender's name.
 * @csspart timestamp - The time a message was sent.
 * @csspart edited - The "edited" mark.
 * @csspart text - The text of a message.
 * @csspart reactions - The reactions under a message.
 * @csspart reaction - One emoji's reaction chip (`aria-pressed` when yours is in it).
 * @csspart actions - A message's actions (react, edit, delete).
 * @csspart action - One action button.
 * @csspart reaction-picker - The emoji to choose from.
 * @csspart editor - The inline editor of one's own message.
 * @csspart new-messages - The "N new messages" button while scrolled up.
 * @csspart typing - Who is typing.
 * @csspart error - The last error, with a button to dismiss it.
 * @csspart announcer - The polite live region that reads new messages out, when the chat stands
 *   alone (inside `<minimeet-room>`, the room's announcer does).
 * @csspart composer - The form to write a message.
 * @csspart input - The message box.
 * @csspart send - The send button.
 *
 * @cssprop --minimeet-color-surface - Background.
 * @cssprop --minimeet-color-surface-raised - Background of own messages, chips and the composer.
 * @cssprop --minimeet-color-text - Text colour.
 * @cssprop --minimeet-color-text-muted - Secondary text colour (times, typing).
 * @cssprop --minimeet-color-border - Borders and separators.
 * @cssprop --minimeet-color-accent - Buttons, focus, the unread divider.
 * @cssprop --minimeet-color-on-accent - Text on the accent colour.
 * @cssprop --minimeet-color-focus - The focus ring.
 * @cssprop --minimeet-color-danger - Failed messages and errors.
 * @cssprop --minimeet-color-highlight - Background of matched words and of a message found.
 * @cssprop --minimeet-color-on-highlight - Text on the highlight colour.
 * @cssprop --minimeet-chat-message-padding - Padding of a message.
 * @cssprop --minimeet-chat-avatar-size - Diameter of the avatars.
 * @cssprop --minimeet-chat-input-max-height - How tall the message box may grow.
 */
export class MinimeetChat extends MinimeetRoomPart {
  static override styles: CSSResultGroup = [MinimeetRoomPart.styles, chatStyles];

  static override properties = {
    roomId: { attribute: 'room-id' },
    channel: { attribute: false },
    canModerate: { attribute: 'can-moderate', type: Boolean },
    hideTitle: { attribute: 'hide-title', type: Boolean },
    reactions: { attribute: false },
    draft: { state: true },
    searchOpen: { state: true },
    searchQuery: { state: true },
    searchHits: { state: true },
    searchBusy: { state: true },
    searchDone: { state: true },
    errorText: { state: true },
    editingId: { state: true },
    pickerFor: { state: true },
    failed: { state: true },
    unreadCount: { state: true },
    unreadFromSeq: { state: true },
    loadingOlder: { state: true },
    focusedKey: { state: true },
    foundId: { state: true },
  };

  /**
   * The room whose conversation to show, with `client` (set as a property): the element opens it
   * with `client.chat(roomId)` once the client is connected, and again after a new `connect()`.
   * Inside `<minimeet-room>` neither is needed. `room` (a joined SDK `Room`) does as well: its
   * `room.chat`, with the local participant's role and permissions.
   */
  declare roomId: string | undefined;

  /** A conversation to show as it is (such as `room.chat`); wins over `client` + `room-id`. */
  declare channel: ChatChannel | undefined;

  /**
   * Offers to delete other people's messages (the server allows it to room owners and
   * moderators). Found by itself from the room's role or the join token's grants; set it when
   * the app knows better.
   */
  declare canModerate: boolean;

  /**
   * Leaves the title out of the header (the search stays), for a layout that titles the chat
   * itself; `<minimeet-room>`'s side panel does, so the chat leaves it out there by itself.
   */
  declare hideTitle: boolean;

  /** The emoji offered as reactions. */
  declare reactions: readonly string[];

  declare private draft: string;
  declare private searchOpen: boolean;
  declare private searchQuery: string;
  declare private searchHits: MessageSearchHit[];
  declare private searchBusy: boolean;
  declare private searchDone: boolean;
  declare private errorText: string | undefined;
  declare private editingId: string | undefined;
  declare private pickerFor: string | undefined;
  declare private failed: FailedSend[];
  declare private unreadCount: number;
  declare private unreadFromSeq: number | undefined;
  declare private loadingOlder: boolean;
  declare private focusedKey: string | undefined;
  declare private foundId: string | undefined;

  private readonly connection = new ClientController(this);
  // A host may take chat away (or give it back) during the call: the composer follows.
  private readonly grants = new EventsController<ModerationCallbacks>(this, {
    [ModerationEvent.GrantsChanged]: true,
  });
  private readonly chatEvents = new EventsController<ChatEventCallbacks>(this, {
    [ChatEvent.MessageReceived]: (message) =>
      this.onMessage(message, this.chat?.state === ChatState.Synced),
    [ChatEvent.HistoryLoaded]: () => {
      this.scrollIntent = this.rendered ? 'older' : 'bottom';
    },
    [ChatEvent.MessageDeleted]: (message) => {
      if (this.editingId === message.id) this.editingId = undefined;
    },
    [ChatEvent.Closed]: (error) => {
      if (error) this.fail('open', error);
    },
    [ChatEvent.MessageEdited]: true,
    [ChatEvent.ReactionsChanged]: true,
    [ChatEvent.TypingChanged]: true,
    [ChatEvent.Synced]: true,
    [ChatEvent.StateChanged]: true,
  });
  private stopNotifier: (() => void) | undefined;

  // The conversation opened from `client` + `roomId`, and for which pair.
  private opened: { channel: ChatChannel; client: MinimeetClient; roomId: string } | undefined;
  private scrollIntent: ScrollIntent = 'bottom';
  private rendered = false;
  private fromEnd = 0;
  private wasAtEnd = true;
  private searchPage: MessageSearchResults | undefined;
  private searchRun = 0;
  private failedIds = 0;
  // clientIds of the messages this element sent, to tell "sent" from "received".
  private readonly ownSends = new Set<string>();
  private foundTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.canModerate = false;
    this.hideTitle = false;
    this.reactions = CHAT_REACTIONS;
    this.draft = '';
    this.searchOpen = false;
    this.searchQuery = '';
    this.searchHits = [];
    this.searchBusy = false;
    this.searchDone = false;
    this.failed = [];
    this.unreadCount = 0;
    this.loadingOlder = false;
  }

  /** The conversation shown now, if any. */
  get conversationChannel(): ChatChannel | undefined {
    return this.chat;
  }

  private get chat(): ChatChannel | undefined {
    return this.chatEvents.current as ChatChannel | undefined;
  }

  /**
   * Scrolls to a message and gives it the focus; if it is older than the messages loaded, pages
   * back until it is there. Resolves with whether the message was found.
   */
  async revealMessage(messageId: string, seq?: number): Promise<boolean> {
    const channel = this.chat;
    if (!channel) return false;
    const has = () => channel.messages.some((m) => m.id === messageId);
    this.loadingOlder = true;
    try {
      while (!has() && channel.hasMoreOlder) {
        const first = channel.messages[0]?.seq;
        if (seq !== undefined && first !== undefined && seq > first) break;
        const page = await channel.loadOlder(JUMP_PAGE);
        if (page.length === 0) break;
      }
    } catch (error) {
      this.fail('load', error);
      return false;
    } finally {
      this.loadingOlder = false;
    }
    if (!has()) {
      this.errorText = this.i18n.t('chat.jumpFailed');
      return false;
    }
    this.focusedKey = messageId;
    this.foundId = messageId;
    clearTimeout(this.foundTimer);
    this.foundTimer = setTimeout(() => (this.foundId = undefined), FOUND_MS);
    this.scrollIntent = 'keep';
    await this.updateComplete;
    const row = this.messageRow(messageId);
    row?.scrollIntoView({ block: 'center' });
    row?.focus({ preventScroll: true });
    return row !== undefined;
  }

  /** Puts the keyboard focus in the message box. */
  override focus(options?: FocusOptions): void {
    this.renderRoot.querySelector<HTMLTextAreaElement>('textarea.input')?.focus(options);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.foundTimer);
    this.stopNotifier?.();
    this.stopNotifier = undefined;
  }

  // --- Binding -------------------------------------------------------------------------------

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.connection.setClient(this.client);
    this.grants.setTarget(this.currentRoom?.moderation);
    if (this.chatEvents.setTarget(this.resolveChannel()) && changed.size > 0) this.resetView();
    // Standalone, the element reads its own announcements out; in a room, the room does.
    if (!this.context && !this.stopNotifier) {
      this.stopNotifier = this.notifier.subscribe(() => this.requestUpdate());
    }
    const scroller = this.scroller;
    if (scroller) {
      this.fromEnd = scroller.scrollHeight - scroller.scrollTop;
      this.wasAtEnd = this.isAtEnd();
    }
  }

  // The conversation to show: the one given, or the client's for the room id once connected.
  private resolveChannel(): ChatChannel | undefined {
    const given = this.channel ?? this.currentChat;
    if (given) return given;
    const { client, roomId } = this;
    if (!client || !roomId) return undefined;
    const opened = this.opened;
    if (
      opened &&
      opened.client === client &&
      opened.roomId === roomId &&
      opened.channel.state !== ChatState.Closed
    ) {
      return opened.channel;
    }
    const state = this.connection.snapshot.state;
    if (state !== ConnectionState.Connected && state !== ConnectionState.Reconnecting) {
      // Keep showing the closed conversation (and why) until the client is back.
      return opened?.client === client && opened.roomId === roomId ? opened.channel : undefined;
    }
    try {
      const channel = client.chat(roomId);
      this.opened = { channel, client, roomId };
      return channel;
    } catch (error) {
      this.fail('open', error);
      return undefined;
    }
  }

  private resetView(): void {
    this.scrollIntent = 'bottom';
    this.rendered = false;
    this.unreadCount = 0;
    this.unreadFromSeq = undefined;
    this.editingId = undefined;
    this.pickerFor = undefined;
    this.focusedKey = undefined;
    this.failed = [];
  }

  // Whether the header shows the title: not when asked, nor in <minimeet-room>'s panel.
  private get titleShown(): boolean {
    return !this.hideTitle && !insideRoomElement(this);
  }

  private get selfId(): string | undefined {
    return this.currentClient?.principal?.id ?? this.currentRoom?.localParticipant.principalId;
  }

  private get moderator(): boolean {
    if (this.canModerate) return true;
    const principal = this.currentClient?.principal;
    const role =
      this.currentRoom?.localParticipant.role ??
      (principal?.kind === 'guest' ? principal.grants.role : undefined);
    return role === 'owner' || role === 'moderator';
  }

  private get mayWrite(): boolean {
    const room = this.currentRoom;
    if (room && !room.localParticipant.permissions.canChat) return false;
    const principal = this.currentClient?.principal;
    return !(principal?.kind === 'guest' && !principal.grants.canChat);
  }

  // --- Events from the conversation -----------------------------------------------------------

  private onMessage(message: ChatMessage, live: boolean): void {
    const own = message.sender.id === this.selfId;
    const sentHere = own && this.ownSends.delete(message.clientId);
    if (sentHere || (own && live)) {
      this.scrollIntent = 'bottom';
    } else {
      this.scrollIntent = 'keep';
    }
    if (!live) return;
    // In a room, the room reports the room's messages itself.
    if (!sentHere && !this.context) this.emit('minimeet-chat-message', { message });
    if (own) return;
    const text =
      message.text.length > ANNOUNCE_CHARS
        ? `${message.text.slice(0, ANNOUNCE_CHARS)}…`
        : message.text;
    this.notifier.announce(
      this.i18n.t('chat.announce', { name: message.sender.displayName, text }),
    );
    if (this.isAtEnd()) {
      this.unreadFromSeq = undefined;
    } else {
      this.unreadCount += 1;
      this.unreadFromSeq ??= message.seq;
    }
  }

  // --- Scrolling ------------------------------------------------------------------------------

  private get scroller(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('.scroller');
  }

  private isAtEnd(): boolean {
    const el = this.scroller;
    if (!el) return true;
    return el.scrollHeight - el.scrollTop - el.clientHeight < STICKY_PX;
  }

  protected override updated(): void {
    const el = this.scroller;
    const channel = this.chat;
    if (!el || !channel) return;
    if (!this.rendered && channel.messages.length > 0) {
      this.rendered = true;
      this.scrollIntent = 'bottom';
    }
    const intent = this.scrollIntent;
    this.scrollIntent = 'keep';
    if (intent === 'older') el.scrollTop = el.scrollHeight - this.fromEnd;
    else if (intent === 'bottom' || (this.wasAtEnd && !this.foundId)) this.scrollToEnd();
    // A first page too short to scroll could never be scrolled up to load the next.
    if (
      el.scrollHeight <= el.clientHeight &&
      channel.hasMoreOlder &&
      channel.state === ChatState.Synced
    ) {
      void this.loadOlder();
    }
  }

  private scrollToEnd(): void {
    const el = this.scroller;
    if (el) el.scrollTop = el.scrollHeight;
    this.unreadCount = 0;
  }

  private readonly onScroll = (): void => {
    const el = this.scroller;
    if (!el) return;
    if (el.scrollTop < LOAD_OLDER_PX) void this.loadOlder();
    if (this.isAtEnd() && this.unreadCount > 0) this.unreadCount = 0;
  };

  private async loadOlder(): Promise<void> {
    const channel = this.chat;
    if (!channel || this.loadingOlder || !channel.hasMoreOlder) return;
    if (channel.state !== ChatState.Synced) return;
    this.loadingOlder = true;
    try {
      await channel.loadOlder();
    } catch (error) {
      this.fail('load', error);
    } finally {
      this.loadingOlder = false;
      this.scrollIntent = 'older';
    }
  }

  private readonly showNewMessages = (): void => {
    this.scrollToEnd();
    const channel = this.chat;
    const last = channel?.messages.at(-1);
    if (last) {
      this.focusedKey = last.id;
      void this.updateComplete.then(() => this.messageRow(last.id)?.focus({ preventScroll: true }));
    }
  };

  // --- Actions --------------------------------------------------------------------------------

  private fail(action: ChatAction, error: unknown): void {
    const err = error instanceof Error ? error : new Error(String(error));
    this.errorText = this.describeError(err);
    this.emit('minimeet-chat-error', { action, error: err });
  }

  private describeError(error: Error): string {
    const code = error instanceof MinimeetError ? (error.code as string) : '';
    return this.i18n.t(ERROR_MESSAGES[code] ?? 'chat.error.generic');
  }

  private async send(text: string): Promise<void> {
    const channel = this.chat;
    if (!channel || text.trim().length === 0) return;
    let sending: Promise<ChatMessage>;
    try {
      sending = channel.send(text);
    } catch (error) {
      this.draft = text;
      this.fail('send', error);
      return;
    }
    const pending = channel.pendingMessages.at(-1);
    if (pending) this.ownSends.add(pending.clientId);
    this.scrollIntent = 'bottom';
    this.requestUpdate();
    try {
      const message = await sending;
      if (!this.context) this.emit('minimeet-chat-message', { message });
    } catch (error) {
      if (pending) this.ownSends.delete(pending.clientId);
      if (this.chat !== channel) return;
      const err = error instanceof Error ? error : new Error(String(error));
      this.failed = [...this.failed, { id: ++this.failedIds, text, error: err }];
      this.scrollIntent = 'bottom';
      this.emit('minimeet-chat-error', { action: 'send', error: err });
    }
  }

  private readonly onSubmit = (event: Event): void => {
    event.preventDefault();
    const text = this.draft;
    if (text.trim().length === 0) return;
    this.draft = '';
    this.errorText = undefined;
    void this.send(text);
  };

  private readonly onInputKeyDown = (event: KeyboardEvent): void => {
    // Enter sends; Shift+Enter is a new line; Enter that ends an IME composition is neither.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    (event.target as HTMLTextAreaElement).form?.requestSubmit();
  };

  private readonly onInput = (event: Event): void => {
    this.draft = (event.target as HTMLTextAreaElement).value;
    const channel = this.chat;
    if (channel && channel.state !== ChatState.Closed) {
      channel.setTyping(this.draft.trim().length > 0);
    }
  };

  private readonly onInputBlur = (): void => {
    const channel = this.chat;
    if (channel && channel.state !== ChatState.Closed) channel.setTyping(false);
  };

  private retry(failed: FailedSend): void {
    this.failed = this.failed.filter((f) => f !== failed);
    void this.send(failed.text);
  }

  private discard(failed: FailedSend): void {
    this.failed = this.failed.filter((f) => f !== failed);
    this.focus();
  }

  private async act(action: ChatAction, run: () => Promise<unknown>): Promise<boolean> {
    this.errorText = undefined;
    try {
      await run();
      return true;
    } catch (error) {
      this.fail(action, error);
      return false;
    }
  }

  private toggleReaction(message: ChatMessage, emoji: string): void {
    const channel = this.chat;
    if (!channel) return;
    const self = this.selfId;
    const mine =
      self !== undefined &&
      message.reactions.some((r) => r.emoji === emoji && r.principalIds.includes(self));
    this.pickerFor = undefined;
    void this.act('react', () =>
      mine ? channel.unreact(message.id, emoji) : channel.react(message.id, emoji),
    );
  }

  private startEdit(message: ChatMessage): void {
    this.editingId = message.id;
    this.pickerFor = undefined;
    void this.updateComplete.then(() => {
      const input = this.messageRow(message.id)?.querySelector<HTMLTextAreaElement>('textarea');
      input?.focus();
      input?.setSelectionRange(input.value.length, input.value.length);
    });
  }

  private stopEdit(): void {
    const id = this.editingId;
    this.editingId = undefined;
    if (id) this.focusRowSoon(id);
  }

  private async saveEdit(message: ChatMessage, text: string): Promise<void> {
    const channel = this.chat;
    if (!channel) return;
    if (text === message.text) return this.stopEdit();
    if (text.trim().length === 0) {
      this.errorText = this.i18n.t('chat.error.blank');
      return;
    }
    if (await this.act('edit', () => channel.edit(message.id, text))) this.stopEdit();
  }

  private deleteMessage(message: ChatMessage): void {
    const channel = this.chat;
    if (!channel) return;
    void this.act('delete', () => channel.delete(message.id)).then((done) => {
      if (done) this.focusRowSoon(message.id);
    });
  }

  private focusRowSoon(id: string): void {
    this.focusedKey = id;
    void this.updateComplete.then(() => this.messageRow(id)?.focus({ preventScroll: true }));
  }

  private messageRow(id: string): HTMLElement | undefined {
    return (
      [...this.renderRoot.querySelectorAll<HTMLElement>('li[data-message-id]')].find(
        (li) => li.dataset.messageId === id,
      ) ?? undefined
    );
  }

  // --- Search ---------------------------------------------------------------------------------

  private openSearch(): void {
    this.searchOpen = true;
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLInputElement>('input.search-input')?.focus(),
    );
  }

  private closeSearch(focusToggle = true): void {
    this.searchRun += 1;
    this.searchOpen = false;
    this.searchHits = [];
    this.searchDone = false;
    this.searchBusy = false;
    this.searchPage = undefined;
    if (focusToggle) {
      void this.updateComplete.then(() =>
        this.renderRoot.querySelector<HTMLButtonElement>('button.search-toggle')?.focus(),
      );
    }
  }

  private readonly onSearchSubmit = (event: Event): void => {
    event.preventDefault();
    void this.search(this.searchQuery);
  };

  private async search(query: string): Promise<void> {
    const client = this.currentClient;
    const roomId = this.chat?.roomId ?? this.roomId;
    if (!client || !roomId) return;
    const run = ++this.searchRun;
    if (query.trim().length === 0) {
      this.searchHits = [];
      this.searchDone = false;
      return;
    }
    this.searchBusy = true;
    this.errorText = undefined;
    try {
      const page = await client.search(query, { roomId });
      if (run !== this.searchRun) return;
      this.searchPage = page;
      this.searchHits = page.items;
      this.searchDone = true;
    } catch (error) {
      if (run === this.searchRun) this.fail('search', error);
    } finally {
      if (run === this.searchRun) this.searchBusy = false;
    }
  }

  private async moreResults(): Promise<void> {
    const page = this.searchPage;
    if (!page) return;
    const run = this.searchRun;
    this.searchBusy = true;
    try {
      const next = await page.next();
      if (run !== this.searchRun) return;
      this.searchPage = next ?? undefined;
      if (next) this.searchHits = [...this.searchHits, ...next.items];
    } catch (error) {
      if (run === this.searchRun) this.fail('search', error);
    } finally {
      if (run === this.searchRun) this.searchBusy = false;
    }
  }

  private jumpTo(hit: MessageSearchHit): void {
    this.closeSearch(false);
    void this.revealMessage(hit.message.id, hit.message.seq);
  }

  // --- Keyboard in the list -------------------------------------------------------------------

  private readonly onListFocusIn = (event: FocusEvent): void => {
    const row = (event.target as Element).closest?.('li[data-key]');
    if (row instanceof HTMLElement && row.dataset.key) this.focusedKey = row.dataset.key;
  };

  private readonly onListKeyDown = (event: KeyboardEvent): void => {
    const target = event.target as HTMLElement;
    if (event.key === 'Escape' && this.pickerFor) {
      const id = this.pickerFor;
      this.pickerFor = undefined;
      event.preventDefault();
      void this.updateComplete.then(() =>
        this.messageRow(id)?.querySelector<HTMLButtonElement>('button.react-toggle')?.focus(),
      );
      return;
    }
    if (!target.matches('li[data-key]')) return;
    const rows = [...this.renderRoot.querySelectorAll<HTMLElement>('li[data-key]')];
    const index = rows.indexOf(target);
    const next = listKeyTarget(event.key, index, rows.length);
    if (next === undefined) return;
    if (event.key === 'ArrowUp' && index === 0) void this.loadOlder();
    event.preventDefault();
    const row = rows[next];
    this.focusedKey = row.dataset.key;
    row.focus();
    row.scrollIntoView({ block: 'nearest' });
  };

  // --- Rendering ------------------------------------------------------------------------------

  private rows(channel: ChatChannel): Row[] {
    const rows: Row[] = [];
    const now = new Date();
    let day: string | undefined;
    let previous: ChatMessage | undefined;
    for (const message of channel.messages) {
      const time = new Date(message.createdAt);
      const key = dayKey(time);
      if (key !== day) {
        day = key;
        previous = undefined;
        rows.push({ kind: 'day', key: `day:${key}`, label: this.dayLabel(time, now) });
      }
      if (message.seq === this.unreadFromSeq) {
        rows.push({ kind: 'unread', key: 'unread' });
        previous = undefined;
      }
      rows.push({
        kind: 'message',
        key: message.id,
        message,
        grouped: continuesGroup(previous, message),
      });
      previous = message;
    }
    for (const pending of channel.pendingMessages) {
      rows.push({ kind: 'pending', key: `pending:${pending.clientId}`, pending });
    }
    for (const failed of this.failed) {
      rows.push({ kind: 'failed', key: `failed:${failed.id}`, failed });
    }
    return rows;
  }

  private dayLabel(time: Date, now: Date): string {
    const ago = daysAgo(time, now);
    const lang = this.i18n.lang;
    if (ago === 0 || ago === 1) {
      try {
        const word = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' }).format(-ago, 'day');
        return word.charAt(0).toLocaleUpperCase(lang) + word.slice(1);
      } catch {
        // An unknown language tag: fall through to the date.
      }
    }
    return this.i18n.date(time, {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: time.getFullYear() === now.getFullYear() ? undefined : 'numeric',
    });
  }

  // A search hit's time: the time alone for today, else the date too.
  private hitTime(iso: string): string {
    const today = daysAgo(new Date(iso), new Date()) === 0;
    return this.i18n.date(
      iso,
      today ? { hour: 'numeric', minute: '2-digit' } : { dateStyle: 'medium', timeStyle: 'short' },
    );
  }

  private time(iso: string): TemplateResult {
    return html`<time
      part="timestamp"
      class="time"
      datetime=${iso}
      title=${this.i18n.date(iso, { dateStyle: 'full', timeStyle: 'short' })}
      >${this.i18n.date(iso, { hour: 'numeric', minute: '2-digit' })}</time
    >`;
  }

  protected override render(): TemplateResult {
    const t = this.i18n.t.bind(this.i18n);
    const channel = this.chat;
    const state = channel?.state;
    const stateText =
      state === ChatState.Connecting
        ? t('chat.state.connecting')
        : state === ChatState.Reconnecting
          ? t('chat.state.reconnecting')
          : state === ChatState.Closed
            ? t('chat.state.closed')
            : channel
              ? ''
              : t('chat.unavailable');
    return html`
      <section
        part="base"
        class="base"
        aria-labelledby=${this.titleShown ? 'title' : nothing}
        aria-label=${this.titleShown ? nothing : t('chat.title')}
        dir=${this.i18n.dir}
        aria-busy=${state === ChatState.Connecting ? 'true' : 'false'}
      >
        <header part="header" class="header ${this.titleShown ? '' : 'compact'}">
          ${
            this.titleShown
              ? html`<h2 part="title" class="title" id="title">${t('chat.title')}</h2>`
              : nothing
          }
          <span part="state" class="state" data-state=${state ?? 'none'}>${stateText}</span>
          ${
            this.currentClient
              ? html`<button
                  part="search-toggle"
                  class="icon-button search-toggle"
                  type="button"
                  aria-label=${t('chat.search')}
                  title=${t('chat.search')}
                  aria-expanded=${this.searchOpen ? 'true' : 'false'}
                  aria-controls="search"
                  @click=${() => (this.searchOpen ? this.closeSearch() : this.openSearch())}
                >
                  ${icon('search')}
                </button>`
              : nothing
          }
          <slot name="header-end"></slot>
        </header>
        ${this.searchOpen ? this.renderSearchForm() : nothing}
        <div class="body">
          ${channel ? this.renderConversation(channel) : this.renderUnavailable()}
          ${this.searchOpen ? this.renderSearchResults() : nothing}
        </div>
        ${this.renderTyping(channel?.typing ?? [])}
        ${
          this.errorText
            ? html`<div part="error" class="error" role="alert">
                <span>${this.errorText}</span>
                <button
                  class="icon-button small"
                  type="button"
                  aria-label=${t('common.dismiss')}
                  title=${t('common.dismiss')}
                  @click=${() => (this.errorText = undefined)}
                >
                  ${icon('close')}
                </button>
              </div>`
            : nothing
        }
        ${this.renderComposer(channel)}
        ${
          this.context
            ? nothing
            : html`<div
                part="announcer"
                class="visually-hidden"
                role="status"
                aria-live="polite"
                aria-atomic="true"
              >
                ${this.notifier.announcement}
              </div>`
        }
      </section>
    `;
  }

  private renderUnavailable(): TemplateResult {
    return html`<div class="scroller placeholder"></div>`;
  }

  private renderConversation(channel: ChatChannel): TemplateResult {
    const t = this.i18n.t.bind(this.i18n);
    const rows = this.rows(channel);
    const focusable = rows.filter((r) => r.kind !== 'day' && r.kind !== 'unread');
    const tabStop = focusable.find((r) => r.key === this.focusedKey)?.key ?? focusable.at(-1)?.key;
    const empty = channel.messages.length === 0 && channel.state !== ChatState.Connecting;
    return html`
      <div
        part="messages"
        class="scroller"
        @scroll=${this.onScroll}
        ?inert=${this.searchOpen}
        aria-hidden=${this.searchOpen ? 'true' : 'false'}
      >
        ${
          channel.hasMoreOlder
            ? html`<div class="older">
                ${
                  this.loadingOlder
                    ? html`<span class="older-loading" role="status"
                        >${t('chat.olderLoading')}</span
                      >`
                    : html`<button
                        class="text-button"
                        type="button"
                        @click=${() => void this.loadOlder()}
                      >
                        ${t('chat.loadOlder')}
                      </button>`
                }
              </div>`
            : channel.messages.length > 0
              ? html`<p class="beginning">${t('chat.beginning')}</p>`
              : nothing
        }
        ${empty ? html`<slot name="empty"><p class="empty">${t('chat.empty')}</p></slot>` : nothing}
        <ol
          part="message-list"
          class="list"
          aria-label=${t('chat.label')}
          @keydown=${this.onListKeyDown}
          @focusin=${this.onListFocusIn}
        >
          ${repeat(
            rows,
            (row) => row.key,
            (row) => this.renderRow(row, row.key === tabStop),
          )}
        </ol>
      </div>
      ${
        this.unreadCount > 0 && !this.searchOpen
          ? html`<button
              part="new-messages"
              class="new-messages"
              type="button"
              @click=${this.showNewMessages}
            >
              ${t('chat.newMessages', { count: this.unreadCount })} ${icon('arrowDown')}
            </button>`
          : nothing
      }
    `;
  }

  private renderRow(row: Row, tabStop: boolean): TemplateResult {
    switch (row.kind) {
      case 'day':
        return html`<li part="day-separator" class="day">
          <span role="heading" aria-level="3">${row.label}</span>
        </li>`;
      case 'unread':
        return html`<li part="unread-divider" class="unread">
          <span>${this.i18n.t('chat.unreadDivider')}</span>
        </li>`;
      case 'message':
        return this.renderMessage(row.message, row.grouped, tabStop);
      case 'pending':
        return this.renderPending(row.key, row.pending, tabStop);
      case 'failed':
        return this.renderFailed(row.key, row.failed, tabStop);
    }
  }

  private renderAvatar(sender: ChatSender): TemplateResult {
    return html`<span
      part="avatar"
      class="avatar"
      aria-hidden="true"
      style="--_hue: ${hueOf(sender.id)}"
      >${initials(sender.displayName)}</span
    >`;
  }

  private renderMessage(message: ChatMessage, grouped: boolean, tabStop: boolean): TemplateResult {
    const t = this.i18n.t.bind(this.i18n);
    const self = this.selfId;
    const own = self !== undefined && message.sender.id === self;
    const deleted = message.deletedAt !== null;
    const editing = this.editingId === message.id && !deleted;
    const canDelete = !deleted && (own || this.moderator);
    const found = this.foundId === message.id;
    const parts = [
      'message',
      own ? 'own' : '',
      deleted ? 'deleted' : '',
      found ? 'found' : '',
    ].filter(Boolean);
    const name = own
      ? t('common.nameYou', { name: message.sender.displayName })
      : message.sender.displayName;
    return html`
      <li
        part=${parts.join(' ')}
        class="message ${grouped ? 'grouped' : ''} ${found ? 'found' : ''}"
        data-key=${message.id}
        data-message-id=${message.id}
        data-seq=${message.seq}
        ?data-own=${own}
        ?data-deleted=${deleted}
        tabindex=${tabStop ? 0 : -1}
      >
        ${grouped ? html`<span class="gutter"></span>` : this.renderAvatar(message.sender)}
        <div class="content">
          <div class="meta ${grouped ? 'visually-hidden' : ''}">
            <bdi part="sender" class="sender">${name}</bdi>
            ${this.time(message.createdAt)}
          </div>
          ${
            editing
              ? this.renderEditor(message)
              : html`<p part="text" class="text ${deleted ? 'is-deleted' : ''}">
                  <span class="t" dir="auto">${deleted ? t('chat.deleted') : message.text}</span>${
                    message.editedAt && !deleted
                      ? html` <span
                          part="edited"
                          class="edited"
                          title=${t('chat.editedAt', {
                            time: this.i18n.date(message.editedAt, {
                              dateStyle: 'medium',
                              timeStyle: 'short',
                            }),
                          })}
                          >(${t('chat.edited')})</span
                        >`
                      : nothing
                  }
                </p>`
          }
          ${
            !deleted && message.reactions.length > 0
              ? html`<ul part="reactions" class="reactions" aria-label=${t('chat.react')}>
                  ${message.reactions.map((r) => this.renderReaction(message, r, self))}
                </ul>`
              : nothing
          }
          ${this.pickerFor === message.id && !deleted ? this.renderPicker(message) : nothing}
        </div>
        ${
          deleted || editing || !this.mayWrite
            ? nothing
            : html`<div part="actions" class="actions" role="group" aria-label=${t('chat.actions')}>
                <button
                  part="action"
                  class="icon-button small react-toggle"
                  type="button"
                  aria-label=${t('chat.react')}
                  title=${t('chat.react')}
                  aria-expanded=${this.pickerFor === message.id ? 'true' : 'false'}
                  @click=${() => this.togglePicker(message.id)}
                >
                  ${icon('reaction')}
                </button>
                ${
                  own
                    ? html`<button
                        part="action"
                        class="icon-button small"
                        type="button"
                        aria-label=${t('chat.edit')}
                        title=${t('chat.edit')}
                        @click=${() => this.startEdit(message)}
                      >
                        ${icon('edit')}
                      </button>`
                    : nothing
                }
                ${
                  canDelete
                    ? html`<button
                        part="action"
                        class="icon-button small delete"
                        type="button"
                        aria-label=${own ? t('chat.delete') : t('chat.deleteModerator')}
                        title=${own ? t('chat.delete') : t('chat.deleteModerator')}
                        @click=${() => this.deleteMessage(message)}
                      >
                        ${icon('trash')}
                      </button>`
                    : nothing
                }
              </div>`
        }
      </li>
    `;
  }

  private togglePicker(messageId: string): void {
    this.pickerFor = this.pickerFor === messageId ? undefined : messageId;
    if (this.pickerFor) {
      void this.updateComplete.then(() =>
        this.messageRow(messageId)?.querySelector<HTMLButtonElement>('.picker button')?.focus(),
      );
    }
  }

  private renderPicker(message: ChatMessage): TemplateResult {
    const t = this.i18n.t.bind(this.i18n);
    const self = this.selfId;
    return html`<div
      part="reaction-picker"
      class="picker"
      role="group"
      aria-label=${t('chat.reactionPicker')}
    >
      ${this.reactions.map((emoji) => {
        const mine =
          self !== undefined &&
          message.reactions.some((r) => r.emoji === emoji && r.principalIds.includes(self));
        return html`<button
          type="button"
          class="emoji"
          aria-label=${t('chat.reactWith', { emoji })}
          aria-pressed=${mine ? 'true' : 'false'}
          @click=${() => this.toggleReaction(message, emoji)}
        >
          ${emoji}
        </button>`;
      })}
    </div>`;
  }

  private renderReaction(
    message: ChatMessage,
    reaction: ChatReaction,
    self: string | undefined,
  ): TemplateResult {
    const mine = self !== undefined && reaction.principalIds.includes(self);
    const names = this.reactorNames(reaction, self);
    const label = this.i18n.t('chat.reactionBy', {
      emoji: reaction.emoji,
      count: this.i18n.number(reaction.count),
      names,
    });
    return html`<li>
      <button
        part="reaction"
        class="reaction"
        type="button"
        aria-pressed=${mine ? 'true' : 'false'}
        aria-label=${label}
        title=${label}
        ?disabled=${!this.mayWrite}
        @click=${() => this.toggleReaction(message, reaction.emoji)}
      >
        <span aria-hidden="true">${reaction.emoji}</span>
        <span class="count" aria-hidden="true">${this.i18n.number(reaction.count)}</span>
      </button>
    </li>`;
  }

  // "Ada, Grace and you", from the names of senders and people in the call this element knows.
  private reactorNames(reaction: ChatReaction, self: string | undefined): string {
    const known = new Map<string, string>();
    for (const m of this.chat?.messages ?? []) {
      known.set(m.sender.id, m.sender.displayName);
    }
    const room = this.currentRoom;
    if (room) {
      for (const p of room.remoteParticipants.values()) known.set(p.principalId, p.name);
    }
    const names: string[] = [];
    let unknown = reaction.count - reaction.principalIds.length;
    for (const id of reaction.principalIds) {
      if (id === self) continue;
      const name = known.get(id);
      if (name) names.push(name);
      else unknown += 1;
    }
    if (self !== undefined && reaction.principalIds.includes(self)) {
      names.push(this.i18n.t('chat.you'));
    }
    if (unknown > 0) names.push(this.i18n.t('chat.reactionOthers', { count: unknown }));
    try {
      return new Intl.ListFormat(this.i18n.lang, { type: 'conjunction' }).format(names);
    } catch {
      return names.join(', ');
    }
  }

  private renderEditor(message: ChatMessage): TemplateResult {
    const t = this.i18n.t.bind(this.i18n);
    const submit = (event: Event) => {
      event.preventDefault();
      const form = event.currentTarget as HTMLFormElement;
      const input = form.querySelector('textarea');
      if (input) void this.saveEdit(message, input.value);
    };
    return html`<form part="editor" class="editor" @submit=${submit}>
      <textarea
        class="editor-input"
        aria-label=${t('chat.editLabel')}
        aria-describedby="edit-hint"
        .value=${message.text}
        @keydown=${(event: KeyboardEvent) => {
          if (event.key === 'Escape') {
            event.preventDefault();
            event.stopPropagation();
            this.stopEdit();
          } else if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            (event.target as HTMLTextAreaElement).form?.requestSubmit();
          }
        }}
      ></textarea>
      <div class="editor-actions">
        <span class="hint" id="edit-hint">${t('chat.editHint')}</span>
        <button class="text-button" type="button" @click=${() => this.stopEdit()}>
          ${t('common.cancel')}
        </button>
        <button class="button" type="submit">${t('chat.save')}</button>
      </div>
    </form>`;
  }

  private renderPending(
    key: string,
    pending: PendingChatMessage,
    tabStop: boolean,
  ): TemplateResult {
    const t = this.i18n.t.bind(this.i18n);
    const waiting = this.chat?.state !== ChatState.Synced;
    return html`<li
      part="message own pending"
      class="message pending"
      data-key=${key}
      data-client-id=${pending.clientId}
      tabindex=${tabStop ? 0 : -1}
    >
      <span class="gutter"></span>
      <div class="content">
        <p part="text" class="text"><span class="t" dir="auto">${pending.text}</span></p>
        <span class="status">${waiting ? t('chat.waiting') : t('chat.sending')}</span>
      </div>
    </li>`;
  }

  private renderFailed(key: string, failed: FailedSend, tabStop: boolean): TemplateResult {
    const t = this.i18n.t.bind(this.i18n);
    return html`<li
      part="message own failed"
      class="message failed"
      data-key=${key}
      tabindex=${tabStop ? 0 : -1}
    >
      <span class="gutter"></span>
      <div class="content">
        <p part="text" class="text"><span class="t" dir="auto">${failed.text}</span></p>
        <span class="status failed-status">
          ${t('chat.failed')}: ${this.describeError(failed.error)}
        </span>
        <span class="failed-actions">
          <button class="text-button" type="button" @click=${() => this.retry(failed)}>
            ${t('common.retry')}
          </button>
          <button class="text-button" type="button" @click=${() => this.discard(failed)}>
            ${t('chat.discard')}
          </button>
        </span>
      </div>
    </li>`;
  }

  private renderTyping(typing: readonly ChatSender[]): TemplateResult {
    const t = this.i18n.t.bind(this.i18n);
    let text = '';
    if (typing.length > 3) text = t('chat.typingSeveral');
    else if (typing.length > 0) {
      let names: string;
      try {
        names = new Intl.ListFormat(this.i18n.lang, { type: 'conjunction' }).format(
          typing.map((s) => s.displayName),
        );
      } catch {
        names = typing.map((s) => s.displayName).join(', ');
      }
      text = t('chat.typing', { names, count: typing.length });
    }
    return html`<p part="typing" class="typing">
      ${
        text
          ? html`<span class="dots" aria-hidden="true"><span></span><span></span><span></span></span
              >${text}`
          : nothing
      }
    </p>`;
  }

  private renderComposer(channel: ChatChannel | undefined): TemplateResult {
    const t = this.i18n.t.bind(this.i18n);
    if (channel && !this.mayWrite) {
      return html`<p part="composer" class="read-only">${t('chat.readOnly')}</p>`;
    }
    const closed = !channel || channel.state === ChatState.Closed;
    return html`<form part="composer" class="composer" @submit=${this.onSubmit}>
      <textarea
        part="input"
        class="input"
        rows="1"
        aria-label=${t('chat.inputLabel')}
        aria-describedby="hint"
        placeholder=${t('chat.placeholder')}
        ?disabled=${closed}
        .value=${live(this.draft)}
        @input=${this.onInput}
        @keydown=${this.onInputKeyDown}
        @blur=${this.onInputBlur}
      ></textarea>
      <button
        part="send"
        class="send"
        type="submit"
        aria-label=${t('chat.send')}
        title=${t('chat.send')}
        ?disabled=${closed || this.draft.trim().length === 0}
      >
        ${icon('send')}
      </button>
      <span class="visually-hidden" id="hint">${t('chat.hint')}</span>
    </form>`;
  }

  private renderSearchForm(): TemplateResult {
    const t = this.i18n.t.bind(this.i18n);
    return html`<form
      part="search-form"
      class="search-form"
      role="search"
      id="search"
      @submit=${this.onSearchSubmit}
    >
      <input
        part="search-input"
        class="search-input"
        type="search"
        aria-label=${t('chat.search')}
        placeholder=${t('chat.searchPlaceholder')}
        .value=${live(this.searchQuery)}
        @input=${(event: Event) => (this.searchQuery = (event.target as HTMLInputElement).value)}
        @keydown=${(event: KeyboardEvent) => {
          if (event.key === 'Escape') {
            event.preventDefault();
            this.closeSearch();
          }
        }}
      />
      <button class="button" type="submit">${t('chat.searchSubmit')}</button>
    </form>`;
  }

  private renderSearchResults(): TemplateResult {
    const t = this.i18n.t.bind(this.i18n);
    const status = this.searchBusy
      ? t('chat.searching')
      : this.searchDone
        ? t('chat.searchResults', { count: this.searchHits.length })
        : '';
    return html`<div
      part="search-results"
      class="search-results"
      aria-label=${t('chat.search')}
      role="region"
      aria-busy=${this.searchBusy ? 'true' : 'false'}
    >
      <p part="search-status" class="search-status" role="status">${status}</p>
      <ol class="hits">
        ${repeat(
          this.searchHits,
          (hit) => hit.message.id,
          (hit) =>
            html`<li>
              <button part="search-hit" class="hit" type="button" @click=${() => this.jumpTo(hit)}>
                <span class="hit-meta">
                  <bdi class="sender">${hit.message.sender.displayName}</bdi>
                  <span class="time">${this.hitTime(hit.message.createdAt)}</span>
                </span>
                <span class="snippet" dir="auto"
                  >${snippetSegments(hit.snippet, hit.highlights).map((s) =>
                    s.match ? html`<mark part="search-match">${s.text}</mark>` : s.text,
                  )}</span
                >
                <span class="visually-hidden">${t('chat.jump')}</span>
              </button>
            </li>`,
        )}
      </ol>
      ${
        this.searchPage?.nextCursor
          ? html`<button
              class="text-button more"
              type="button"
              ?disabled=${this.searchBusy}
              @click=${() => void this.moreResults()}
            >
              ${t('chat.searchMore')}
            </button>`
          : nothing
      }
      <button class="text-button" type="button" @click=${() => this.closeSearch()}>
        ${t('chat.searchClose')}
      </button>
    </div>`;
  }
}
