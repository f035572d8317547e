import type { PresenceUpdatePayload, UserPresence } from '@minimeet/protocol';
import { InvalidStateError, MinimeetError, SdkErrorCode } from '../errors.js';
import { PresenceEvent, type PresenceEventCallbacks } from '../events.js';
import type { PresenceOptions } from '../options.js';
import type { ConnectionChange, SignalChannel } from '../signaling/SignalChannel.js';
import { TypedEmitter } from '../utils/TypedEmitter.js';
import { AwayDetector, pageActivitySource, type ActivitySource } from './AwayDetector.js';

/** What `client.presence.setStatus()` changes; fields left out stay as they are. */
export interface PresenceStatus {
  /** Busy (do not disturb) for every connection of the user, or not. */
  busy?: boolean;
  /** A short status text (at most 100 characters), or null to clear it. */
  text?: string | null;
}

// The server takes at most this many user ids per subscription request.
const MAX_IDS_PER_REQUEST = 500;

const STATES: ReadonlySet<string> = new Set(['online', 'away', 'busy', 'in_call', 'offline']);

function isPresence(value: unknown): value is UserPresence {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Partial<UserPresence>;
  return typeof p.userId === 'string' && typeof p.state === 'string' && STATES.has(p.state);
}

function samePresence(a: UserPresence | undefined, b: UserPresence): boolean {
  return (
    a !== undefined &&
    a.state === b.state &&
    a.roomId === b.roomId &&
    a.statusText === b.statusText &&
    a.lastSeenAt === b.lastSeenAt
  );
}

function isConnectionError(error: unknown): boolean {
  return (
    error instanceof MinimeetError &&
    (error.code === SdkErrorCode.Disconnected ||
      error.code === SdkErrorCode.Timeout ||
      error.code === SdkErrorCode.InvalidState)
  );
}

function checkUserIds(userIds: unknown): asserts userIds is string[] {
  if (!Array.isArray(userIds) || userIds.some((id) => typeof id !== 'string' || id.length === 0)) {
    throw new TypeError('userIds must be an array of non-empty strings.');
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

/**
 * Who is online, away, busy or in a call, across the whole app: `client.presence`. Subscribe to
 * users (or to everyone one shares a room with) to receive a snapshot and then every change as a
 * `PresenceChanged` event. It reports this connection away while the page is hidden or the user
 * idle (see `PresenceOptions`), and after a reconnect it sends the status again, subscribes again
 * and refreshes the snapshot by itself.
 *
 * @example
 * ```ts
 * client.presence.on(PresenceEvent.PresenceChanged, (p) => dot(p.userId, p.state));
 * await client.presence.subscribeSharedRooms();
 * await client.presence.setStatus({ busy: true, text: 'In a meeting' });
 * ```
 */
export class PresenceManager extends TypedEmitter<PresenceEventCallbacks> {
  private readonly presences = new Map<string, UserPresence>();
  private readonly followed = new Set<string>();
  private sharedRooms = false;
  private status: PresenceUpdatePayload = {};
  private own: UserPresence | undefined;
  private open = false;
  private readonly detector: AwayDetector | undefined;
  private readonly waiters: { resolve(): void; reject(error: Error): void }[] = [];

  /**
   * Follows presence events and connection changes on `signal`; `hasPresence` says whether the
   * client is connected as a user (guests have no presence to report). @internal
   */
  constructor(
    private readonly signal: SignalChannel,
    options: Required<PresenceOptions>,
    private readonly hasPresence: () => boolean,
    source: ActivitySource | undefined = pageActivitySource(),
  ) {
    super();
    this.detector =
      options.autoAway && source
        ? new AwayDetector(source, options.idleAfterMs, (away) => this.awayChanged(away))
        : undefined;
    signal.subscribe('presence_changed', (presence) => this.handlePresenceChanged(presence));
    signal.onConnectionChange((change) => this.handleConnectionChange(change));
  }

  /** Whether this connection reports itself away now (page hidden or user idle). */
  get away(): boolean {
    return this.detector?.away ?? false;
  }

  /** This user's own presence as others see it, as of the last `setStatus()`; undefined before. */
  get self(): UserPresence | undefined {
    return this.own;
  }

  /** The presence of a followed user, or undefined when it is not known. */
  get(userId: string): UserPresence | undefined {
    return this.presences.get(userId);
  }

  /** The presence of every followed user known. */
  all(): UserPresence[] {
    return [...this.presences.values()];
  }

  /**
   * Follows the presence of `userIds` and resolves with their snapshot; changes follow as
   * `PresenceChanged`. Users who share no room with this one are left out by the server.
   * Rejects with {@link InvalidStateError} unless the client is connected or reconnecting.
   */
  async subscribe(userIds: string[]): Promise<UserPresence[]> {
    checkUserIds(userIds);
    this.assertOpen('subscribe()');
    if (userIds.length === 0) return [];
    const added = userIds.filter((id) => !this.followed.has(id));
    for (const id of userIds) this.followed.add(id);
    try {
      const snapshots = await Promise.all(
        chunks([...new Set(userIds)], MAX_IDS_PER_REQUEST).map((ids) =>
          this.attempt(() => this.signal.request('presence_subscribe', { userIds: ids })),
        ),
      );
      return this.merge(snapshots.flatMap((s) => s.presences));
    } catch (error) {
      for (const id of added) this.followed.delete(id);
      throw error;
    }
  }

  /**
   * Follows everyone who shares a room with this user, including people who join one of those
   * rooms later, and resolves with their snapshot.
   */
  async subscribeSharedRooms(): Promise<UserPresence[]> {
    this.assertOpen('subscribeSharedRooms()');
    const before = this.sharedRooms;
    this.sharedRooms = true;
    try {
      const { presences } = await this.attempt(() =>
        this.signal.request('presence_subscribe', { sharedRooms: true }),
      );
      return this.merge(presences);
    } catch (error) {
      this.sharedRooms = before;
      throw error;
    }
  }

  /** Stops following `userIds` (those still followed through shared rooms stay). */
  async unsubscribe(userIds: string[]): Promise<void> {
    checkUserIds(userIds);
    this.assertOpen('unsubscribe()');
    if (userIds.length === 0) return;
    for (const id of userIds) {
      this.followed.delete(id);
      if (!this.sharedRooms) this.presences.delete(id);
    }
    if (!this.signal.isConnected) return;
    await Promise.all(
      chunks(userIds, MAX_IDS_PER_REQUEST).map((ids) =>
        this.signal.request('presence_unsubscribe', { userIds: ids }).catch(ignoreConnectionError),
      ),
    );
  }

  /** Stops following everyone one shares a room with (users followed by id stay). */
  async unsubscribeSharedRooms(): Promise<void> {
    this.assertOpen('unsubscribeSharedRooms()');
    this.sharedRooms = false;
    for (const id of [...this.presences.keys()]) {
      if (!this.followed.has(id)) this.presences.delete(id);
    }
    if (!this.signal.isConnected) return;
    await this.signal
      .request('presence_unsubscribe', { sharedRooms: true })
      .catch(ignoreConnectionError);
  }

  /**
   * Sets this user busy or not and the status text, for every connection of the user, and
   * resolves with the user's presence as others now see it. Sent again after each reconnect.
   */
  async setStatus(status: PresenceStatus): Promise<UserPresence> {
    if (typeof status !== 'object' || status === null) {
      throw new TypeError('status must be an object.');
    }
    const { busy, text } = status;
    if (busy !== undefined && typeof busy !== 'boolean') {
      throw new TypeError('busy must be a boolean.');
    }
    if (text !== undefined && text !== null && typeof text !== 'string') {
      throw new TypeError('text must be a string or null.');
    }
    if (busy === undefined && text === undefined) {
      throw new TypeError('status must set busy, text or both.');
    }
    this.assertOpen('setStatus()');
    const update: PresenceUpdatePayload = {};
    if (busy !== undefined) update.busy = busy;
    if (text !== undefined) update.statusText = text;
    const { presence } = await this.attempt(() => this.signal.request('presence_update', update));
    this.status = { ...this.status, ...update };
    this.own = presence;
    return presence;
  }

  /** The client opened its first connection. @internal */
  handleConnected(): void {
    this.open = true;
    this.detector?.start();
    if (this.detector?.away) void this.report({ away: true });
  }

  /** A followed user's presence changed. @internal */
  handlePresenceChanged(presence: UserPresence): void {
    if (this.open && isPresence(presence)) this.merge([presence]);
  }

  /** The client's connection changed. @internal */
  handleConnectionChange(change: ConnectionChange): void {
    switch (change.type) {
      case 'dropped':
        return;
      case 'network_changed':
        // The connection itself is checked by the client; a channel waits for dropped/restored.
        return;
      case 'restored':
        if (!this.open) return;
        for (const waiter of this.waiters.splice(0)) waiter.resolve();
        // After a call has asked for its place back, as chat does.
        queueMicrotask(() => void this.restore());
        return;
      case 'closed':
        this.open = false;
        this.detector?.stop();
        this.followed.clear();
        this.sharedRooms = false;
        this.status = {};
        this.own = undefined;
        this.presences.clear();
        for (const waiter of this.waiters.splice(0)) {
          waiter.reject(new InvalidStateError('The client disconnected.'));
        }
        return;
    }
  }

  // A new connection knows nothing of this one's status or subscriptions: send them all again.
  private async restore(): Promise<void> {
    const update: PresenceUpdatePayload = { ...this.status };
    if (this.detector?.away) update.away = true;
    const requests: Promise<unknown>[] = [];
    if (Object.keys(update).length > 0) requests.push(this.report(update));
    for (const ids of chunks([...this.followed], MAX_IDS_PER_REQUEST)) {
      requests.push(
        this.signal
          .request('presence_subscribe', { userIds: ids })
          .then(({ presences }) => this.merge(presences)),
      );
    }
    if (this.sharedRooms) {
      requests.push(
        this.signal
          .request('presence_subscribe', { sharedRooms: true })
          .then(({ presences }) => this.merge(presences)),
      );
    }
    // A failure here is a new drop (the next restore tries again) or a refusal nobody waits for.
    await Promise.all(requests.map((r) => r.catch(() => undefined)));
  }

  private async report(update: PresenceUpdatePayload): Promise<void> {
    if (!this.signal.isConnected || !this.hasPresence()) return;
    try {
      const { presence } = await this.signal.request('presence_update', update);
      this.own = presence;
    } catch {
      // Sent again after the next reconnect; nothing else depends on it.
    }
  }

  private awayChanged(away: boolean): void {
    this.emit(PresenceEvent.AwayChanged, away);
    if (this.open) void this.report({ away });
  }

  private merge(presences: readonly UserPresence[]): UserPresence[] {
    const valid = presences.filter(isPresence);
    for (const presence of valid) {
      const previous = this.presences.get(presence.userId);
      this.presences.set(presence.userId, presence);
      if (!samePresence(previous, presence)) this.emit(PresenceEvent.PresenceChanged, presence);
    }
    return valid;
  }

  // Runs a request once connected; a connection lost on the way waits for the next reconnect.
  private async attempt<T>(request: () => Promise<T>): Promise<T> {
    let wait = !this.signal.isConnected;
    for (;;) {
      if (wait) {
        await new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
      }
      try {
        return await request();
      } catch (error) {
        if (!isConnectionError(error) || !this.open) throw error;
        // Only a timeout on a live connection is retried at once.
        wait =
          !(error instanceof MinimeetError && error.code === SdkErrorCode.Timeout) ||
          !this.signal.isConnected;
      }
    }
  }

  private assertOpen(method: string): void {
    if (!this.open) {
      throw new InvalidStateError(`${method} needs a connected client.`);
    }
  }
}

function ignoreConnectionError(error: unknown): void {
  if (!isConnectionError(error)) throw error;
}
