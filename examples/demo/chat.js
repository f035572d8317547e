// The chat beside the video: one room's conversation from the SDK's ChatChannel (`room.chat`),
// with its history, reactions, edits, deletions, who is typing, and messages still on their way.
// The list is re-derived from `chat.messages` and `chat.pendingMessages` on each event, so it
// cannot drift from the SDK's; every text a person wrote reaches the page as text only.
import { ChatEvent, ChatState } from '/sdk/minimeet-sdk.js';
import { find, make, showMessage, timeElement } from './dom.js';

/** @typedef {import('/sdk/minimeet-sdk.js').ChatChannel} ChatChannel */
/** @typedef {import('/sdk/minimeet-sdk.js').ChatMessage} ChatMessage */
/** @typedef {import('/sdk/minimeet-sdk.js').ChatSender} ChatSender */
/** @typedef {import('/sdk/minimeet-sdk.js').PendingChatMessage} PendingChatMessage */

/** The reactions offered on every message. */
export const REACTIONS = ['👍', '❤️', '😂', '🎉'];

// Closer to the end than this (in pixels) counts as "at the newest message".
const STICKY_PX = 48;
// New messages from others are read out at most this long.
const ANNOUNCE_CHARS = 200;

/**
 * The elements of one message in the list.
 *
 * @typedef {object} MessageView
 * @property {HTMLLIElement} root
 * @property {HTMLSpanElement} sender
 * @property {HTMLTimeElement} time
 * @property {HTMLSpanElement} edited
 * @property {HTMLDivElement} body holds the text, or the editor while editing
 * @property {HTMLParagraphElement} text
 * @property {HTMLUListElement} reactions
 * @property {HTMLDivElement} actions
 * @property {string} key what the view shows, to skip messages that did not change
 */

/**
 * How the list scrolls after a render: `keep` follows the newest message if the user was there,
 * `bottom` goes to it, `older` keeps what the user sees while older messages are added above.
 *
 * @typedef {'keep' | 'bottom' | 'older'} ScrollMode
 */

/**
 * Who is typing, in words.
 *
 * @param {ChatSender[]} typing
 */
function typingLine(typing) {
  const names = typing.map((sender) => sender.displayName);
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names[0]}, ${names[1]} and ${names.length - 2} more are typing…`;
}

/** What the panel says while the conversation is not live. */
const STATES = /** @type {const} */ ({
  [ChatState.Connecting]: 'Loading…',
  [ChatState.Synced]: '',
  [ChatState.Reconnecting]: 'Reconnecting…',
  [ChatState.Closed]: 'Closed',
});

/** One room's conversation in the call view. */
export class ChatPanel {
  /** @type {ChatChannel | undefined} */
  #chat;
  #selfId;
  #canModerate = false;
  /** @type {Map<string, MessageView>} by message id, and `pending:<clientId>` */
  #views = new Map();
  /** @type {Array<() => void>} */
  #off = [];
  /** @type {string | undefined} the message being edited */
  #editing;
  #ui = {
    panel: find('#chat', HTMLElement),
    state: find('#chat-state', HTMLParagraphElement),
    conversation: find('#chat-conversation', HTMLDivElement),
    older: find('#chat-older', HTMLButtonElement),
    list: find('#chat-messages', HTMLOListElement),
    empty: find('#chat-empty', HTMLParagraphElement),
    latest: find('#chat-latest', HTMLButtonElement),
    typing: find('#chat-typing', HTMLParagraphElement),
    error: find('#chat-error', HTMLParagraphElement),
    form: find('#chat-form', HTMLFormElement),
    input: find('#chat-input', HTMLTextAreaElement),
    send: find('#chat-send', HTMLButtonElement),
    live: find('#chat-live', HTMLDivElement),
  };

  /**
   * @param {() => string | undefined} selfId the principal id this page is signed in as
   */
  constructor(selfId) {
    this.#selfId = selfId;
    const ui = this.#ui;
    ui.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#send();
    });
    ui.input.addEventListener('keydown', (event) => {
      // Enter sends; Shift+Enter is a new line; Enter that ends an IME composition is neither.
      if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
      event.preventDefault();
      ui.form.requestSubmit();
    });
    ui.input.addEventListener('input', () => {
      this.#chat?.setTyping(ui.input.value.trim().length > 0);
    });
    ui.older.addEventListener('click', () => void this.#loadOlder());
    ui.latest.addEventListener('click', () => {
      this.#scrollToEnd();
      ui.input.focus();
    });
    ui.conversation.addEventListener('scroll', () => {
      if (this.#nearEnd()) ui.latest.hidden = true;
    });
  }

  /** The room whose conversation is on screen, if any. */
  get roomId() {
    return this.#chat?.roomId;
  }

  /**
   * Shows a room's conversation.
   *
   * @param {ChatChannel} chat
   * @param {{ canModerate: boolean }} options whether this user may delete the messages of others
   */
  show(chat, options) {
    this.#detach();
    this.#chat = chat;
    this.#canModerate = options.canModerate;
    const ui = this.#ui;
    ui.list.replaceChildren();
    this.#views.clear();
    this.#editing = undefined;
    ui.input.value = '';
    ui.input.disabled = false;
    ui.send.disabled = false;
    ui.latest.hidden = true;
    ui.typing.textContent = '';
    showMessage(ui.error);
    this.#listen(chat);
    this.#renderState();
    this.#render('bottom');
    // A refusal (not a member, no chat on this server) closes the conversation, maybe already.
    chat.synced().catch((/** @type {unknown} */ error) => {
      if (this.#chat === chat) showMessage(ui.error, error);
    });
  }

  /** Stops showing the conversation and closes it (the SDK stops following it). */
  hide() {
    const chat = this.#chat;
    this.#detach();
    this.#chat = undefined;
    this.#views.clear();
    this.#ui.list.replaceChildren();
    this.#ui.typing.textContent = '';
    if (chat) void chat.close();
  }

  /**
   * Whether a message is in the list.
   *
   * @param {string} messageId
   */
  isLoaded(messageId) {
    return this.#views.has(messageId);
  }

  /**
   * Scrolls to a loaded message, marks it for a moment and gives it the focus.
   *
   * @param {string} messageId
   */
  reveal(messageId) {
    const view = this.#views.get(messageId);
    if (!view) return;
    view.root.scrollIntoView({ block: 'center' });
    view.root.classList.remove('is-found');
    // Restart the animation for a message found twice in a row.
    void view.root.offsetWidth;
    view.root.classList.add('is-found');
    view.root.focus();
  }

  /** @param {ChatChannel} chat */
  #listen(chat) {
    /**
     * @template {ChatEvent} E
     * @param {E} event
     * @param {import('/sdk/minimeet-sdk.js').ChatEventCallbacks[E]} listener
     */
    const on = (event, listener) => {
      chat.on(event, listener);
      this.#off.push(() => chat.off(event, listener));
    };
    on(ChatEvent.MessageReceived, (message) => {
      const live = chat.state === ChatState.Synced;
      const atEnd = this.#nearEnd();
      this.#render(message.sender.id === this.#selfId() ? 'bottom' : 'keep');
      if (live && message.sender.id !== this.#selfId()) {
        this.#announce(message);
        if (!atEnd) this.#ui.latest.hidden = false;
      }
    });
    on(ChatEvent.MessageEdited, () => this.#render('keep'));
    on(ChatEvent.MessageDeleted, () => this.#render('keep'));
    on(ChatEvent.ReactionsChanged, () => this.#render('keep'));
    on(ChatEvent.HistoryLoaded, () => {
      // The first page goes to the newest message; a page of older ones keeps the user's place.
      this.#render(this.#views.size === 0 ? 'bottom' : 'older');
    });
    on(ChatEvent.TypingChanged, (typing) => {
      this.#ui.typing.textContent = typingLine(typing);
    });
    on(ChatEvent.StateChanged, () => {
      this.#renderState();
      this.#render('keep');
    });
    on(ChatEvent.Closed, () => this.#renderState());
  }

  #detach() {
    for (const off of this.#off.splice(0)) off();
  }

  #renderState() {
    const chat = this.#chat;
    const ui = this.#ui;
    const state = chat?.state ?? ChatState.Closed;
    ui.state.textContent = STATES[state];
    ui.state.dataset.state = state;
    ui.panel.setAttribute('aria-busy', String(state === ChatState.Connecting));
    const closed = state === ChatState.Closed;
    ui.input.disabled = closed;
    ui.send.disabled = closed;
  }

  async #send() {
    const chat = this.#chat;
    const ui = this.#ui;
    const text = ui.input.value;
    if (!chat || text.trim().length === 0) return;
    showMessage(ui.error);
    ui.input.value = '';
    /** @type {Promise<ChatMessage>} */
    let sent;
    try {
      sent = chat.send(text);
    } catch (error) {
      ui.input.value = text;
      showMessage(ui.error, error);
      return;
    }
    this.#render('bottom');
    try {
      await sent;
    } catch (error) {
      if (this.#chat !== chat) return;
      showMessage(ui.error, error);
      // Give the words back, unless the user has started another message meanwhile; they are
      // being written again, so the others may see that (and see it stop).
      if (ui.input.value === '') {
        ui.input.value = text;
        chat.setTyping(true);
      }
    } finally {
      if (this.#chat === chat) this.#render('keep');
    }
  }

  async #loadOlder() {
    const chat = this.#chat;
    const ui = this.#ui;
    if (!chat) return;
    ui.older.disabled = true;
    ui.conversation.setAttribute('aria-busy', 'true');
    try {
      await chat.loadOlder();
    } catch (error) {
      if (this.#chat === chat) showMessage(ui.error, error);
    } finally {
      ui.older.disabled = false;
      ui.conversation.removeAttribute('aria-busy');
      if (this.#chat === chat) this.#render('older');
    }
  }

  /**
   * Runs an action on a message; a refusal shows in the error line.
   *
   * @param {() => Promise<unknown>} action
   */
  async #act(action) {
    const chat = this.#chat;
    showMessage(this.#ui.error);
    try {
      await action();
    } catch (error) {
      if (this.#chat === chat) showMessage(this.#ui.error, error);
    }
  }

  #nearEnd() {
    const el = this.#ui.conversation;
    return el.scrollHeight - el.scrollTop - el.clientHeight < STICKY_PX;
  }

  #scrollToEnd() {
    const el = this.#ui.conversation;
    el.scrollTop = el.scrollHeight;
    this.#ui.latest.hidden = true;
  }

  /** @param {ChatMessage} message */
  #announce(message) {
    const text =
      message.text.length > ANNOUNCE_CHARS
        ? `${message.text.slice(0, ANNOUNCE_CHARS)}…`
        : message.text;
    // A new node each time, so that the same words twice are read twice.
    this.#ui.live.replaceChildren(
      document.createTextNode(`${message.sender.displayName}: ${text}`),
    );
  }

  /**
   * Brings the list in line with the conversation: messages in seq order, then those pending.
   *
   * @param {ScrollMode} mode
   */
  #render(mode) {
    const chat = this.#chat;
    if (!chat) return;
    const ui = this.#ui;
    const scroller = ui.conversation;
    const fromEnd = scroller.scrollHeight - scroller.scrollTop;
    const atEnd = this.#nearEnd();

    /** @type {HTMLLIElement[]} */
    const nodes = [];
    const used = new Set();
    for (const message of chat.messages) {
      let view = this.#views.get(message.id);
      if (!view) {
        view = this.#createView(message.id);
        this.#views.set(message.id, view);
      }
      this.#update(view, message);
      used.add(message.id);
      nodes.push(view.root);
    }
    for (const pending of chat.pendingMessages) {
      const key = `pending:${pending.clientId}`;
      let view = this.#views.get(key);
      if (!view) {
        view = this.#createPending(pending);
        this.#views.set(key, view);
      }
      used.add(key);
      nodes.push(view.root);
    }
    for (const key of [...this.#views.keys()]) if (!used.has(key)) this.#views.delete(key);

    const list = ui.list;
    nodes.forEach((node, i) => {
      if (list.children[i] !== node) list.insertBefore(node, list.children[i] ?? null);
    });
    while (list.children.length > nodes.length) list.lastElementChild?.remove();

    ui.older.hidden = !chat.hasMoreOlder;
    ui.empty.hidden = nodes.length > 0 || chat.state === ChatState.Connecting;

    if (mode === 'older') scroller.scrollTop = scroller.scrollHeight - fromEnd;
    else if (mode === 'bottom' || atEnd) this.#scrollToEnd();
  }

  /** @param {string} messageId */
  #createView(messageId) {
    const root = make('li', 'chat-message');
    root.dataset.messageId = messageId;
    // Focusable from script only, for reveal(): a found message takes the focus.
    root.tabIndex = -1;
    const meta = make('div', 'chat-meta');
    const sender = make('span', 'chat-sender');
    const time = make('time', 'chat-time');
    const edited = make('span', 'chat-edited', 'edited');
    meta.append(sender, time, edited);
    const body = make('div', 'chat-body');
    const text = make('p', 'chat-text');
    body.append(text);
    const reactions = make('ul', 'chat-reactions');
    reactions.setAttribute('aria-label', 'Reactions');
    const actions = make('div', 'chat-actions');
    actions.setAttribute('role', 'group');
    actions.setAttribute('aria-label', 'Message actions');
    root.append(meta, body, reactions, actions);
    return { root, sender, time, edited, body, text, reactions, actions, key: '' };
  }

  /** @param {PendingChatMessage} pending */
  #createPending(pending) {
    const view = this.#createView(`pending:${pending.clientId}`);
    delete view.root.dataset.messageId;
    view.root.dataset.clientId = pending.clientId;
    view.root.classList.add('is-pending');
    view.root.dataset.own = '';
    view.sender.textContent = 'You';
    view.edited.hidden = true;
    view.edited.after(make('span', 'chat-sending', 'Sending…'));
    view.text.textContent = pending.text;
    view.reactions.hidden = true;
    view.actions.hidden = true;
    return view;
  }

  /**
   * @param {MessageView} view
   * @param {ChatMessage} message
   */
  #update(view, message) {
    const self = this.#selfId();
    const own = message.sender.id === self;
    const deleted = message.deletedAt !== null;
    const editing = this.#editing === message.id && !deleted;
    const canDelete = !deleted && (own || this.#canModerate);
    const key = JSON.stringify([
      message.sender.displayName,
      message.createdAt,
      message.text,
      message.editedAt,
      message.deletedAt,
      message.reactions,
      own,
      canDelete,
      editing,
    ]);
    if (key === view.key) return;
    view.key = key;

    // Rebuilding buttons must not lose the keyboard focus of whoever just pressed one.
    const focused = document.activeElement;
    const focusKey =
      focused instanceof HTMLElement && view.root.contains(focused)
        ? focused.dataset.focusKey
        : undefined;

    const { root } = view;
    root.dataset.seq = String(message.seq);
    root.toggleAttribute('data-own', own);
    root.toggleAttribute('data-deleted', deleted);
    view.sender.textContent = own
      ? `${message.sender.displayName} (you)`
      : message.sender.displayName;
    const time = timeElement(message.createdAt, 'chat-time');
    view.time.replaceWith(time);
    view.time = time;
    view.edited.hidden = message.editedAt === null || deleted;
    if (message.editedAt)
      view.edited.title = `Edited ${new Date(message.editedAt).toLocaleString()}`;

    if (deleted && this.#editing === message.id) this.#editing = undefined;
    if (!editing) {
      view.body.replaceChildren(view.text);
      view.text.textContent = deleted ? 'Message deleted' : message.text;
      view.text.classList.toggle('is-deleted', deleted);
    } else if (!view.body.querySelector('form')) {
      view.body.replaceChildren(this.#editor(message));
    }

    view.reactions.replaceChildren(
      ...(deleted ? [] : message.reactions.map((r) => this.#reactionChip(message, r, self))),
    );
    view.reactions.hidden = deleted || message.reactions.length === 0;
    view.actions.replaceChildren(
      ...(deleted || editing ? [] : this.#actions(message, own, canDelete, self)),
    );
    view.actions.hidden = deleted || editing;

    if (focusKey !== undefined) {
      for (const el of root.querySelectorAll('button')) {
        if (el.dataset.focusKey === focusKey) {
          el.focus();
          break;
        }
      }
    }
  }

  /**
   * @param {ChatMessage} message
   * @param {import('/sdk/minimeet-sdk.js').ChatReaction} reaction
   * @param {string | undefined} self
   */
  #reactionChip(message, reaction, self) {
    const mine = self !== undefined && reaction.principalIds.includes(self);
    const item = make('li');
    const button = make('button', 'chat-reaction', `${reaction.emoji} ${reaction.count}`);
    button.type = 'button';
    button.dataset.focusKey = `chip:${reaction.emoji}`;
    button.dataset.emoji = reaction.emoji;
    button.setAttribute('aria-pressed', String(mine));
    const people = reaction.count === 1 ? '1 person' : `${reaction.count} people`;
    button.setAttribute(
      'aria-label',
      `${reaction.emoji}: ${people}${mine ? ', you included. Press to take yours back' : '. Press to add yours'}`,
    );
    button.addEventListener('click', () => void this.#toggleReaction(message.id, reaction.emoji));
    item.append(button);
    return item;
  }

  /**
   * @param {ChatMessage} message
   * @param {boolean} own
   * @param {boolean} canDelete
   * @param {string | undefined} self
   */
  #actions(message, own, canDelete, self) {
    const buttons = REACTIONS.map((emoji) => {
      const mine =
        self !== undefined &&
        message.reactions.some((r) => r.emoji === emoji && r.principalIds.includes(self));
      const button = make('button', 'chat-action chat-react', emoji);
      button.type = 'button';
      button.dataset.focusKey = `react:${emoji}`;
      button.setAttribute('aria-label', `React with ${emoji}`);
      button.setAttribute('aria-pressed', String(mine));
      button.addEventListener('click', () => void this.#toggleReaction(message.id, emoji));
      return button;
    });
    if (own) {
      const edit = make('button', 'chat-action', 'Edit');
      edit.type = 'button';
      edit.dataset.focusKey = 'edit';
      edit.setAttribute('aria-label', 'Edit message');
      edit.addEventListener('click', () => this.#startEdit(message.id));
      buttons.push(edit);
    }
    if (canDelete) {
      const remove = make('button', 'chat-action chat-delete', 'Delete');
      remove.type = 'button';
      remove.dataset.focusKey = 'delete';
      remove.setAttribute('aria-label', own ? 'Delete message' : 'Delete message (moderator)');
      remove.addEventListener('click', () => {
        const chat = this.#chat;
        if (chat) void this.#act(() => chat.delete(message.id));
      });
      buttons.push(remove);
    }
    return buttons;
  }

  /**
   * Adds one's reaction, or takes it back if it is there.
   *
   * @param {string} messageId
   * @param {string} emoji
   */
  async #toggleReaction(messageId, emoji) {
    const chat = this.#chat;
    if (!chat) return;
    const self = this.#selfId();
    const message = chat.messages.find((m) => m.id === messageId);
    const mine =
      self !== undefined &&
      (message?.reactions.some((r) => r.emoji === emoji && r.principalIds.includes(self)) ?? false);
    await this.#act(() => (mine ? chat.unreact(messageId, emoji) : chat.react(messageId, emoji)));
  }

  /** @param {string} messageId */
  #startEdit(messageId) {
    this.#editing = messageId;
    this.#render('keep');
    this.#views.get(messageId)?.body.querySelector('textarea')?.focus();
  }

  /** @param {boolean} focusMessage put the focus back on the message's Edit button */
  #stopEdit(focusMessage) {
    const id = this.#editing;
    this.#editing = undefined;
    this.#render('keep');
    if (focusMessage && id) {
      const edit = this.#views.get(id)?.actions.querySelector('[data-focus-key="edit"]');
      if (edit instanceof HTMLElement) edit.focus();
    }
  }

  /**
   * The inline editor of one's own message: Enter saves, Escape cancels.
   *
   * @param {ChatMessage} message
   */
  #editor(message) {
    const form = make('form', 'chat-edit');
    const input = make('textarea', 'chat-edit-input');
    input.value = message.text;
    input.rows = Math.min(6, Math.max(2, message.text.split('\n').length));
    input.setAttribute('aria-label', 'Edit message');
    const save = make('button', 'button button-primary button-small', 'Save');
    save.type = 'submit';
    const cancel = make('button', 'button button-secondary button-small', 'Cancel');
    cancel.type = 'button';
    const buttons = make('div', 'chat-edit-actions');
    buttons.append(save, cancel);
    form.append(input, buttons);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = input.value;
      const chat = this.#chat;
      if (!chat) return;
      if (text === message.text) return this.#stopEdit(true);
      if (text.trim().length === 0) {
        this.#ui.error.textContent = 'A message cannot be empty; delete it instead.';
        this.#ui.error.hidden = false;
        return;
      }
      save.disabled = true;
      void this.#act(async () => {
        try {
          await chat.edit(message.id, text);
          if (this.#chat === chat) this.#stopEdit(true);
        } finally {
          save.disabled = false;
        }
      });
    });
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        this.#stopEdit(true);
      } else if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    cancel.addEventListener('click', () => this.#stopEdit(true));
    return form;
  }
}
