import type { EventMap, TypedEmitter } from '@minimeet/sdk';
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** For each event: a listener, or `true` to only re-render the host. */
export type EventBindings<E extends EventMap<E>> = { [K in keyof E]?: E[K] | true };

/**
 * A Lit reactive controller that binds events of any SDK emitter (a `Room`, a `Participant`, a
 * `ChatChannel`, the `PresenceManager`) to an element: it listens while the host is in the
 * document and a target is set, runs the given listeners and asks the host to re-render after
 * each event. Changing the target moves the listeners; a detached host holds none.
 *
 * @example
 * ```ts
 * private readonly chatEvents = new EventsController<ChatEventCallbacks>(this, {
 *   [ChatEvent.MessageReceived]: (message) => this.scrollToEnd(message),
 *   [ChatEvent.TypingChanged]: true,
 * });
 * protected override willUpdate() {
 *   this.chatEvents.setTarget(this.roomContext.value?.chat);
 * }
 * ```
 */
export class EventsController<E extends EventMap<E>> implements ReactiveController {
  private readonly host: ReactiveControllerHost;
  private readonly listeners: [keyof E, E[keyof E]][];
  private target: TypedEmitter<E> | undefined;
  private attached = false;

  /** Creates the controller, adds it to `host`, and prepares the listeners of `bindings`. */
  constructor(host: ReactiveControllerHost, bindings: EventBindings<E>) {
    this.host = host;
    this.listeners = (Object.keys(bindings) as (keyof E)[]).map((event) => {
      const binding = bindings[event];
      const run: ((...a: never[]) => void) | undefined =
        binding === true || binding === undefined ? undefined : binding;
      const listener = ((...args: never[]) => {
        run?.(...args);
        this.host.requestUpdate();
      }) as E[keyof E];
      return [event, listener];
    });
    host.addController(this);
  }

  /** The emitter listened to now. */
  get current(): TypedEmitter<E> | undefined {
    return this.target;
  }

  /** Listens to `target` instead (or to nothing); returns whether the target changed. */
  setTarget(target: TypedEmitter<E> | undefined): boolean {
    if (target === this.target) return false;
    if (this.attached) this.unsubscribe();
    this.target = target;
    if (this.attached) this.subscribe();
    this.host.requestUpdate();
    return true;
  }

  /** Subscribes when the host enters the document. */
  hostConnected(): void {
    this.attached = true;
    this.subscribe();
  }

  /** Unsubscribes when the host leaves the document. */
  hostDisconnected(): void {
    this.attached = false;
    this.unsubscribe();
  }

  private subscribe(): void {
    for (const [event, listener] of this.listeners) this.target?.on(event, listener);
  }

  private unsubscribe(): void {
    for (const [event, listener] of this.listeners) this.target?.off(event, listener);
  }
}
