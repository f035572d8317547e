import { LitElement, css, html, nothing, type PropertyDeclarations } from 'lit';
import { describeError, type RoomsApi } from './api.js';
import { demoStyles } from './styles.js';

/**
 * "Invite": creates an invite link to a room and shows it, ready to copy. Whoever opens the link
 * signs in, becomes a member and lands in the room.
 */
export class DemoInviteButton extends LitElement {
  static override styles = [
    demoStyles,
    css`
      :host {
        display: inline-flex;
        align-items: center;
        gap: var(--mm-space-2);
        min-width: 0;
        flex-wrap: wrap;
        justify-content: flex-end;
      }
      .link {
        display: flex;
        gap: var(--mm-space-2);
        align-items: center;
        min-width: 0;
      }
      input {
        width: min(28rem, 50vw);
        font-size: var(--mm-font-size-sm);
        padding: 0.3rem 0.5rem;
      }
    `,
  ];

  static override properties: PropertyDeclarations = {
    api: { attribute: false },
    roomId: { attribute: 'room-id' },
    roomName: { attribute: 'room-name' },
    url: { state: true },
    copied: { state: true },
    error: { state: true },
    busy: { state: true },
  };

  /** The rooms API. */
  declare api: RoomsApi | undefined;
  /** The room to invite to. */
  declare roomId: string;
  /** The room's name, for the button's accessible name. */
  declare roomName: string;
  declare private url: string;
  declare private copied: boolean;
  declare private error: string;
  declare private busy: boolean;

  constructor() {
    super();
    this.roomId = '';
    this.roomName = '';
    this.url = '';
    this.copied = false;
    this.error = '';
    this.busy = false;
  }

  private async create(): Promise<void> {
    if (!this.api || !this.roomId) return;
    this.busy = true;
    this.error = '';
    try {
      const invite = await this.api.createInvite(this.roomId);
      // The room's own address, carrying the code: it opens the room, and makes a member of
      // whoever opens it (the server's `/?invite=` link works too).
      const url = new URL(`/r/${encodeURIComponent(this.roomId)}`, window.location.origin);
      url.searchParams.set('invite', invite.code);
      this.url = url.href;
      await this.updateComplete;
      this.renderRoot.querySelector('input')?.select();
    } catch (error) {
      this.error = describeError(error);
    } finally {
      this.busy = false;
    }
  }

  private async copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.url);
      this.copied = true;
    } catch {
      // No clipboard (an insecure origin, or denied): the link stays selected to copy by hand.
      this.renderRoot.querySelector('input')?.select();
    }
  }

  override render() {
    if (this.url) {
      return html`<span class="link">
        <label class="visually-hidden" for="invite">Invite link</label>
        <input id="invite" type="text" readonly .value=${this.url} />
        <button class="secondary small" type="button" @click=${() => void this.copy()}>
          ${this.copied ? 'Copied' : 'Copy'}
        </button>
      </span>`;
    }
    return html`<button
        class="secondary small"
        type="button"
        ?disabled=${this.busy}
        aria-label=${this.roomName ? `Invite to ${this.roomName}` : 'Invite someone'}
        @click=${() => void this.create()}
      >
        Invite
      </button>
      ${this.error ? html`<span class="error" role="alert">${this.error}</span>` : nothing}`;
  }
}

customElements.define('demo-invite-button', DemoInviteButton);

declare global {
  interface HTMLElementTagNameMap {
    'demo-invite-button': DemoInviteButton;
  }
}
