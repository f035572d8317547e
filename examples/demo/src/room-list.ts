import { LitElement, css, html, nothing, type PropertyDeclarations } from 'lit';
import { describeError, type RoomsApi, type RoomSummary } from './api.js';
import { openRoomEvent } from './events.js';
import { textOf } from './form-data.js';
import { demoStyles } from './styles.js';
import './invite-button.js';

function describe(room: RoomSummary): string {
  const parts = [room.visibility === 'public' ? 'Public' : 'Private'];
  if (room.hasPassword) parts.push('password');
  parts.push(`${room.participantCount} of ${room.capacity} in the call`);
  if (room.myRole === 'owner') parts.push('yours');
  return parts.join(' · ');
}

/**
 * The rooms this user can join, each with Join and (for members) Invite, and a form that starts
 * a new one. Joining asks the app to open the room's page (`demo-open-room`); a password, if the
 * room needs one, is asked by `<minimeet-room>` there.
 *
 * @event demo-rooms-changed - A room was created, or Refresh pressed: reload the list.
 */
export class DemoRoomList extends LitElement {
  static override styles = [
    demoStyles,
    css`
      :host {
        display: grid;
        gap: var(--mm-space-5);
      }
      .choices {
        display: flex;
        flex-wrap: wrap;
        gap: var(--mm-space-2) var(--mm-space-4);
      }
      .rooms {
        margin-top: var(--mm-space-3);
        display: grid;
        gap: var(--mm-space-2);
      }
      .room {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--mm-space-2) var(--mm-space-3);
        padding: var(--mm-space-3);
        border: 1px solid var(--mm-border);
        border-radius: var(--mm-radius-sm);
        background: var(--mm-bg);
      }
      .room-text {
        flex: 1 1 12rem;
        min-width: 0;
        display: grid;
      }
      .room-name {
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .room-meta {
        color: var(--mm-text-muted);
        font-size: var(--mm-font-size-sm);
      }
      .actions {
        display: flex;
        gap: var(--mm-space-2);
        flex-wrap: wrap;
        justify-content: flex-end;
        min-width: 0;
      }
    `,
  ];

  static override properties: PropertyDeclarations = {
    api: { attribute: false },
    rooms: { attribute: false },
    loading: { type: Boolean },
    error: {},
    createError: { state: true },
    creating: { state: true },
  };

  /** The rooms API. */
  declare api: RoomsApi | undefined;
  /** The rooms to list. */
  declare rooms: RoomSummary[];
  /** The list is loading. */
  declare loading: boolean;
  /** Why the list could not be loaded. */
  declare error: string;
  declare private createError: string;
  declare private creating: boolean;

  constructor() {
    super();
    this.rooms = [];
    this.loading = false;
    this.error = '';
    this.createError = '';
    this.creating = false;
  }

  private async create(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget;
    if (!this.api || !(form instanceof HTMLFormElement)) return;
    const data = new FormData(form);
    const name = textOf(data, 'name').trim();
    const password = textOf(data, 'password');
    this.creating = true;
    this.createError = '';
    try {
      const room = await this.api.createRoom({
        name,
        visibility: data.get('visibility') === 'public' ? 'public' : 'private',
        ...(password ? { password } : {}),
      });
      form.reset();
      this.dispatchEvent(new Event('demo-rooms-changed'));
      this.dispatchEvent(openRoomEvent(room.id));
    } catch (error) {
      this.createError = describeError(error);
    } finally {
      this.creating = false;
    }
  }

  override render() {
    return html`
      <section class="card" aria-labelledby="rooms-heading">
        <div class="row">
          <h2 class="title" id="rooms-heading">Rooms</h2>
          <button
            class="secondary small"
            type="button"
            ?disabled=${this.loading}
            @click=${() => this.dispatchEvent(new Event('demo-rooms-changed'))}
          >
            Refresh
          </button>
        </div>
        ${
          this.rooms.length === 0 && !this.loading
            ? html`<p class="subtitle">
                No rooms yet. Start one, or open an invite link someone sent you.
              </p>`
            : nothing
        }
        <ul class="rooms" aria-labelledby="rooms-heading" aria-busy=${this.loading}>
          ${this.rooms.map(
            (room) =>
              html`<li class="room">
                <span class="room-text">
                  <span class="room-name">${room.name}</span>
                  <span class="room-meta">${describe(room)}</span>
                </span>
                <span class="actions">
                  ${
                    room.myRole
                      ? html`<demo-invite-button
                          .api=${this.api}
                          room-id=${room.id}
                          room-name=${room.name}
                        ></demo-invite-button>`
                      : nothing
                  }
                  <a
                    class="button primary small"
                    href="/r/${encodeURIComponent(room.id)}"
                    aria-label="Join ${room.name}"
                    @click=${(event: MouseEvent) => this.open(event, room)}
                    >Join</a
                  >
                </span>
              </li>`,
          )}
        </ul>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      </section>
      <section class="card" aria-labelledby="create-heading">
        <h2 class="title" id="create-heading">Start a room</h2>
        <p class="subtitle">Browser to browser, or through the server for larger rooms.</p>
        <form novalidate @submit=${(event: SubmitEvent) => void this.create(event)}>
          <div class="field">
            <label for="room-name">Room name</label>
            <input id="room-name" name="name" type="text" maxlength="80" required />
          </div>
          <fieldset class="field">
            <legend>Who can find it</legend>
            <div class="choices">
              <label class="choice">
                <input type="radio" name="visibility" value="private" checked />
                Private: only people you invite
              </label>
              <label class="choice">
                <input type="radio" name="visibility" value="public" />
                Public: listed for everyone here
              </label>
            </div>
          </fieldset>
          <div class="field">
            <label for="room-password">Password <span class="optional">(optional)</span></label>
            <input
              id="room-password"
              name="password"
              type="password"
              autocomplete="new-password"
              maxlength="128"
              aria-describedby="room-password-hint"
            />
            <p class="hint" id="room-password-hint">
              People you invite never need it; everyone else does.
            </p>
          </div>
          ${
            this.createError ? html`<p class="error" role="alert">${this.createError}</p>` : nothing
          }
          <button class="primary" type="submit" ?disabled=${this.creating}>Create and join</button>
        </form>
      </section>
    `;
  }

  private open(event: MouseEvent, room: RoomSummary): void {
    // A modified click opens the link elsewhere, as links do.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    this.dispatchEvent(openRoomEvent(room.id));
  }
}

customElements.define('demo-room-list', DemoRoomList);

declare global {
  interface HTMLElementTagNameMap {
    'demo-room-list': DemoRoomList;
  }
}
