import { PresenceEvent, type MinimeetClient, type UserPresence } from '@minimeet/sdk';
import {
  LitElement,
  css,
  html,
  nothing,
  type PropertyDeclarations,
  type PropertyValues,
} from 'lit';
import { describeError } from './api.js';
import { textOf } from './form-data.js';
import { demoStyles } from './styles.js';

/** One's own presence: a badge, and a form to set busy or available and a status message. */
export class DemoStatusControl extends LitElement {
  static override styles = [
    demoStyles,
    css`
      form {
        margin: 0;
        display: flex;
        align-items: center;
        gap: var(--mm-space-2);
      }
      select,
      input[type='text'] {
        padding: 0.3rem 0.5rem;
        font-size: var(--mm-font-size-sm);
      }
      select {
        width: auto;
      }
      input[type='text'] {
        width: 13rem;
      }
      @media (max-width: 60rem) {
        input[type='text'],
        .set {
          display: none;
        }
      }
    `,
  ];

  static override properties: PropertyDeclarations = {
    client: { attribute: false },
    error: { state: true },
  };

  /** The connected client whose presence this sets. */
  declare client: MinimeetClient | undefined;
  declare private error: string;

  private listening: MinimeetClient | undefined;

  constructor() {
    super();
    this.error = '';
  }

  // One's own status may be set elsewhere (another tab) or become known after the first render.
  private readonly onPresence = (presence: UserPresence): void => {
    if (presence.userId === this.client?.principal?.id) this.requestUpdate();
  };

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client') && this.listening !== this.client) {
      this.listening?.presence.off(PresenceEvent.PresenceChanged, this.onPresence);
      this.client?.presence.on(PresenceEvent.PresenceChanged, this.onPresence);
      this.listening = this.client;
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.listening?.presence.off(PresenceEvent.PresenceChanged, this.onPresence);
    this.listening = undefined;
  }

  private async submit(event: Event): Promise<void> {
    event.preventDefault();
    const form = this.renderRoot.querySelector('form');
    if (!this.client || !form) return;
    const data = new FormData(form);
    const text = textOf(data, 'text').trim();
    try {
      await this.client.presence.setStatus({
        busy: data.get('availability') === 'busy',
        text: text.length > 0 ? text : null,
      });
      this.error = '';
    } catch (error) {
      this.error = describeError(error);
    }
  }

  override render() {
    const self = this.client?.principal?.id;
    const own = self ? this.client?.presence.get(self) : undefined;
    return html`<form
      aria-label="Your status"
      novalidate
      @submit=${(event: Event) => void this.submit(event)}
    >
      ${
        self
          ? html`<minimeet-presence-badge
              compact
              user-id=${self}
              .presenceManager=${this.client?.presence}
            ></minimeet-presence-badge>`
          : nothing
      }
      <label class="visually-hidden" for="availability">Availability</label>
      <select
        id="availability"
        name="availability"
        @change=${(event: Event) => void this.submit(event)}
      >
        <option value="available" ?selected=${own?.state !== 'busy'}>Available</option>
        <option value="busy" ?selected=${own?.state === 'busy'}>Busy</option>
      </select>
      <label class="visually-hidden" for="status-text">Status message</label>
      <input
        id="status-text"
        name="text"
        type="text"
        maxlength="100"
        placeholder="What are you up to?"
        autocomplete="off"
        .value=${own?.statusText ?? ''}
      />
      <button class="secondary small set" type="submit">Set</button>
      ${this.error ? html`<span class="error" role="alert">${this.error}</span>` : nothing}
    </form>`;
  }
}

customElements.define('demo-status-control', DemoStatusControl);

declare global {
  interface HTMLElementTagNameMap {
    'demo-status-control': DemoStatusControl;
  }
}
