import { LitElement } from 'lit';

/** Names of the typed DOM events this library's elements dispatch. */
type MinimeetEventName = Extract<keyof GlobalEventHandlersEventMap, `minimeet-${string}`>;

/** The `detail` type of one of the library's DOM events. */
type DetailOf<K extends MinimeetEventName> =
  GlobalEventHandlersEventMap[K] extends CustomEvent<infer D> ? D : never;

/**
 * The base class of every minimeet element: typed event dispatch and guarded registration.
 * Like Shoelace's `ShoelaceElement`.
 */
export class MinimeetElement extends LitElement {
  /**
   * Registers the element under `name` unless that tag is already taken, so that loading two
   * copies of the library (say, the bundle and the npm package) does not throw.
   */
  static define(name: string, elementConstructor: CustomElementConstructor = this): void {
    const existing = customElements.get(name);
    if (!existing) {
      customElements.define(name, elementConstructor);
    } else if (existing !== elementConstructor) {
      console.warn(`<${name}> is already registered by another copy of @minimeet/web-components.`);
    }
  }

  /** Dispatches one of the library's typed events; it bubbles and crosses shadow roots. */
  protected emit<K extends MinimeetEventName>(name: K, detail: DetailOf<K>): boolean {
    return this.dispatchEvent(
      new CustomEvent(name, { bubbles: true, composed: true, cancelable: false, detail }),
    );
  }
}
