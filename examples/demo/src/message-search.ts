import type { MessageSearchHit, MessageSearchResults, MinimeetClient } from '@minimeet/sdk';
import {
  LitElement,
  css,
  html,
  nothing,
  type PropertyDeclarations,
  type TemplateResult,
} from 'lit';
import { describeError, type RoomSummary } from './api.js';
import { openRoomEvent } from './events.js';
import { demoStyles } from './styles.js';

/**
 * A snippet with its matches marked, from `[start, end)` offsets. The snippet is plain text from
 * the server: it is rendered as text, and the `<mark>`s are made here, never from server markup.
 * Offsets out of range are clamped and overlapping ones merged, so no input breaks the text.
 */
export function highlighted(
  snippet: string,
  highlights: ReadonlyArray<readonly [number, number]>,
): Array<string | TemplateResult> {
  const clamp = (n: number) => Math.max(0, Math.min(n, snippet.length));
  const ranges = highlights
    .filter(([start, end]) => Number.isInteger(start) && Number.isInteger(end))
    .map(([start, end]) => [clamp(start), clamp(end)] as const)
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);
  const parts: Array<string | TemplateResult> = [];
  let at = 0;
  for (const [start, end] of ranges) {
    const from = Math.max(start, at);
    if (end <= from) continue;
    if (from > at) parts.push(snippet.slice(at, from));
    parts.push(html`<mark>${snippet.slice(from, end)}</mark>`);
    at = end;
  }
  if (at < snippet.length) parts.push(snippet.slice(at));
  return parts;
}

/**
 * Search across every room this user belongs to (`client.search()`), newest first or best match,
 * a page at a time; a result opens its room. Inside a call, `<minimeet-chat>` searches that room.
 */
export class DemoMessageSearch extends LitElement {
  static override styles = [
    demoStyles,
    css`
      form {
        grid-template-columns: 1fr auto;
        gap: var(--mm-space-2);
      }
      .tools {
        display: flex;
        flex-wrap: wrap;
        justify-content: space-between;
        gap: var(--mm-space-2);
        margin-top: var(--mm-space-3);
        font-size: var(--mm-font-size-sm);
      }
      fieldset {
        border: 0;
        margin: 0;
        padding: 0;
        display: flex;
        gap: var(--mm-space-3);
      }
      .status {
        margin: 0;
        color: var(--mm-text-muted);
      }
      ol {
        margin-top: var(--mm-space-3);
        display: grid;
        gap: var(--mm-space-2);
      }
      li {
        padding: var(--mm-space-2) var(--mm-space-3);
        border: 1px solid var(--mm-border);
        border-radius: var(--mm-radius-sm);
        background: var(--mm-bg);
      }
      .meta {
        display: flex;
        flex-wrap: wrap;
        gap: var(--mm-space-2);
        align-items: baseline;
        font-size: var(--mm-font-size-xs);
        color: var(--mm-text-muted);
      }
      .room {
        font-weight: 700;
        color: var(--mm-text);
      }
      .snippet {
        margin: var(--mm-space-1) 0;
        overflow-wrap: anywhere;
      }
      mark {
        background: color-mix(in srgb, var(--mm-accent) 25%, transparent);
        color: inherit;
        border-radius: 3px;
        padding: 0 1px;
      }
      .more {
        margin-top: var(--mm-space-3);
      }
    `,
  ];

  static override properties: PropertyDeclarations = {
    client: { attribute: false },
    rooms: { attribute: false },
    query: { state: true },
    sort: { state: true },
    hits: { state: true },
    page: { state: true },
    busy: { state: true },
    error: { state: true },
  };

  /** The connected client that searches. */
  declare client: MinimeetClient | undefined;
  /** The rooms known, for the names on the results. */
  declare rooms: RoomSummary[];
  declare private query: string;
  declare private sort: 'newest' | 'relevance';
  declare private hits: MessageSearchHit[];
  declare private page: MessageSearchResults | undefined;
  declare private busy: boolean;
  declare private error: string;
  // Answers to an earlier search are dropped.
  private run = 0;

  constructor() {
    super();
    this.rooms = [];
    this.query = '';
    this.sort = 'newest';
    this.hits = [];
    this.busy = false;
    this.error = '';
  }

  private async search(query: string): Promise<void> {
    const client = this.client;
    const run = ++this.run;
    this.query = query.trim();
    this.hits = [];
    this.page = undefined;
    this.error = '';
    if (!client || !this.query) return;
    this.busy = true;
    try {
      const page = await client.search(this.query, { sort: this.sort });
      if (run !== this.run) return;
      this.page = page;
      this.hits = page.items;
    } catch (error) {
      if (run === this.run) this.error = describeError(error);
    } finally {
      if (run === this.run) this.busy = false;
    }
  }

  private async more(): Promise<void> {
    const page = this.page;
    if (!page) return;
    const run = this.run;
    this.busy = true;
    try {
      const next = await page.next();
      if (run !== this.run) return;
      this.page = next ?? undefined;
      if (next) this.hits = [...this.hits, ...next.items];
    } catch (error) {
      if (run === this.run) this.error = describeError(error);
    } finally {
      if (run === this.run) this.busy = false;
    }
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const input = this.renderRoot.querySelector('input[type="search"]');
    if (input instanceof HTMLInputElement) void this.search(input.value);
  }

  private setSort(sort: 'newest' | 'relevance'): void {
    this.sort = sort;
    if (this.query) void this.search(this.query);
  }

  private status(): string {
    if (this.busy && this.hits.length === 0) return 'Searching…';
    const count = this.hits.length;
    if (count === 0) return 'No messages match.';
    const more = this.page?.nextCursor ? '+' : '';
    const order = this.sort === 'relevance' ? 'best matches first' : 'newest first';
    return `${count}${more} ${count === 1 ? 'message' : 'messages'} found, ${order}.`;
  }

  override render() {
    const names = new Map(this.rooms.map((room) => [room.id, room.name]));
    return html`<section class="card" aria-labelledby="search-heading">
      <h2 class="title" id="search-heading">Search messages</h2>
      <p class="subtitle">Across the chat of every room you belong to.</p>
      <form role="search" novalidate @submit=${(event: SubmitEvent) => this.onSubmit(event)}>
        <label class="visually-hidden" for="query">Search messages</label>
        <input id="query" type="search" maxlength="500" autocomplete="off" placeholder="Search" />
        <button class="secondary" type="submit">Search</button>
      </form>
      ${
        this.query
          ? html`<div class="tools">
                <fieldset>
                  <legend class="visually-hidden">Order</legend>
                  <label class="choice"
                    ><input
                      type="radio"
                      name="sort"
                      .checked=${this.sort === 'newest'}
                      @change=${() => this.setSort('newest')}
                    />Newest</label
                  >
                  <label class="choice"
                    ><input
                      type="radio"
                      name="sort"
                      .checked=${this.sort === 'relevance'}
                      @change=${() => this.setSort('relevance')}
                    />Best match</label
                  >
                </fieldset>
                <p class="status" role="status">${this.status()}</p>
              </div>
              <ol aria-label="Search results" aria-busy=${this.busy}>
                ${this.hits.map(({ message, snippet, highlights }) => {
                  const room = names.get(message.roomId) ?? 'A room';
                  return html`<li>
                    <div class="meta">
                      <span class="room">${room}</span>
                      <span>${message.sender.displayName}</span>
                      <time datetime=${message.createdAt}
                        >${new Date(message.createdAt).toLocaleString(undefined, {
                          dateStyle: 'medium',
                          timeStyle: 'short',
                        })}</time
                      >
                    </div>
                    <p class="snippet">${highlighted(snippet, highlights)}</p>
                    <button
                      class="link small"
                      type="button"
                      aria-label="Open room ${room}"
                      @click=${() => this.dispatchEvent(openRoomEvent(message.roomId))}
                    >
                      Open room
                    </button>
                  </li>`;
                })}
              </ol>
              ${
                this.page?.nextCursor
                  ? html`<button
                      class="secondary small more"
                      type="button"
                      ?disabled=${this.busy}
                      @click=${() => void this.more()}
                    >
                      More results
                    </button>`
                  : nothing
              }`
          : nothing
      }
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
    </section>`;
  }
}

customElements.define('demo-message-search', DemoMessageSearch);

declare global {
  interface HTMLElementTagNameMap {
    'demo-message-search': DemoMessageSearch;
  }
}
