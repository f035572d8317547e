import { LitElement, type PropertyDeclarations } from 'lit';

/** Names of the typed DOM events this library's elements dispatch. */
type MinimeetEventName = Extract<keyof GlobalEventHandlersEventMap, `minimeet-${string}`>;

/** The `detail` type of one of the library's DOM events. */
type DetailOf<K extends MinimeetEventName> =
  GlobalEventHandlersEventMap[K] extends CustomEvent<infer D> ? D : never;

/** The colour scheme an element is asked to use; `auto` (or none) follows the system. */
export type MinimeetTheme = 'light' | 'dark' | 'auto';

/**
 * The base class of every minimeet element: typed event dispatch, guarded registration, and the
 * `theme` and `lang` attributes every element understands. Like Shoelace's `ShoelaceElement`.
 */
export class MinimeetElement extends LitElement {
  static override properties: PropertyDeclarations = {
    theme: { reflect: true },
    lang: { reflect: true },
  };

  /**
   * `light` or `dark` forces a colour scheme; `auto` or none follows `prefers-color-scheme`
   * (inside `<minimeet-room>`, the room's choice).
   */
  declare theme: MinimeetTheme | undefined;

  /**
   * The language of the element's text (`en`, `de`, `ar`, …); when absent, the room's, the
   * nearest ancestor's `lang`, or the page's.
   */
  declare lang: string;

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
