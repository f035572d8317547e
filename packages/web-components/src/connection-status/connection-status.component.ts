import {
  ConnectionErrorReason,
  ConnectionState,
  type ConnectionError,
  type MinimeetClient,
} from '@minimeet/sdk';
import { html, type CSSResultGroup, type PropertyDeclarations, type TemplateResult } from 'lit';
import { ClientController, type ConnectionTransition } from '../controllers/ClientController.js';
import { MinimeetElement } from '../internal/minimeet-element.js';
import { connectionStatusStyles } from './connection-status.styles.js';

/**
 * Shows where a {@link MinimeetClient}'s connection stands: connecting, connected as whom,
 * reconnecting (with the attempt number), or disconnected (with the reason). It is a polite live
 * region, so screen readers announce each change. It only listens to the client; connecting and
 * disconnecting stay with the app.
 *
 * @summary The connection state of a minimeet client, as an accessible status line.
 *
 * @event {MinimeetConnectionStateChangedEvent} minimeet-connection-state-changed - The client's
 *   connection state changed; `detail` has `state`, `previousState`, `principal`,
 *   `reconnectAttempt` and `error`.
 *
 * @csspart base - The status container, which carries `role="status"`.
 * @csspart indicator - The coloured dot.
 * @csspart label - The text.
 * @csspart name - The display name when connected.
 * @csspart detail - The reason after "Disconnected".
 *
 * @cssprop --minimeet-color-success - Dot colour when connected.
 * @cssprop --minimeet-color-warning - Dot colour when connecting or reconnecting.
 * @cssprop --minimeet-color-danger - Dot colour when disconnected by an error.
 * @cssprop --minimeet-color-neutral - Dot colour when not connected.
 * @cssprop --minimeet-connection-status-background - Background of the pill.
 * @cssprop --minimeet-connection-status-color - Text colour.
 * @cssprop --minimeet-connection-status-border - Border of the pill.
 * @cssprop --minimeet-connection-status-border-radius - Corner radius of the pill.
 * @cssprop --minimeet-connection-status-padding - Padding of the pill.
 * @cssprop --minimeet-connection-status-gap - Space between the dot and the text.
 * @cssprop --minimeet-connection-status-font-size - Font size of the text.
 * @cssprop --minimeet-connection-status-indicator-size - Diameter of the dot.
 * @cssprop --minimeet-connection-status-detail-color - Colour of the disconnection reason.
 *
 * @attr state - Reflects the connection state (`disconnected`, `connecting`, `connected`,
 *   `reconnecting`) for styling; read-only.
 * @attr has-error - Present when the connection ended or dropped because of an error; read-only.
 */
export class MinimeetConnectionStatus extends MinimeetElement {
  static override styles: CSSResultGroup = connectionStatusStyles;

  static override properties: PropertyDeclarations = {
    // A hand-written accessor: the controller must listen before the app's next line runs, which
    // is typically `client.connect()`.
    client: { attribute: false, noAccessor: true },
    state: { reflect: true },
    hasError: { attribute: 'has-error', type: Boolean, reflect: true },
  };

  /** The connection state shown, reflected as the `state` attribute; read-only. */
  declare state: ConnectionState;

  /** Whether an error ended or interrupted the connection, reflected as `has-error`; read-only. */
  declare hasError: boolean;

  private readonly connection = new ClientController(this, {
    onTransition: (transition: ConnectionTransition) =>
      this.emit('minimeet-connection-state-changed', transition),
  });

  private boundClient: MinimeetClient | undefined;

  constructor() {
    super();
    this.state = ConnectionState.Disconnected;
    this.hasError = false;
  }

  /** The client whose connection to show; the element never connects or disconnects it. */
  get client(): MinimeetClient | undefined {
    return this.boundClient;
  }

  set client(client: MinimeetClient | undefined) {
    const previous = this.boundClient;
    if (client === previous) return;
    this.boundClient = client;
    this.connection.setClient(client);
    this.requestUpdate('client', previous);
  }

  protected override willUpdate(): void {
    const { state, error } = this.connection.snapshot;
    this.state = state;
    this.hasError = error !== undefined;
  }

  protected override render(): TemplateResult {
    return html`
      <div part="base" class="base" role="status" aria-live="polite" aria-atomic="true">
        <span part="indicator" class="indicator" aria-hidden="true"></span>
        <span part="label" class="label">${this.renderLabel()}</span>
      </div>
    `;
  }

  private renderLabel(): TemplateResult | string {
    const { state, principal, reconnectAttempt, error } = this.connection.snapshot;
    switch (state) {
      case ConnectionState.Connecting:
        return 'Connecting…';
      case ConnectionState.Connected:
        return principal
          ? html`Connected as <span part="name" class="name">${principal.displayName}</span>`
          : 'Connected';
      case ConnectionState.Reconnecting:
        return reconnectAttempt > 0
          ? `Reconnecting (attempt ${reconnectAttempt})…`
          : 'Reconnecting…';
      case ConnectionState.Disconnected:
        return error
          ? html`Disconnected: <span part="detail" class="detail">${describeReason(error)}</span>`
          : 'Not connected';
    }
  }
}

/** A short phrase that tells a person why a connection ended. */
function describeReason(error: ConnectionError): string {
  switch (error.reason) {
    case ConnectionErrorReason.TokenMissing:
      return 'no access token was given';
    case ConnectionErrorReason.TokenInvalid:
      return 'the server did not accept the access token';
    case ConnectionErrorReason.TokenExpired:
      return 'the session has expired';
    case ConnectionErrorReason.TokenProviderFailed:
      return 'could not get an access token';
    case ConnectionErrorReason.ProtocolMismatch:
      return 'this app and the server speak different protocol versions';
    case ConnectionErrorReason.RateLimited:
      return 'too many attempts, try again later';
    case ConnectionErrorReason.ServerUnreachable:
      return 'the server could not be reached';
    case ConnectionErrorReason.ServerShutdown:
      return 'the server is shutting down';
    case ConnectionErrorReason.ConnectionLost:
      return 'the connection was lost';
    case ConnectionErrorReason.Cancelled:
      return 'the connection was cancelled';
    case ConnectionErrorReason.Timeout:
      return 'the server did not answer in time';
    case ConnectionErrorReason.Internal:
      return 'an unexpected error occurred';
  }
}
