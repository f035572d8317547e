/**
 * Which server nodes of a deployment are alive. A node that stops (crashes, loses its network)
 * leaves participants behind in shared state whose sockets are gone with it; the registry hands
 * each such node to exactly one survivor, which puts them into their grace period.
 */
export interface NodeRegistry {
  /**
   * Starts announcing this node and hands each node that stopped to `onDown`, once across the
   * deployment; a node counts as handled once `onDown` resolves (a rejection is retried later).
   * Called at start-up, before the server accepts connections: what an earlier life of this node
   * (a crash and restart under the same `NODE_ID`) left behind is handed over first. `onLapsed`
   * runs when this node finds that its own heartbeat had run out (a long pause, a lost Redis), so
   * that it can take back what a survivor took over.
   */
  watch(onDown: (nodeId: string) => Promise<void>, onLapsed: () => Promise<void>): Promise<void>;
  /**
   * Stops announcing and watching. `handedOver` says this node has already put its participants
   * into grace itself, so it leaves the registry at once; otherwise its heartbeat runs out and a
   * survivor takes over.
   */
  close(handedOver: boolean): Promise<void>;
}

/** DI token of the {@link NodeRegistry} port. */
export const NODE_REGISTRY = Symbol('NODE_REGISTRY');

/** The {@link NodeRegistry} of a single process: there is nobody else, and nobody to hand over to. */
export class SingleNodeRegistry implements NodeRegistry {
  watch(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
