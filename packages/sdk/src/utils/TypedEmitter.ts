/** The shape an event map must have: every event name maps to a listener signature. */
export type EventMap<Events> = { [E in keyof Events]: (...args: never[]) => void };

interface Registration<Listener> {
  listener: Listener;
  once: boolean;
}

/**
 * A small event emitter whose event names and listener arguments come from a callbacks map, so
 * that `on('connected', (session) => …)` is checked by the compiler; subclasses call `emit`.
 */
export class TypedEmitter<Events extends EventMap<Events>> {
  // Type-only, never set: lets generic code infer an emitter's callbacks map from the emitter.
  declare protected readonly callbacksMap?: Events;
  private readonly registrations = new Map<keyof Events, Registration<Events[keyof Events]>[]>();

  /** Calls `listener` every time `event` is emitted; returns this emitter for chaining. */
  on<E extends keyof Events>(event: E, listener: Events[E]): this {
    return this.add(event, listener, false);
  }

  /** Calls `listener` the next time `event` is emitted, then forgets it. */
  once<E extends keyof Events>(event: E, listener: Events[E]): this {
    return this.add(event, listener, true);
  }

  /** Removes one registration of `listener` for `event`; unknown listeners are ignored. */
  off<E extends keyof Events>(event: E, listener: Events[E]): this {
    const list = this.registrations.get(event);
    if (!list) return this;
    const index = list.findIndex((r) => r.listener === listener);
    if (index !== -1) list.splice(index, 1);
    if (list.length === 0) this.registrations.delete(event);
    return this;
  }

  /** Removes every listener of `event`, or of every event when none is given. */
  removeAllListeners(event?: keyof Events): this {
    if (event === undefined) this.registrations.clear();
    else this.registrations.delete(event);
    return this;
  }

  /** How many listeners `event` has. */
  listenerCount(event: keyof Events): number {
    return this.registrations.get(event)?.length ?? 0;
  }

  /**
   * Calls the listeners of `event` in registration order and returns whether there were any. A
   * listener that throws does not stop the others or the emitter's owner: its error is rethrown
   * on a later tick, where the runtime reports it as uncaught.
   */
  protected emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): boolean {
    const list = this.registrations.get(event);
    if (!list) return false;
    for (const registration of [...list]) {
      if (registration.once) this.off(event, registration.listener as Events[E]);
      try {
        (registration.listener as (...a: Parameters<Events[E]>) => void)(...args);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    return true;
  }

  private add<E extends keyof Events>(event: E, listener: Events[E], once: boolean): this {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function.');
    const list = this.registrations.get(event) ?? [];
    list.push({ listener, once });
    this.registrations.set(event, list);
    return this;
  }
}
