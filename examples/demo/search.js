// Message search in the chat panel: `client.search()` over every room this user belongs to,
// newest first or by relevance, a page at a time. A hit's snippet is plain text from the server;
// its matches become <mark> elements built here from the offsets, never from server markup.
import { find, make, showMessage, timeElement } from './dom.js';

/** @typedef {import('/sdk/minimeet-sdk.js').MinimeetClient} MinimeetClient */
/** @typedef {import('/sdk/minimeet-sdk.js').MessageSearchHit} MessageSearchHit */
/** @typedef {import('/sdk/minimeet-sdk.js').MessageSearchResults} MessageSearchResults */

/**
 * What the search box needs from the rest of the page.
 *
 * @typedef {object} SearchHost
 * @property {(roomId: string) => string | undefined} roomName a room's name, when the page knows it
 * @property {() => string | undefined} currentRoomId the room whose chat is on screen
 * @property {(messageId: string) => boolean} isLoaded whether the chat on screen holds a message
 * @property {(messageId: string) => void} reveal scrolls the chat to a loaded message
 * @property {(searching: boolean) => void} onToggle the results replace the conversation, or go
 */

/**
 * A snippet as text nodes and <mark> elements, from `[start, end)` offsets (UTF-16 code units).
 * Offsets out of range are clamped and overlapping ones merged, so no input can break the text.
 *
 * @param {string} snippet
 * @param {Array<[number, number]>} highlights
 * @returns {Node[]}
 */
export function highlighted(snippet, highlights) {
  const ranges = highlights
    .filter((r) => Array.isArray(r) && Number.isInteger(r[0]) && Number.isInteger(r[1]))
    .map(([start, end]) => [
      Math.max(0, Math.min(start, snippet.length)),
      Math.max(0, Math.min(end, snippet.length)),
    ])
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);
  /** @type {Node[]} */
  const nodes = [];
  let at = 0;
  for (const [start, end] of ranges) {
    const from = Math.max(start, at);
    if (end <= from) continue;
    if (from > at) nodes.push(document.createTextNode(snippet.slice(at, from)));
    nodes.push(make('mark', 'search-match', snippet.slice(from, end)));
    at = end;
  }
  if (at < snippet.length) nodes.push(document.createTextNode(snippet.slice(at)));
  return nodes;
}

/** The search box of the chat panel and its results. */
export class MessageSearchBox {
  #client;
  #host;
  /** @type {MessageSearchResults | undefined} the last page shown */
  #page;
  /** Bumped per search: answers to an earlier one are dropped. */
  #run = 0;
  #query = '';
  #ui = {
    form: find('#search-form', HTMLFormElement),
    input: find('#search-query', HTMLInputElement),
    results: find('#search-results', HTMLElement),
    sort: find('#search-sort', HTMLFieldSetElement),
    status: find('#search-status', HTMLParagraphElement),
    list: find('#search-list', HTMLOListElement),
    more: find('#search-more', HTMLButtonElement),
    close: find('#search-close', HTMLButtonElement),
    error: find('#search-error', HTMLParagraphElement),
  };

  /**
   * @param {MinimeetClient} client
   * @param {SearchHost} host
   */
  constructor(client, host) {
    this.#client = client;
    this.#host = host;
    const ui = this.#ui;
    ui.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#search(ui.input.value);
    });
    ui.sort.addEventListener('change', () => {
      if (this.#query) void this.#search(this.#query);
    });
    ui.more.addEventListener('click', () => void this.#more());
    ui.close.addEventListener('click', () => {
      this.close();
      ui.input.focus();
    });
    ui.input.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !ui.results.hidden) {
        event.preventDefault();
        this.close();
      }
    });
  }

  /** Hides the results and forgets the search. */
  close() {
    this.#run += 1;
    this.#page = undefined;
    this.#query = '';
    const ui = this.#ui;
    ui.results.hidden = true;
    ui.list.replaceChildren();
    ui.status.textContent = '';
    ui.more.hidden = true;
    showMessage(ui.error);
    this.#host.onToggle(false);
  }

  /** Closes the results and empties the box; for leaving the call. */
  reset() {
    this.close();
    this.#ui.form.reset();
  }

  get #sort() {
    const checked = this.#ui.sort.querySelector('input:checked');
    return checked instanceof HTMLInputElement && checked.value === 'relevance'
      ? 'relevance'
      : 'newest';
  }

  /** @param {string} query */
  async #search(query) {
    const ui = this.#ui;
    if (query.trim().length === 0) {
      this.close();
      return;
    }
    const run = ++this.#run;
    this.#query = query;
    ui.results.hidden = false;
    this.#host.onToggle(true);
    ui.list.replaceChildren();
    ui.more.hidden = true;
    ui.status.textContent = 'Searching…';
    showMessage(ui.error);
    ui.results.setAttribute('aria-busy', 'true');
    try {
      const page = await this.#client.search(query, { sort: this.#sort });
      if (run !== this.#run) return;
      this.#show(page, false);
    } catch (error) {
      if (run !== this.#run) return;
      ui.status.textContent = '';
      showMessage(ui.error, error);
    } finally {
      if (run === this.#run) ui.results.removeAttribute('aria-busy');
    }
  }

  async #more() {
    const page = this.#page;
    const ui = this.#ui;
    if (!page) return;
    const run = this.#run;
    ui.more.disabled = true;
    try {
      const next = await page.next();
      if (run !== this.#run) return;
      if (next) this.#show(next, true);
      else ui.more.hidden = true;
    } catch (error) {
      if (run === this.#run) showMessage(ui.error, error);
    } finally {
      ui.more.disabled = false;
    }
  }

  /**
   * @param {MessageSearchResults} page
   * @param {boolean} append
   */
  #show(page, append) {
    const ui = this.#ui;
    this.#page = page;
    const items = page.items.map((hit) => this.#item(hit));
    if (append) ui.list.append(...items);
    else ui.list.replaceChildren(...items);
    const count = ui.list.children.length;
    const more = page.nextCursor !== null;
    ui.more.hidden = !more;
    ui.status.textContent =
      count === 0
        ? 'No messages match.'
        : `${count}${more ? '+' : ''} ${count === 1 ? 'message' : 'messages'} found, ${
            this.#sort === 'relevance' ? 'best matches first' : 'newest first'
          }.`;
  }

  /** @param {MessageSearchHit} hit */
  #item(hit) {
    const { message } = hit;
    const item = make('li', 'search-hit');
    item.dataset.messageId = message.id;
    const meta = make('div', 'search-hit-meta');
    const room = make('span', 'search-hit-room', this.#host.roomName(message.roomId) ?? 'A room');
    const sender = make('span', 'search-hit-sender', message.sender.displayName);
    meta.append(room, sender, timeElement(message.createdAt, 'search-hit-time'));
    const snippet = make('p', 'search-hit-snippet');
    snippet.append(...highlighted(hit.snippet, hit.highlights));
    item.append(meta, snippet);
    if (message.roomId === this.#host.currentRoomId()) {
      const show = make('button', 'link-button search-hit-show', 'Show in chat');
      show.type = 'button';
      show.setAttribute('aria-label', `Show ${message.sender.displayName}'s message in the chat`);
      show.addEventListener('click', () => {
        if (this.#host.isLoaded(message.id)) {
          this.close();
          this.#host.reveal(message.id);
          return;
        }
        const error = this.#ui.error;
        error.textContent = 'That message is older than those loaded: load older messages first.';
        error.hidden = false;
      });
      item.append(show);
    }
    return item;
  }
}
