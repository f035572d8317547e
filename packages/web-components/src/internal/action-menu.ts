import {
  css,
  html,
  nothing,
  type ReactiveController,
  type ReactiveControllerHost,
  type TemplateResult,
} from 'lit';
import { icon, type IconName } from '../icons/icons.js';
import { listKeyTarget } from './list-keys.js';

/** Asks before an action that cannot be undone. */
export interface Confirmation {
  /** The dialog's title, a question. */
  readonly title: string;
  /** What will happen. */
  readonly body: string;
  /** The text of the button that does it. */
  readonly action: string;
  /** A choice to make on the way (such as how long to bar someone): its label and options. */
  readonly choice?: {
    readonly label: string;
    readonly options: readonly (readonly [value: string, label: string])[];
  };
}

/** One entry of an {@link ActionMenu}. */
export interface MenuItem {
  /** Stable id, also `data-action` on the item. */
  readonly id: string;
  /** The item's text. */
  readonly label: string;
  /** An icon before the text. */
  readonly icon?: IconName;
  /** Makes the item a checkbox in this state. */
  readonly checked?: boolean;
  /** A destructive action, shown in the danger colour. */
  readonly danger?: boolean;
  /** A heading shown above this item (the first of a group); its items' labels stand alone. */
  readonly heading?: string;
  /** A line above this item. */
  readonly separator?: boolean;
  /** Ask first, in a modal dialog. */
  readonly confirm?: Confirmation;
  /** Does it; receives the confirmation's choice (empty without one). */
  readonly run: (choice: string) => Promise<unknown> | void;
}

/** What an {@link ActionMenu} needs of the element that holds it. */
export interface ActionMenuHost extends ReactiveControllerHost {
  /** The element's shadow root (or itself), where the menu is rendered. */
  readonly renderRoot: HTMLElement | DocumentFragment;
}

/**
 * A menu of actions for the call's parts (a host's controls on a tile or a participant row):
 * rendered once per element with {@link render}, opened from any trigger button with
 * {@link open}. It shows in the top layer as a popover (so a tile's clipping does not cut it),
 * beside its trigger, follows the menu pattern (arrow keys, Home, End, Escape, focus back to the
 * trigger), and asks in a modal `<dialog>` before an item with a {@link Confirmation}.
 */
export class ActionMenu implements ReactiveController {
  private items: readonly MenuItem[] = [];
  private label = '';
  private trigger: HTMLElement | undefined;
  private pending: MenuItem | undefined;

  /** Creates the menu on `host`; `onError` hears an action's failure. */
  constructor(
    private readonly host: ActionMenuHost,
    private readonly onError: (error: unknown) => void,
    private readonly cancelLabel: () => string,
  ) {
    host.addController(this);
  }

  /** Closes the menu when the host leaves the document. */
  hostDisconnected(): void {
    this.close();
  }

  /** Opens the menu labelled `label` with `items` beside `trigger` (or closes it when open there). */
  async open(trigger: HTMLElement, label: string, items: readonly MenuItem[]): Promise<void> {
    const menu = this.menuElement();
    if (menu?.matches(':popover-open') && this.trigger === trigger) {
      menu.hidePopover();
      return;
    }
    this.trigger = trigger;
    this.label = label;
    this.items = items;
    this.host.requestUpdate();
    await this.host.updateComplete;
    const opened = this.menuElement();
    if (!opened || !trigger.isConnected) return;
    opened.showPopover();
    trigger.setAttribute('aria-expanded', 'true');
    this.place(opened, trigger);
    opened.querySelector<HTMLElement>('[role^="menuitem"]')?.focus();
  }

  /** Closes the menu and any confirmation. */
  close(): void {
    const menu = this.menuElement();
    if (menu?.matches(':popover-open')) menu.hidePopover();
    const dialog = this.dialogElement();
    if (dialog?.open) dialog.close();
  }

  /** The menu and the confirmation dialog; render once, anywhere in the host's template. */
  render(): TemplateResult {
    const pending = this.pending?.confirm;
    return html`
      <div
        class="action-menu"
        part="menu"
        popover="auto"
        role="menu"
        aria-label=${this.label}
        @toggle=${this.onToggle}
        @keydown=${this.onKeyDown}
      >
        ${this.items.map(
          (item) => html`
            ${
              item.heading
                ? html`<div class="menu-heading" aria-hidden="true">${item.heading}</div>`
                : item.separator
                  ? html`<div class="menu-separator" role="separator"></div>`
                  : nothing
            }
            <button
              part="menu-item"
              class="menu-item"
              type="button"
              role=${item.checked === undefined ? 'menuitem' : 'menuitemcheckbox'}
              aria-checked=${item.checked === undefined ? nothing : item.checked ? 'true' : 'false'}
              tabindex="-1"
              data-action=${item.id}
              ?data-danger=${item.danger}
              @click=${() => this.choose(item)}
            >
              <span class="menu-icon"
                >${
                  item.checked === undefined
                    ? item.icon
                      ? icon(item.icon)
                      : nothing
                    : item.checked
                      ? icon('check')
                      : nothing
                }</span
              >
              <span>${item.label}</span>
            </button>
          `,
        )}
      </div>
      <dialog
        class="confirm"
        part="confirm-dialog"
        aria-labelledby="confirm-title"
        aria-describedby="confirm-body"
        @close=${this.onDialogClose}
        @keydown=${(event: KeyboardEvent) => {
          // The dialog closes itself on Escape; the side panel around it stays open.
          if (event.key === 'Escape') event.stopPropagation();
        }}
      >
        ${
          pending
            ? html`<form method="dialog" @submit=${this.onConfirm}>
                <h2 id="confirm-title" class="confirm-title">${pending.title}</h2>
                <p id="confirm-body" class="confirm-body">${pending.body}</p>
                ${
                  pending.choice
                    ? html`<div class="field">
                        <label for="confirm-choice">${pending.choice.label}</label>
                        <select id="confirm-choice" name="choice">
                          ${pending.choice.options.map(
                            ([value, label]) => html`<option value=${value}>${label}</option>`,
                          )}
                        </select>
                      </div>`
                    : nothing
                }
                <div class="confirm-actions">
                  <button class="btn" type="button" value="cancel" @click=${() => this.close()}>
                    ${this.cancelLabel()}
                  </button>
                  <button part="confirm-button" class="btn btn-danger" type="submit" value="ok">
                    ${pending.action}
                  </button>
                </div>
              </form>`
            : nothing
        }
      </dialog>
    `;
  }

  private menuElement(): HTMLElement | null {
    return this.host.renderRoot.querySelector<HTMLElement>('.action-menu');
  }

  private dialogElement(): HTMLDialogElement | null {
    return this.host.renderRoot.querySelector<HTMLDialogElement>('dialog.confirm');
  }

  // Below the trigger, its end edge on the trigger's, flipped above or inward where it would
  // leave the viewport.
  private place(menu: HTMLElement, trigger: HTMLElement): void {
    const anchor = trigger.getBoundingClientRect();
    const box = menu.getBoundingClientRect();
    const rtl = getComputedStyle(trigger).direction === 'rtl';
    const gap = 6;
    let top = anchor.bottom + gap;
    if (top + box.height > innerHeight - gap) top = Math.max(gap, anchor.top - gap - box.height);
    let left = rtl ? anchor.left : anchor.right - box.width;
    left = Math.min(Math.max(gap, left), innerWidth - gap - box.width);
    menu.style.insetBlockStart = `${top}px`;
    menu.style.insetInlineStart = 'auto';
    menu.style.left = `${left}px`;
  }

  /** Runs `item` as if chosen from the menu (asking first when it says so); focus returns to `trigger`. */
  async act(item: MenuItem, trigger: HTMLElement): Promise<void> {
    this.trigger = trigger;
    await this.choose(item);
  }

  private async choose(item: MenuItem): Promise<void> {
    const menu = this.menuElement();
    if (menu?.matches(':popover-open')) menu.hidePopover();
    if (!item.confirm) {
      await this.run(item, '');
      return;
    }
    this.pending = item;
    this.host.requestUpdate();
    await this.host.updateComplete;
    const dialog = this.dialogElement();
    if (!dialog) return;
    dialog.showModal();
    dialog.querySelector<HTMLElement>('select, .btn-danger')?.focus();
  }

  private async run(item: MenuItem, choice: string): Promise<void> {
    try {
      await item.run(choice);
    } catch (error) {
      this.onError(error);
    }
  }

  private readonly onConfirm = (event: SubmitEvent): void => {
    event.preventDefault();
    const item = this.pending;
    const form = event.currentTarget as HTMLFormElement;
    const choice = (form.elements.namedItem('choice') as HTMLSelectElement | null)?.value ?? '';
    this.dialogElement()?.close();
    if (item) void this.run(item, choice);
  };

  private readonly onDialogClose = (): void => {
    this.pending = undefined;
    this.host.requestUpdate();
    if (this.trigger?.isConnected) this.trigger.focus();
  };

  private readonly onToggle = (event: ToggleEvent): void => {
    if (event.newState !== 'closed') return;
    this.trigger?.setAttribute('aria-expanded', 'false');
    // Back to the trigger unless the focus went somewhere else on purpose (a click elsewhere).
    const active = (this.host.renderRoot as ShadowRoot).activeElement ?? document.activeElement;
    const menu = this.menuElement();
    const lost = !active || active === document.body || (menu?.contains(active) ?? false);
    if (lost && !this.pending && this.trigger?.isConnected) this.trigger.focus();
  };

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    const menu = this.menuElement();
    if (!menu) return;
    const items = [...menu.querySelectorAll<HTMLElement>('[role^="menuitem"]')];
    const index = items.indexOf(event.target as HTMLElement);
    switch (event.key) {
      case 'Tab':
        menu.hidePopover();
        return;
      case 'Escape':
        // Closes the menu only, not the side panel around it as well.
        event.stopPropagation();
        event.preventDefault();
        menu.hidePopover();
        return;
    }
    const next = listKeyTarget(event.key, index, items.length, true);
    if (next === undefined) return;
    event.preventDefault();
    items[next]?.focus();
  };
}

/** Styles of {@link ActionMenu}: include them in the holding element's styles. */
export const actionMenuStyles = css`
  .action-menu {
    position: fixed;
    inset: auto;
    margin: 0;
    min-inline-size: 14rem;
    max-inline-size: min(20rem, calc(100vw - 12px));
    max-block-size: calc(100vh - 12px);
    overflow: auto;
    padding: var(--mm-space-1);
    border: 1px solid var(--mm-border);
    border-radius: var(--mm-radius-sm);
    background: var(--mm-surface);
    color: var(--mm-text);
    box-shadow: var(--mm-shadow);
    font-family: var(--mm-font);
    font-size: var(--mm-font-size-sm);
    line-height: 1.35;
  }

  .menu-heading {
    padding: var(--mm-space-2) var(--mm-space-3) var(--mm-space-1);
    border-block-start: 1px solid var(--mm-border);
    margin-block-start: var(--mm-space-1);
    color: var(--mm-text-muted);
    font-size: var(--mm-font-size-xs);
    font-weight: 700;
    text-transform: uppercase;
    letter-spacing: 0.04em;
  }

  .menu-separator {
    block-size: 1px;
    margin: var(--mm-space-1) 0;
    background: var(--mm-border);
  }

  .menu-item {
    display: flex;
    align-items: center;
    gap: var(--mm-space-2);
    inline-size: 100%;
    min-block-size: 2.5rem;
    padding: 0.35rem var(--mm-space-3) 0.35rem var(--mm-space-2);
    border: 0;
    border-radius: 6px;
    background: transparent;
    color: inherit;
    font: inherit;
    text-align: start;
    cursor: pointer;
  }

  .menu-item:hover,
  .menu-item:focus-visible {
    background: var(--mm-surface-2);
  }

  .menu-item:focus-visible {
    outline: 2px solid var(--mm-focus);
    outline-offset: -2px;
  }

  .menu-item[data-danger] {
    color: var(--mm-danger);
    font-weight: 600;
  }

  .menu-icon {
    display: inline-grid;
    place-items: center;
    inline-size: 1.4rem;
    flex: none;
    color: var(--mm-accent);
  }

  .menu-item[data-danger] .menu-icon {
    color: inherit;
  }

  .confirm {
    inline-size: min(26rem, calc(100vw - 2rem));
    padding: var(--mm-space-5);
    border: 1px solid var(--mm-border);
    border-radius: var(--mm-radius);
    background: var(--mm-surface);
    color: var(--mm-text);
    box-shadow: var(--mm-shadow);
    font-family: var(--mm-font);
  }

  .confirm::backdrop {
    background: rgb(8 10 18 / 0.55);
  }

  .confirm form {
    display: grid;
    gap: var(--mm-space-4);
  }

  .confirm-title {
    margin: 0;
    font-size: 1.15rem;
    line-height: 1.3;
  }

  .confirm-body {
    margin: 0;
    color: var(--mm-text-muted);
  }

  .confirm-actions {
    display: flex;
    flex-wrap: wrap;
    justify-content: flex-end;
    gap: var(--mm-space-2);
  }
`;
