import type { MinimeetClient } from '@minimeet/sdk';
import { LitElement, css, html, type PropertyDeclarations } from 'lit';
import { describeError, type RoomsApi, type RoomSummary } from './api.js';
import { demoStyles } from './styles.js';
import './message-search.js';
import './people-list.js';
import './room-list.js';

/**
 * The lobby: the rooms (start one, join one, invite to one), the people one shares rooms with and
 * their presence, and a search across every room's messages. It loads the room list and hands it
 * to its parts.
 */
export class DemoLobby extends LitElement {
  static override styles = [
    demoStyles,
    css`
      .grid {
        display: grid;
        grid-template-columns: minmax(0, 1.35fr) minmax(0, 1fr);
        gap: var(--mm-space-5);
        align-items: start;
      }
      .column {
        display: grid;
        gap: var(--mm-space-5);
        min-width: 0;
      }
      @media (max-width: 52rem) {
        .grid {
          grid-template-columns: minmax(0, 1fr);
        }
      }
    `,
  ];

  static override properties: PropertyDeclarations = {
    client: { attribute: false },
    api: { attribute: false },
    rooms: { state: true },
    loading: { state: true },
    error: { state: true },
  };

  /** The connected SDK client (presence and search). */
  declare client: MinimeetClient | undefined;
  /** The rooms API. */
  declare api: RoomsApi | undefined;
  declare private rooms: RoomSummary[];
  declare private loading: boolean;
  declare private error: string;

  constructor() {
    super();
    this.rooms = [];
    this.loading = false;
    this.error = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refresh();
  }

  /** Reloads the room list. */
  async refresh(): Promise<void> {
    if (!this.api) return;
    this.loading = true;
    try {
      this.rooms = await this.api.listRooms();
      this.error = '';
    } catch (error) {
      this.error = describeError(error);
    } finally {
      this.loading = false;
    }
  }

  override render() {
    return html`<div class="grid">
      <div class="column">
        <demo-room-list
          .api=${this.api}
          .rooms=${this.rooms}
          ?loading=${this.loading}
          error=${this.error}
          @demo-rooms-changed=${() => void this.refresh()}
        ></demo-room-list>
      </div>
      <div class="column">
        <demo-people-list
          .api=${this.api}
          .client=${this.client}
          .rooms=${this.rooms}
        ></demo-people-list>
        <demo-message-search .client=${this.client} .rooms=${this.rooms}></demo-message-search>
      </div>
    </div>`;
  }
}

customElements.define('demo-lobby', DemoLobby);

declare global {
  interface HTMLElementTagNameMap {
    'demo-lobby': DemoLobby;
  }
}
