import {
  emptyRecord,
  SWEEP_BATCH,
  SWEEP_STEPS_PER_INTERVAL,
  type PresenceChange,
  type PresenceMessage,
  type PresenceRecord,
  type PresenceStore,
  type PresenceTiming,
} from './presence-store.js';

interface UserState {
  version: number;
  /** Connection id → away. */
  connections: Map<string, boolean>;
  /** Participant id → the call. */
  calls: Map<string, { roomId: string | null; joinedAt: number }>;
  busy: boolean;
  statusText: string | null;
  announced: string | null;
  changedAt: number | null;
}

/**
 * The state in-process stores share. One process normally has one store and so one backend; tests
 * give several stores one backend to play several nodes, one of which may die.
 */
export class InMemoryPresenceBackend {
  /** Node → the time its connections expire unless it renews them. */
  readonly nodes = new Map<string, number>();
  /** Nodes taken for dead whose connections are still being removed. */
  readonly dead = new Set<string>();
  /** Node → its connection ids. */
  readonly nodeConnections = new Map<string, Set<string>>();
  /** Connection id → its user and node. */
  readonly connections = new Map<string, { userId: string; node: string }>();
  /** User id → its state. */
  readonly users = new Map<string, UserState>();
  /** Every store's message listeners. */
  readonly messageListeners = new Set<(message: PresenceMessage) => void>();
}

/** Options of {@link InMemoryPresenceStore}. */
export interface InMemoryPresenceStoreOptions {
  /** This node's name. */
  nodeId: string;
  /** Renewal and expiry intervals. */
  timing: PresenceTiming;
  /** State shared with other stores; a new one by default. */
  backend?: InMemoryPresenceBackend;
}

/**
 * The embedded presence store: everything in this process. It follows the same rules as the Redis
 * store (nodes renew their connections, dead nodes are swept) so that both pass one contract.
 */
export class InMemoryPresenceStore implements PresenceStore {
  private readonly backend: InMemoryPresenceBackend;
  private readonly node: string;
  private readonly timing: PresenceTiming;
  private readonly changeListeners = new Set<(userIds: string[]) => void>();
  private readonly ownListeners = new Set<(message: PresenceMessage) => void>();
  /** This node's connections: id → user and away, to register them again if it was taken for dead. */
  private readonly local = new Map<string, { userId: string; away: boolean }>();
  private timers: NodeJS.Timeout[] = [];
  private registered = false;

  constructor(options: InMemoryPresenceStoreOptions) {
    this.backend = options.backend ?? new InMemoryPresenceBackend();
    this.node = options.nodeId;
    this.timing = options.timing;
  }

  apply(userId: string, change: PresenceChange): Promise<PresenceRecord> {
    const b = this.backend;
    const user = this.user(userId);
    const now = Date.now();
    const conn = change.connectionId;
    if (conn !== undefined) {
      if (change.disconnected) {
        this.local.delete(conn);
        this.removeConnection(conn);
        user.connections.delete(conn);
      } else {
        const known = b.connections.get(conn);
        if (!known || known.node !== this.node || known.userId !== userId) {
          if (known) this.removeConnection(conn);
          b.connections.set(conn, { userId, node: this.node });
          let set = b.nodeConnections.get(this.node);
          if (!set) b.nodeConnections.set(this.node, (set = new Set()));
          set.add(conn);
        }
        const away = change.away ?? user.connections.get(conn) ?? false;
        user.connections.set(conn, away);
        this.local.set(conn, { userId, away });
      }
    }
    if (change.busy !== undefined) user.busy = change.busy;
    if (change.statusText !== undefined) user.statusText = change.statusText;
    if (change.joined)
      user.calls.set(change.joined.participantId, { roomId: change.joined.roomId, joinedAt: now });
    if (change.left !== undefined) user.calls.delete(change.left);
    user.version += 1;
    return Promise.resolve(this.record(userId, user));
  }

  get(userIds: readonly string[]): Promise<PresenceRecord[]> {
    return Promise.resolve(
      userIds.map((id) => {
        const user = this.backend.users.get(id);
        return user ? this.record(id, user) : emptyRecord(id);
      }),
    );
  }

  settle(userId: string, version: number, announced: string): Promise<number | null> {
    const user = this.backend.users.get(userId);
    if (!user || user.version !== version || user.announced === announced)
      return Promise.resolve(null);
    user.announced = announced;
    user.changedAt = Date.now();
    return Promise.resolve(user.changedAt);
  }

  publish(message: PresenceMessage): Promise<void> {
    for (const listener of this.backend.messageListeners) queueMicrotask(() => listener(message));
    return Promise.resolve();
  }

  onMessage(listener: (message: PresenceMessage) => void): () => void {
    this.backend.messageListeners.add(listener);
    this.ownListeners.add(listener);
    return () => {
      this.backend.messageListeners.delete(listener);
      this.ownListeners.delete(listener);
    };
  }

  onUsersChanged(listener: (userIds: string[]) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  start(): Promise<void> {
    this.heartbeat();
    const beat = setInterval(() => this.heartbeat(), this.timing.heartbeatMs);
    const sweep = setInterval(() => this.sweep(), this.timing.sweepMs);
    beat.unref();
    sweep.unref();
    this.timers = [beat, sweep];
    return Promise.resolve();
  }

  close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    for (const listener of this.ownListeners) this.backend.messageListeners.delete(listener);
    this.ownListeners.clear();
    return Promise.resolve();
  }

  /** Renews this node; if it had been taken for dead meanwhile, registers its connections again. */
  private heartbeat(): void {
    const b = this.backend;
    const added = !b.nodes.has(this.node);
    b.nodes.set(this.node, Date.now() + this.timing.ttlMs);
    if (!added) return;
    b.dead.delete(this.node);
    if (!this.registered) {
      this.registered = true;
      return;
    }
    const affected = new Set<string>();
    for (const [conn, { userId, away }] of this.local) {
      void this.apply(userId, { connectionId: conn, away });
      affected.add(userId);
    }
    this.report([...affected]);
  }

  /** Takes expired nodes for dead and removes their connections, a bounded number per step. */
  private sweep(): void {
    const b = this.backend;
    const now = Date.now();
    for (const [node, deadline] of b.nodes) {
      if (deadline > now) continue;
      b.nodes.delete(node);
      b.dead.add(node);
    }
    for (let step = 0; step < SWEEP_STEPS_PER_INTERVAL && b.dead.size > 0; step++) {
      const affected = new Set<string>();
      let budget = SWEEP_BATCH;
      for (const node of b.dead) {
        const conns = b.nodeConnections.get(node);
        for (const conn of conns ?? []) {
          if (budget <= 0) break;
          budget -= 1;
          const owner = b.connections.get(conn);
          this.removeConnection(conn);
          if (!owner) continue;
          const user = b.users.get(owner.userId);
          if (user?.connections.delete(conn)) user.version += 1;
          affected.add(owner.userId);
        }
        if (!conns || conns.size === 0) {
          b.dead.delete(node);
          b.nodeConnections.delete(node);
        }
        if (budget <= 0) break;
      }
      this.report([...affected]);
      if (budget > 0) break;
    }
  }

  private removeConnection(conn: string): void {
    const known = this.backend.connections.get(conn);
    if (!known) return;
    this.backend.connections.delete(conn);
    this.backend.nodeConnections.get(known.node)?.delete(conn);
  }

  private report(userIds: string[]): void {
    if (userIds.length === 0) return;
    for (const listener of this.changeListeners) listener(userIds);
  }

  private user(userId: string): UserState {
    let user = this.backend.users.get(userId);
    if (!user) {
      user = {
        version: 0,
        connections: new Map(),
        calls: new Map(),
        busy: false,
        statusText: null,
        announced: null,
        changedAt: null,
      };
      this.backend.users.set(userId, user);
    }
    return user;
  }

  private record(userId: string, user: UserState): PresenceRecord {
    return {
      userId,
      version: user.version,
      connections: [...user.connections].map(([connectionId, away]) => ({ connectionId, away })),
      calls: [...user.calls].map(([participantId, c]) => ({ participantId, ...c })),
      busy: user.busy,
      statusText: user.statusText,
      announced: user.announced,
      changedAt: user.changedAt,
    };
  }
}
