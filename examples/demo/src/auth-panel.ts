import type { AuthClient } from '@minimeet/sdk';
import { LitElement, css, html, nothing, type PropertyDeclarations } from 'lit';
import { describeError } from './api.js';
import { textOf } from './form-data.js';
import { demoStyles } from './styles.js';

type Mode = 'login' | 'register';

/**
 * Sign in or create an account on this server, through the SDK's `AuthClient`. The app sees the
 * new session through the client's `sessionChanged` event; this element only asks.
 */
export class DemoAuthPanel extends LitElement {
  static override styles = [
    demoStyles,
    css`
      .layout {
        display: grid;
        grid-template-columns: 1.2fr 1fr;
        gap: var(--mm-space-5);
        align-items: start;
        padding-block: var(--mm-space-5);
      }
      .eyebrow {
        margin: 0;
        color: var(--mm-accent);
        font-weight: 700;
        text-transform: uppercase;
        letter-spacing: 0.06em;
        font-size: var(--mm-font-size-xs);
      }
      .intro h1 {
        font-size: clamp(1.8rem, 4vw, 2.6rem);
        margin: var(--mm-space-2) 0 var(--mm-space-3);
      }
      .intro p {
        color: var(--mm-text-muted);
        max-width: 34rem;
      }
      .intro li {
        padding: var(--mm-space-1) 0;
      }
      .intro li::before {
        content: '✓ ';
        color: var(--mm-success);
        font-weight: 700;
      }
      code {
        font-size: 0.9em;
      }
      .notice {
        margin: var(--mm-space-3) 0 0;
        padding: var(--mm-space-2) var(--mm-space-3);
        border-radius: var(--mm-radius-sm);
        background: var(--mm-surface-2);
      }
      .switch {
        margin: var(--mm-space-4) 0 0;
        color: var(--mm-text-muted);
        font-size: var(--mm-font-size-sm);
      }
      @media (max-width: 48rem) {
        .layout {
          grid-template-columns: 1fr;
          padding-block: 0;
        }
        .intro ul {
          display: none;
        }
      }
    `,
  ];

  static override properties: PropertyDeclarations = {
    auth: { attribute: false },
    invited: { type: Boolean },
    mode: { state: true },
    error: { state: true },
    busy: { state: true },
  };

  /** The auth client that signs in. */
  declare auth: AuthClient | undefined;
  /** The page was opened with a room or invite link: say why one should sign in. */
  declare invited: boolean;
  declare private mode: Mode;
  declare private error: string;
  declare private busy: boolean;

  constructor() {
    super();
    this.invited = false;
    this.mode = 'login';
    this.error = '';
    this.busy = false;
  }

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const auth = this.auth;
    const form = event.currentTarget;
    if (!auth || !(form instanceof HTMLFormElement)) return;
    const data = new FormData(form);
    const text = (name: string) => textOf(data, name);
    this.busy = true;
    this.error = '';
    try {
      if (this.mode === 'register') {
        await auth.register({
          displayName: text('displayName'),
          email: text('email'),
          password: text('password'),
        });
      } else {
        await auth.login({ email: text('email'), password: text('password') });
      }
    } catch (error) {
      this.error = describeError(error);
    } finally {
      this.busy = false;
    }
  }

  private switchMode(): void {
    this.mode = this.mode === 'login' ? 'register' : 'login';
    this.error = '';
    void this.updateComplete.then(() => this.renderRoot.querySelector('input')?.focus());
  }

  override render() {
    const register = this.mode === 'register';
    return html`<div class="layout">
      <section class="intro">
        <p class="eyebrow">Self-hosted video rooms</p>
        <h1>Calls and chat for your app, on your own server.</h1>
        <p>
          This page is a small app built on the minimeet browser SDK and web components. Create an
          account on this server, start a room and invite others.
        </p>
        <ul>
          <li>Accounts and tokens through <code>AuthClient</code></li>
          <li>The whole call is one <code>&lt;minimeet-room&gt;</code></li>
          <li>Presence through <code>&lt;minimeet-presence-badge&gt;</code></li>
          <li>Search across every room through <code>client.search()</code></li>
        </ul>
      </section>
      <section class="card" aria-labelledby="auth-heading">
        <h2 class="title" id="auth-heading">${register ? 'Create your account' : 'Sign in'}</h2>
        <p class="subtitle">
          ${
            register
              ? 'It takes a few seconds; you stay signed in until you close this tab.'
              : 'Welcome back. Sign in to connect.'
          }
        </p>
        ${
          this.invited
            ? html`<p class="notice">
                Sign in or create an account to join the room you were sent.
              </p>`
            : nothing
        }
        <form
          aria-labelledby="auth-heading"
          novalidate
          @submit=${(event: SubmitEvent) => void this.submit(event)}
        >
          ${
            register
              ? html`<div class="field">
                  <label for="name">Display name</label>
                  <input
                    id="name"
                    name="displayName"
                    type="text"
                    autocomplete="nickname"
                    maxlength="80"
                    required
                  />
                </div>`
              : nothing
          }
          <div class="field">
            <label for="email">Email</label>
            <input
              id="email"
              name="email"
              type="email"
              autocomplete=${register ? 'email' : 'username'}
              required
            />
          </div>
          <div class="field">
            <label for="password">Password</label>
            <input
              id="password"
              name="password"
              type="password"
              autocomplete=${register ? 'new-password' : 'current-password'}
              minlength=${register ? 10 : 1}
              required
              aria-describedby=${register ? 'password-hint' : nothing}
            />
            ${register ? html`<p class="hint" id="password-hint">At least 10 characters.</p>` : nothing}
          </div>
          ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
          <button class="primary" type="submit" ?disabled=${this.busy}>
            ${register ? 'Create account' : 'Sign in'}
          </button>
        </form>
        <p class="switch">
          ${register ? 'Already have an account?' : 'New to this server?'}
          <button class="link" type="button" @click=${() => this.switchMode()}>
            ${register ? 'Sign in' : 'Create an account'}
          </button>
        </p>
      </section>
    </div>`;
  }
}

customElements.define('demo-auth-panel', DemoAuthPanel);

declare global {
  interface HTMLElementTagNameMap {
    'demo-auth-panel': DemoAuthPanel;
  }
}
