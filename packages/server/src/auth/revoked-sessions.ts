import { ErrorCode } from '@minimeet/protocol';

/** Why sessions were ended; it picks the code and the sentence their tokens and sockets get. */
export type SessionEndCause = 'logout' | 'password_changed' | 'refresh_reused' | 'account_disabled';

/** Every {@link SessionEndCause}, for checking what comes back from a shared store. */
export const SESSION_END_CAUSES: readonly SessionEndCause[] = [
  'logout',
  'password_changed',
  'refresh_reused',
  'account_disabled',
];

/** The wire code of a {@link SessionEndCause}: `account_disabled`, else `session_revoked`. */
export function endCodeOf(
  cause: SessionEndCause,
): typeof ErrorCode.SessionRevoked | typeof ErrorCode.AccountDisabled {
  return cause === 'account_disabled' ? ErrorCode.AccountDisabled : ErrorCode.SessionRevoked;
}

/** The sentence a refused token or an ended connection carries for a {@link SessionEndCause}. */
export function endMessageOf(cause: SessionEndCause): string {
  switch (cause) {
    case 'logout':
      return 'This session was signed out; sign in again.';
    case 'password_changed':
      return "The account's password was changed on another session; sign in again.";
    case 'refresh_reused':
      return 'A refresh token of this session was used twice, so the session was ended; sign in again.';
    case 'account_disabled':
      return 'An operator disabled this account.';
  }
}

/** One revocation: sessions of one user, ended for one cause. */
export interface SessionRevocation {
  /** The ended sessions: the `sid` claims of their access tokens (refresh-token family ids). */
  sessionIds: string[];
  /** Whose sessions they are. */
  userId: string;
  /** Why they ended. */
  cause: SessionEndCause;
  /**
   * Epoch milliseconds after which no access token of these sessions can be valid anyway; the
   * store may forget them then.
   */
  expiresAt: number;
}

/**
 * Port for the sessions that were ended before their access tokens expired. The in-process
 * adapter serves one node; the Redis adapter (`redis-revoked-sessions.ts`, chosen when
 * `REDIS_URL` is set) shares them with every node and tells every node at once. Entries outlive
 * the last access token they could refuse, and no longer.
 */
export interface RevokedSessionStore {
  /** Records a revocation and tells every node's {@link onRevoked} listeners (this one's at once). */
  revoke(revocation: SessionRevocation): Promise<void>;
  /** Why the session was ended, or null while it stands. Called on every authenticated request. */
  check(sessionId: string): Promise<SessionEndCause | null>;
  /** Subscribes to revocations made on any node; returns a function that unsubscribes. */
  onRevoked(listener: (revocation: SessionRevocation) => void): () => void;
  /** Starts listening (to the other nodes); resolves once {@link check} is up to date. */
  start(): Promise<void>;
  /** Stops listening and lets go of what it holds. */
  close(): Promise<void>;
}

/** DI token of the {@link RevokedSessionStore} port. */
export const REVOKED_SESSIONS = Symbol('REVOKED_SESSIONS');

// How often expired entries are dropped from memory; a check never trusts an expired one anyway.
const SWEEP_INTERVAL_MS = 60_000;

/**
 * The revoked sessions a node knows, in memory, each until it expires. The in-process store is
 * one of these; the Redis store keeps one as its local cache.
 */
export class RevokedSessionMap {
  private readonly entries = new Map<string, { cause: SessionEndCause; expiresAt: number }>();
  private lastSweep = Date.now();

  /**
   * Records a revocation; returns the session ids it did not know yet. A session already known
   * keeps its first cause and expiry: nothing of it can be issued after its first revocation, so
   * a later one never needs to last longer.
   */
  add(revocation: SessionRevocation, now = Date.now()): string[] {
    this.sweep(now);
    const added: string[] = [];
    if (revocation.expiresAt <= now) return added;
    for (const sessionId of revocation.sessionIds) {
      if (this.get(sessionId, now)) continue;
      this.entries.set(sessionId, { cause: revocation.cause, expiresAt: revocation.expiresAt });
      added.push(sessionId);
    }
    return added;
  }

  /** Why the session was ended, or null when it is not known to be (or its entry expired). */
  get(sessionId: string, now = Date.now()): SessionEndCause | null {
    const entry = this.entries.get(sessionId);
    if (!entry) return null;
    if (entry.expiresAt <= now) {
      this.entries.delete(sessionId);
      return null;
    }
    return entry.cause;
  }

  /** How many entries are held (expired ones not yet swept included). */
  get size(): number {
    return this.entries.size;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    for (const [id, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(id);
  }
}

/** {@link RevokedSessionStore} for one node: a map in this process, listeners called at once. */
export class InMemoryRevokedSessionStore implements RevokedSessionStore {
  private readonly revoked = new RevokedSessionMap();
  private readonly listeners = new Set<(revocation: SessionRevocation) => void>();

  revoke(revocation: SessionRevocation): Promise<void> {
    this.revoked.add(revocation);
    // Told even about sessions already known: ending their connections again costs nothing.
    for (const listener of this.listeners) listener(revocation);
    return Promise.resolve();
  }

  check(sessionId: string): Promise<SessionEndCause | null> {
    return Promise.resolve(this.revoked.get(sessionId));
  }

  onRevoked(listener: (revocation: SessionRevocation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.listeners.clear();
    return Promise.resolve();
  }
}
