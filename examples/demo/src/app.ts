import {
  AuthEvent,
  ClientEvent,
  ConnectionState,
  type AuthClient,
  type MinimeetClient,
  type UserProfile,
} from '@minimeet/sdk';
import type { Messages, MinimeetLeftEvent } from '@minimeet/web-components';
import { LitElement, css, html, nothing, type PropertyDeclarations } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { describeError, type RoomsApi, type RoomSummary } from './api.js';
import type { OpenRoomDetail } from './events.js';
import { pathOf, routeOf, type Route, type RouteState } from './router.js';
import { demoStyles } from './styles.js';
import './auth-panel.js';
import './lobby.js';
import './status-control.js';
import './invite-button.js';

/** What the app runs on: the server, the user's session, one SDK client and the rooms API. */
export interface DemoServices {
  /** The server's origin; the demo always talks to the server that served it. */
  readonly server: string;
  /** The signed-in user's session; it refreshes the access token. */
  readonly auth: AuthClient;
  /** The one connection to the server, shared by the lobby and the call. */
  readonly client: MinimeetClient;
  /** The rooms REST API. */
  readonly api: RoomsApi;
}

/**
 * The demo as one element: the sign-in page, the lobby at `/`, and the call at `/r/<roomId>`
 * (a `<minimeet-room>` on the app's own client). The address bar is the source of truth, so a
 * reload, a shared link and the back button land where people expect.
 */
export class DemoApp extends LitElement {
  static override styles = [
    demoStyles,
    css`
      :host {
        min-height: 100dvh;
        display: flex;
        flex-direction: column;
      }
      .skip {
        position: absolute;
        left: -999px;
      }
      .skip:focus {
        left: var(--mm-space-3);
        top: var(--mm-space-3);
        z-index: 2;
      }
      header {
        display: flex;
        align-items: center;
        gap: var(--mm-space-4);
        padding: var(--mm-space-3) var(--mm-space-5);
        border-bottom: 1px solid var(--mm-border);
        background: var(--mm-surface);
      }
      .brand {
        display: inline-flex;
        align-items: center;
        gap: var(--mm-space-2);
        color: var(--mm-text);
        text-decoration: none;
        font-weight: 800;
        font-size: 1.1rem;
      }
      .brand svg {
        width: 1.9rem;
        height: 1.9rem;
        color: var(--mm-accent);
      }
      .spacer {
        flex: 1;
      }
      .who {
        display: flex;
        align-items: center;
        gap: var(--mm-space-3);
        min-width: 0;
      }
      .avatar {
        flex: none;
        width: 2.2rem;
        height: 2.2rem;
        border-radius: 50%;
        display: grid;
        place-items: center;
        background: var(--mm-accent);
        color: var(--mm-on-accent);
        font-weight: 700;
      }
      .name {
        font-weight: 600;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      main {
        outline: none;
        flex: 1;
        display: flex;
        flex-direction: column;
        min-height: 0;
      }
      .page {
        width: min(72rem, 100%);
        margin: 0 auto;
        padding: var(--mm-space-5);
      }
      .notice {
        margin: 0 0 var(--mm-space-4);
        padding: var(--mm-space-3) var(--mm-space-4);
        border-radius: var(--mm-radius-sm);
        background: var(--mm-surface-2);
        border: 1px solid var(--mm-border);
      }
      .call {
        flex: 1;
        display: flex;
        flex-direction: column;
        min-height: 0;
      }
      .call-bar {
        display: flex;
        align-items: center;
        gap: var(--mm-space-3);
        padding: var(--mm-space-2) var(--mm-space-4);
        border-bottom: 1px solid var(--mm-border);
        background: var(--mm-surface);
      }
      .call-bar h1 {
        font-size: 1.05rem;
        flex: 1;
        min-width: 0;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      minimeet-room {
        flex: 1;
        min-height: 28rem;
      }
      .connecting {
        padding: var(--mm-space-5);
        text-align: center;
        color: var(--mm-text-muted);
      }
      footer {
        padding: var(--mm-space-4);
        text-align: center;
        color: var(--mm-text-muted);
        font-size: var(--mm-font-size-xs);
      }
      footer a {
        color: inherit;
      }
      @media (max-width: 40rem) {
        header {
          padding: var(--mm-space-2) var(--mm-space-3);
          gap: var(--mm-space-2);
        }
        .brand span,
        .name {
          display: none;
        }
        .page {
          padding: var(--mm-space-3);
        }
        .call-bar {
          padding: var(--mm-space-2) var(--mm-space-3);
        }
      }
    `,
  ];

  static override properties: PropertyDeclarations = {
    services: { attribute: false },
    route: { state: true },
    user: { state: true },
    restored: { state: true },
    connection: { state: true },
    notice: { state: true },
    roomName: { state: true },
  };

  /** What the app runs on; set once before it is connected. */
  declare services: DemoServices | undefined;
  declare private route: Route;
  declare private user: UserProfile | undefined;
  declare private restored: boolean;
  declare private connection: 'disconnected' | 'connecting' | 'connected' | 'failed';
  declare private notice: string;
  declare private roomName: string;

  private connectionError = '';
  private roomStrings: Messages = {};
  private started = false;

  constructor() {
    super();
    this.route = routeOf(window.location);
    this.restored = false;
    this.connection = 'disconnected';
    this.notice = '';
    this.roomName = '';
  }

  private readonly onPopState = (): void => {
    this.route = routeOf(window.location);
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('popstate', this.onPopState);
    if (this.started || !this.services) return;
    this.started = true;
    const { auth, client } = this.services;
    auth.on(AuthEvent.SessionChanged, (session) => {
      this.user = session?.user;
      if (session) void this.connect();
      else void client.disconnect();
    });
    client.on(ClientEvent.Disconnected, (error) => {
      this.connection = error && auth.session ? 'failed' : 'disconnected';
      this.connectionError = error ? describeError(error) : '';
    });
    void auth.restore().finally(() => {
      this.restored = true;
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('popstate', this.onPopState);
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (this.route.name !== 'room') this.roomName = '';
    if (changed.has('roomName')) {
      // The element knows the room by its id; the demo knows its name, and where names come from.
      this.roomStrings = {
        'prejoin.nameFixed': 'Your name comes from your account.',
        ...(this.roomName
          ? {
              'prejoin.subtitle': `Check your camera and microphone before you join ${this.roomName}.`,
            }
          : {}),
      };
    }
  }

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    if ((changed.has('route') || changed.has('connection')) && this.connection === 'connected') {
      const route = this.route;
      if (route.invite) void this.followInvite(route.invite);
      else if (route.name === 'room') void this.loadRoomName(route.roomId);
    }
    if (changed.has('route') || changed.has('roomName')) {
      document.title =
        this.route.name === 'room' ? `${this.roomName || 'Call'} — minimeet` : 'minimeet — demo';
    }
  }

  private async connect(): Promise<void> {
    const services = this.services;
    if (!services || services.client.state !== ConnectionState.Disconnected) return;
    const { client, auth, server } = services;
    this.connection = 'connecting';
    try {
      const session = await client.connect(server, auth.tokenProvider);
      this.connection = 'connected';
      // Presence for the people one shares rooms with, and for oneself.
      await Promise.all([
        client.presence.subscribeSharedRooms(),
        client.presence.subscribe([session.principal.id]),
      ]).catch(() => undefined);
    } catch (error) {
      this.connection = auth.session ? 'failed' : 'disconnected';
      this.connectionError = describeError(error);
    }
  }

  /** Goes to a route, as a new history entry unless `replace`. */
  private go(route: Route, replace = false): void {
    const state: RouteState = { fromLobby: this.route.name === 'lobby' && !replace };
    if (replace) window.history.replaceState(state, '', pathOf(route));
    else window.history.pushState(state, '', pathOf(route));
    this.route = route;
  }

  private async followInvite(code: string): Promise<void> {
    const api = this.services?.api;
    if (!api) return;
    const target = this.route;
    // The code is used up for this tab: a reload of the room must not accept it again.
    this.go({ name: 'lobby' }, true);
    this.notice = '';
    try {
      const room = await api.acceptInvite(code);
      this.go({ name: 'room', roomId: room.id }, true);
    } catch (error) {
      // A member may open an old link to their room: the room decides whether they may join.
      if (target.name === 'room') this.go({ name: 'room', roomId: target.roomId }, true);
      else this.notice = `That invite link did not work: ${describeError(error)}`;
    }
  }

  private async loadRoomName(roomId: string): Promise<void> {
    const room: RoomSummary | undefined = await this.services?.api
      .getRoom(roomId)
      .catch(() => undefined);
    if (room && this.route.name === 'room' && this.route.roomId === roomId) {
      this.roomName = room.name;
    }
  }

  private readonly onOpenRoom = (event: CustomEvent<OpenRoomDetail>): void => {
    this.notice = '';
    this.go({ name: 'room', roomId: event.detail.roomId });
  };

  private readonly onLeft = (event: MinimeetLeftEvent): void => {
    if (event.detail.reason !== 'left') return;
    this.toLobby();
  };

  /** Back to the lobby: the way one came when that was the lobby, else by replacing the entry. */
  private toLobby(): void {
    const state = window.history.state as RouteState | null;
    if (state?.fromLobby) window.history.back();
    else this.go({ name: 'lobby' }, true);
  }

  // A fragment link cannot reach into a shadow root: move the focus by hand.
  private readonly onSkip = (event: MouseEvent): void => {
    event.preventDefault();
    this.renderRoot.querySelector<HTMLElement>('main')?.focus();
  };

  private readonly onLobbyLink = (event: MouseEvent): void => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    if (this.route.name === 'room') this.toLobby();
  };

  private signOut(): void {
    const services = this.services;
    if (!services) return;
    this.go({ name: 'lobby' }, this.route.name === 'lobby');
    void services.client
      .disconnect()
      .then(() => services.auth.logout())
      // The local session is gone either way; the server forgets the refresh token in time.
      .catch(() => undefined);
  }

  override render() {
    return html`
      <a class="skip" href="#main" @click=${this.onSkip}>Skip to content</a>
      <header>
        <a class="brand" href="/" aria-label="minimeet lobby" @click=${this.onLobbyLink}>
          <svg viewBox="0 0 32 32" aria-hidden="true" focusable="false">
            <rect width="32" height="32" rx="9" fill="currentColor" />
            <path
              d="M8 21V12.5a1.5 1.5 0 0 1 2.6-1L16 17l5.4-5.5a1.5 1.5 0 0 1 2.6 1V21"
              fill="none"
              stroke="#fff"
              stroke-width="2.6"
              stroke-linecap="round"
              stroke-linejoin="round"
            />
          </svg>
          <span>minimeet</span>
        </a>
        <span class="spacer"></span>
        ${
          this.user && this.services && this.connection === 'connected'
            ? html`<demo-status-control .client=${this.services.client}></demo-status-control>`
            : nothing
        }
        ${
          this.user
            ? html`<div class="who">
                <span class="avatar" aria-hidden="true"
                  >${[...this.user.displayName.trim()][0]?.toUpperCase() ?? '?'}</span
                >
                <span class="name">${this.user.displayName}</span>
                <button class="secondary small" type="button" @click=${() => this.signOut()}>
                  Sign out
                </button>
              </div>`
            : nothing
        }
      </header>
      <main id="main" tabindex="-1" @demo-open-room=${this.onOpenRoom}>${this.renderMain()}</main>
      ${
        this.route.name === 'lobby'
          ? html`<footer>
              minimeet demo · served by your minimeet server ·
              <a href="/api/docs">API reference</a>
            </footer>`
          : nothing
      }
    `;
  }

  private renderMain() {
    const services = this.services;
    if (!services || !this.restored) return html`<p class="connecting">Loading…</p>`;
    if (!this.user) {
      const invited = this.route.name === 'room' || this.route.invite !== undefined;
      return html`<div class="page">
        <demo-auth-panel .auth=${services.auth} ?invited=${invited}></demo-auth-panel>
      </div>`;
    }
    if (this.connection !== 'connected') return this.renderConnection();
    if (this.route.invite) return html`<p class="connecting" role="status">Opening the invite…</p>`;
    if (this.route.name === 'room') return this.renderCall(services, this.route.roomId);
    return html`<div class="page">
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      <demo-lobby .client=${services.client} .api=${services.api}></demo-lobby>
    </div>`;
  }

  private renderConnection() {
    if (this.connection === 'failed') {
      return html`<div class="page">
        <div class="card">
          <h1 class="title">Not connected</h1>
          <p class="error" role="alert">Could not connect: ${this.connectionError}</p>
          <p>
            <button class="primary" type="button" @click=${() => void this.connect()}>
              Try again
            </button>
          </p>
        </div>
      </div>`;
    }
    return html`<p class="connecting" role="status">Connecting…</p>`;
  }

  private renderCall(services: DemoServices, roomId: string) {
    return html`<div class="call">
      <div class="call-bar">
        <a class="button secondary small" href="/" @click=${this.onLobbyLink}>← Lobby</a>
        <h1>${this.roomName || 'Call'}</h1>
        <demo-invite-button .api=${services.api} room-id=${roomId}></demo-invite-button>
      </div>
      ${keyed(
        roomId,
        html`<minimeet-room
          server=${services.server}
          room=${roomId}
          display-name=${this.user?.displayName ?? ''}
          .client=${services.client}
          .tokenProvider=${services.auth.tokenProvider}
          .strings=${this.roomStrings}
          @minimeet-left=${this.onLeft}
        ></minimeet-room>`,
      )}
    </div>`;
  }
}

customElements.define('demo-app', DemoApp);

declare global {
  interface HTMLElementTagNameMap {
    'demo-app': DemoApp;
  }
}
