import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Notifier } from '../toast/notifier.js';

/** A Lit reactive controller that re-renders its host whenever a {@link Notifier} changes. */
export class NotifierController implements ReactiveController {
  private readonly host: ReactiveControllerHost;
  private notifier: Notifier | undefined;
  private stop: (() => void) | undefined;
  private attached = false;

  /** Creates the controller and adds it to `host`. */
  constructor(host: ReactiveControllerHost) {
    this.host = host;
    host.addController(this);
  }

  /** Follows `notifier` instead (or none). */
  setNotifier(notifier: Notifier | undefined): void {
    if (notifier === this.notifier) return;
    this.stop?.();
    this.stop = undefined;
    this.notifier = notifier;
    if (this.attached) this.listen();
    this.host.requestUpdate();
  }

  /** Listens when the host enters the document. */
  hostConnected(): void {
    this.attached = true;
    this.listen();
  }

  /** Stops listening when the host leaves it. */
  hostDisconnected(): void {
    this.attached = false;
    this.stop?.();
    this.stop = undefined;
  }

  private listen(): void {
    this.stop?.();
    this.stop = this.notifier?.subscribe(() => this.host.requestUpdate());
  }
}
