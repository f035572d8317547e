import type { SessionInfo } from '@minimeet/protocol';
import type { ReconnectOptions } from '../options.js';
import { backoffDelay } from '../utils/backoff.js';

// setTimeout fires at once for longer delays; a token that lives longer is refreshed early.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** What a {@link TokenRefresher} needs from the client that owns the session. */
export interface TokenRefresherHost {
  /** The session open now, if any. */
  session(): SessionInfo | undefined;
  /**
   * Whether `session` is still the open one: every await may outlive the connection (a drop, a
   * reconnect, `disconnect()`), and then its result belongs to a connection that is gone.
   */
  isOpen(session: SessionInfo): boolean;
  /** Whether a new token can be had at all (the app gave a token provider, not a fixed token). */
  canRefresh(): boolean;
  /** A fresh token from the app's provider, for the session whose token expires at `currentExpiresAt`. */
  fetchToken(currentExpiresAt: string): Promise<string>;
  /** Hands `token` to the server (`auth_refresh`); resolves with the new expiry. */
  send(token: string): Promise<{ tokenExpiresAt: string }>;
  /** The server took the new token: `session` is the open one now, with its new expiry. */
  refreshed(session: SessionInfo): void;
  /** A refresh failed; another is tried while the old token lasts. */
  failed(error: unknown): void;
}

/**
 * Keeps a session's token fresh: refreshes ahead of the server's own warning (never more often
 * than every half token lifetime), one refresh at a time per session, and after a failure tries
 * again with backoff while the old token lasts; after that the server ends the session with
 * `token_expired` and the client's reconnect fetches a fresh token.
 */
export class TokenRefresher {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private inFlight: { session: SessionInfo; promise: Promise<void> } | undefined;

  /** Creates a refresher for the sessions of `host`; `backoff` spaces the retries. */
  constructor(
    private readonly host: TokenRefresherHost,
    private readonly backoff: Required<ReconnectOptions>,
  ) {}

  /** `session` just opened: plans its first refresh. */
  start(session: SessionInfo): void {
    this.failures = 0;
    this.schedule(session);
  }

  /** Stops the planned refresh (the connection dropped or closed). */
  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Refreshes now (the server warned that the token is expiring); joins one under way. */
  refresh(): Promise<void> {
    const session = this.host.session();
    if (!session || !this.host.isOpen(session) || !this.host.canRefresh()) {
      return Promise.resolve();
    }
    if (this.inFlight?.session !== session) {
      const promise = this.replace(session).finally(() => {
        if (this.inFlight?.promise === promise) this.inFlight = undefined;
      });
      this.inFlight = { session, promise };
    }
    return this.inFlight.promise;
  }

  private schedule(session: SessionInfo): void {
    this.cancel();
    if (!this.host.canRefresh()) return;
    const msLeft = Date.parse(session.tokenExpiresAt) - Date.now();
    // Ahead of the server's own warning, so it normally never needs to send one, but never more
    // often than every half token lifetime, whatever lead the server asks for.
    this.after(
      Math.min(MAX_TIMER_MS, Math.max(msLeft / 2, msLeft - 1.5 * session.refreshLeadMs, 0)),
    );
  }

  private after(delayMs: number): void {
    this.cancel();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, delayMs);
  }

  private async replace(session: SessionInfo): Promise<void> {
    try {
      const token = await this.host.fetchToken(session.tokenExpiresAt);
      if (!this.host.isOpen(session)) return;
      const { tokenExpiresAt } = await this.host.send(token);
      if (!this.host.isOpen(session)) return;
      this.failures = 0;
      const renewed = { ...session, tokenExpiresAt };
      this.schedule(renewed);
      this.host.refreshed(renewed);
    } catch (error) {
      if (!this.host.isOpen(session)) return;
      this.host.failed(error);
      // A listener may have disconnected.
      if (!this.host.isOpen(session)) return;
      const delayMs = backoffDelay(this.failures, this.backoff);
      this.failures += 1;
      if (Date.parse(session.tokenExpiresAt) - Date.now() > delayMs) this.after(delayMs);
    }
  }
}
