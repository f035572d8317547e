import { PresenceEvent, type MinimeetClient, type UserPresence } from '@minimeet/sdk';
import {
  LitElement,
  css,
  html,
  nothing,
  type PropertyDeclarations,
  type PropertyValues,
} from 'lit';
import type { RoomsApi, RoomSummary } from './api.js';
import { demoStyles } from './styles.js';

/** Someone this user shares rooms with. */
interface Person {
  userId: string;
  displayName: string;
  rooms: string[];
}

// The most reachable first.
const ORDER = ['online', 'in_call', 'busy', 'away', 'offline'];
// Presence from someone not yet on the list (they joined one of our rooms) reloads the names, at
// most this often.
const NAMES_RELOAD_MS = 2000;

/**
 * People: everyone this user shares a room with, from the rooms' member lists, each with a
 * `<minimeet-presence-badge>` that follows their presence through the client.
 */
export class DemoPeopleList extends LitElement {
  static override styles = [
    demoStyles,
    css`
      ul {
        margin-top: var(--mm-space-3);
        display: grid;
        gap: var(--mm-space-2);
      }
      li {
        display: flex;
        gap: var(--mm-space-3);
        align-items: center;
      }
      .avatar {
        flex: none;
        width: 2.25rem;
        height: 2.25rem;
        border-radius: 50%;
        display: grid;
        place-items: center;
        background: var(--mm-surface-2);
        border: 1px solid var(--mm-border);
        font-weight: 700;
      }
      .text {
        display: grid;
        min-width: 0;
      }
      .name {
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .rooms {
        color: var(--mm-text-muted);
        font-size: var(--mm-font-size-xs);
        overflow-wrap: anywhere;
      }
      minimeet-presence-badge {
        font-size: var(--mm-font-size-sm);
      }
    `,
  ];

  static override properties: PropertyDeclarations = {
    api: { attribute: false },
    client: { attribute: false },
    rooms: { attribute: false },
    people: { state: true },
    tick: { state: true },
  };

  /** The rooms API, for the member lists. */
  declare api: RoomsApi | undefined;
  /** The connected client, whose presence the badges follow. */
  declare client: MinimeetClient | undefined;
  /** The rooms this user can see; the members of those they belong to are listed. */
  declare rooms: RoomSummary[];
  declare private people: Person[];
  declare private tick: number;

  private run = 0;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private listening: MinimeetClient | undefined;

  constructor() {
    super();
    this.rooms = [];
    this.people = [];
    this.tick = 0;
  }

  private readonly onPresence = (presence: UserPresence): void => {
    if (presence.userId === this.client?.principal?.id) return;
    // A change of state reorders the list.
    this.tick += 1;
    if (!this.people.some((person) => person.userId === presence.userId)) this.reloadSoon();
  };

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.listening?.presence.off(PresenceEvent.PresenceChanged, this.onPresence);
    this.listening = undefined;
    clearTimeout(this.reloadTimer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client') && this.listening !== this.client) {
      this.listening?.presence.off(PresenceEvent.PresenceChanged, this.onPresence);
      this.client?.presence.on(PresenceEvent.PresenceChanged, this.onPresence);
      this.listening = this.client;
    }
    if (changed.has('rooms')) void this.load(this.rooms);
  }

  private reloadSoon(): void {
    if (this.reloadTimer !== undefined || !this.api) return;
    const api = this.api;
    this.reloadTimer = setTimeout(() => {
      void api
        .listRooms()
        .then((rooms) => this.load(rooms))
        .catch(() => undefined)
        .finally(() => {
          this.reloadTimer = undefined;
        });
    }, NAMES_RELOAD_MS);
  }

  private async load(rooms: RoomSummary[]): Promise<void> {
    const api = this.api;
    if (!api) return;
    const run = ++this.run;
    const self = this.client?.principal?.id;
    const lists = await Promise.all(
      rooms
        .filter((room) => room.myRole !== null)
        .map((room) =>
          api
            .listMembers(room.id)
            .then((members) => ({ room, members }))
            .catch(() => ({ room, members: [] })),
        ),
    );
    if (run !== this.run) return;
    const people = new Map<string, Person>();
    for (const { room, members } of lists) {
      for (const member of members) {
        if (member.userId === self) continue;
        const person = people.get(member.userId) ?? {
          userId: member.userId,
          displayName: member.displayName,
          rooms: [],
        };
        person.rooms.push(room.name);
        people.set(member.userId, person);
      }
    }
    this.people = [...people.values()];
  }

  private sorted(): Person[] {
    const presence = this.client?.presence;
    const rank = (person: Person) => {
      const state = presence?.get(person.userId)?.state;
      return state ? ORDER.indexOf(state) : ORDER.length;
    };
    return [...this.people].sort(
      (a, b) => rank(a) - rank(b) || a.displayName.localeCompare(b.displayName),
    );
  }

  override render() {
    const manager = this.client?.presence;
    return html`<section class="card" aria-labelledby="people-heading">
      <h2 class="title" id="people-heading">People</h2>
      <p class="subtitle">Everyone you share a room with, and whether they are around.</p>
      ${
        this.people.length === 0
          ? html`<p class="hint">Nobody yet. Invite someone to one of your rooms.</p>`
          : nothing
      }
      <ul aria-labelledby="people-heading">
        ${this.sorted().map(
          (person) =>
            html`<li data-user-id=${person.userId}>
              <span class="avatar" aria-hidden="true"
                >${[...person.displayName.trim()][0]?.toUpperCase() ?? '?'}</span
              >
              <span class="text">
                <span class="name">${person.displayName}</span>
                <minimeet-presence-badge
                  user-id=${person.userId}
                  .presenceManager=${manager}
                ></minimeet-presence-badge>
                <span class="rooms">Shares ${person.rooms.join(', ')}</span>
              </span>
            </li>`,
        )}
      </ul>
    </section>`;
  }
}

customElements.define('demo-people-list', DemoPeopleList);

declare global {
  interface HTMLElementTagNameMap {
    'demo-people-list': DemoPeopleList;
  }
}
