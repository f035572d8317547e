import {
  PresenceEvent,
  type PresenceEventCallbacks,
  type PresenceManager,
  type UserPresence,
} from '@minimeet/sdk';
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Options of a {@link PresenceController}. */
export interface PresenceControllerOptions {
  /** The followed user's presence changed (or became known). */
  onChange?: (presence: UserPresence) => void;
}

/**
 * A Lit reactive controller that binds one user's presence, from a {@link PresenceManager}
 * (`client.presence`), to an element. When the manager does not know the user yet and
 * {@link follow} is on, it asks to follow them (`presence.subscribe([userId])`); it never
 * unfollows, since the app may follow the same user for its own reasons.
 */
export class PresenceController implements ReactiveController {
  private readonly host: ReactiveControllerHost;
  private readonly options: PresenceControllerOptions;
  private manager: PresenceManager | undefined;
  private user: string | undefined;
  private attached = false;
  private requested = new WeakMap<PresenceManager, Set<string>>();

  /** Whether to follow a user the manager does not know yet. */
  follow = true;

  /** Creates the controller and adds it to `host`. */
  constructor(host: ReactiveControllerHost, options: PresenceControllerOptions = {}) {
    this.host = host;
    this.options = options;
    host.addController(this);
  }

  /** The user's latest known presence, or undefined. */
  get presence(): UserPresence | undefined {
    return this.user === undefined ? undefined : this.manager?.get(this.user);
  }

  /** Binds a presence manager and a user id (either may be undefined). */
  bind(manager: PresenceManager | undefined, userId: string | undefined): void {
    if (manager === this.manager && userId === this.user) return;
    this.unsubscribe();
    this.manager = manager;
    this.user = userId;
    if (this.attached) this.subscribe();
    this.host.requestUpdate();
  }

  /** Subscribes when the host enters the document. */
  hostConnected(): void {
    this.attached = true;
    this.subscribe();
  }

  /** Unsubscribes when the host leaves it. */
  hostDisconnected(): void {
    this.attached = false;
    this.unsubscribe();
  }

  private readonly changed: PresenceEventCallbacks[PresenceEvent.PresenceChanged] = (presence) => {
    if (presence.userId !== this.user) return;
    this.options.onChange?.(presence);
    this.host.requestUpdate();
  };

  private subscribe(): void {
    const { manager, user } = this;
    if (!manager) return;
    manager.on(PresenceEvent.PresenceChanged, this.changed);
    if (!this.follow || user === undefined || manager.get(user) !== undefined) return;
    let asked = this.requested.get(manager);
    if (!asked) this.requested.set(manager, (asked = new Set()));
    if (asked.has(user)) return;
    asked.add(user);
    // Guests have no presence and a disconnected client cannot follow anyone: the badge then
    // simply shows nothing, and tries again when bound anew.
    try {
      void manager.subscribe([user]).then(
        () => this.host.requestUpdate(),
        () => asked.delete(user),
      );
    } catch {
      asked.delete(user);
    }
  }

  private unsubscribe(): void {
    this.manager?.off(PresenceEvent.PresenceChanged, this.changed);
  }
}
