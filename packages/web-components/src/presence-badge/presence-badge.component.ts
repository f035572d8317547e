import {
  PresenceEvent,
  type PresenceEventCallbacks,
  type PresenceManager,
  type PresenceState,
  type UserPresence,
} from '@minimeet/sdk';
import { html, nothing, type CSSResultGroup, type PropertyValues, type TemplateResult } from 'lit';
import { EventsController } from '../controllers/EventsController.js';
import { MinimeetRoomPart } from '../internal/room-part.js';
import { presenceBadgeStyles } from './presence-badge.styles.js';
import { relativeTime } from './relative-time.js';

// How often "last seen 5 minutes ago" is brought up to date.
const REFRESH_MS = 60_000;

/**
 * A user's presence as a small badge: a coloured dot and a word (online, away, busy, in a call,
 * offline with when they were last seen), with the status text they set. It follows the user
 * through the SDK's `PresenceManager` (`client.presence`): when the manager does not know the
 * user yet, the badge asks to follow them. Give it `value` instead to show a presence you hold.
 *
 * @summary One user's presence, as an accessible badge.
 *
 * @event {MinimeetPresenceChangedEvent} minimeet-presence-changed - The presence shown changed;
 *   `detail.presence` is the `UserPresence`.
 *
 * @csspart base - The badge; with `compact`, it carries `role="img"` and the label.
 * @csspart indicator - The coloured dot.
 * @csspart label - The state in words.
 * @csspart status - The status text the user set.
 * @csspart last-seen - When an offline user was last seen.
 *
 * @cssprop --minimeet-presence-online - Dot colour when online.
 * @cssprop --minimeet-presence-in-call - Dot colour when in a call.
 * @cssprop --minimeet-presence-away - Dot colour when away.
 * @cssprop --minimeet-presence-busy - Dot colour when busy.
 * @cssprop --minimeet-presence-offline - Dot colour when offline.
 * @cssprop --minimeet-presence-badge-size - Diameter of the dot.
 * @cssprop --minimeet-presence-badge-gap - Space between the dot and the words.
 *
 * @attr state - Reflects the state shown (`online`, `away`, `busy`, `in_call`, `offline`, or
 *   `unknown` while nothing is known, when the badge hides itself); read-only.
 */
export class MinimeetPresenceBadge extends MinimeetRoomPart {
  static override styles: CSSResultGroup = [MinimeetRoomPart.styles, presenceBadgeStyles];

  static override properties = {
    userId: { attribute: 'user-id' },
    presenceManager: { attribute: false },
    value: { attribute: false },
    compact: { type: Boolean, reflect: true },
    noFollow: { attribute: 'no-follow', type: Boolean },
    state: { reflect: true },
  };

  /** The user whose presence to show (a user id; guests have no presence). */
  declare userId: string | undefined;

  /**
   * The presence manager to follow the user through; defaults to `client.presence` (set `client`),
   * or the one of the nearest `<minimeet-room>`.
   */
  declare presenceManager: PresenceManager | undefined;

  /** A presence to show as it is, instead of following one; wins over the manager. */
  declare value: UserPresence | undefined;

  /** Only the dot, with the words as its accessible label and tooltip. */
  declare compact: boolean;

  /** Never asks the manager to follow the user; shows only what the app already follows. */
  declare noFollow: boolean;

  /** The state shown, reflected as the `state` attribute; read-only. */
  declare state: PresenceState | 'unknown';

  private readonly presenceEvents = new EventsController<PresenceEventCallbacks>(this, {
    [PresenceEvent.PresenceChanged]: (presence) => {
      if (presence.userId === this.userId && !this.value) {
        this.emit('minimeet-presence-changed', { presence });
      }
    },
  });
  // Users this element asked a manager to follow, so it asks once.
  private static readonly asked = new WeakMap<PresenceManager, Set<string>>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.compact = false;
    this.noFollow = false;
    this.state = 'unknown';
  }

  /** The presence shown: `value`, else the manager's latest for `userId`. */
  get presence(): UserPresence | undefined {
    const { userId } = this;
    return this.value ?? (userId ? this.manager?.get(userId) : undefined);
  }

  private get manager(): PresenceManager | undefined {
    return this.presenceManager ?? this.currentPresence;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopTimer();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.presenceEvents.setTarget(this.manager);
    this.follow();
    if (changed.has('value') && this.value) {
      this.emit('minimeet-presence-changed', { presence: this.value });
    }
    const presence = this.presence;
    this.state = presence?.state ?? 'unknown';
    if (presence?.state === 'offline' && presence.lastSeenAt) this.startTimer();
    else this.stopTimer();
  }

  /** The presence in words, as the badge's label reads it. */
  get label(): string {
    const presence = this.presence;
    if (!presence) return this.i18n.t('presence.unknown');
    const parts = [this.i18n.t(`presence.${presence.state}`)];
    const lastSeen = this.lastSeen(presence);
    if (lastSeen) parts.push(lastSeen);
    const words = parts.join(', ');
    return presence.statusText
      ? this.i18n.t('presence.withStatus', { state: words, status: presence.statusText })
      : words;
  }

  protected override render(): TemplateResult | typeof nothing {
    const presence = this.presence;
    if (!presence) return nothing;
    const label = this.label;
    if (this.compact) {
      return html`<span part="base" class="base" role="img" aria-label=${label} title=${label}>
        <span part="indicator" class="indicator"></span>
      </span>`;
    }
    const lastSeen = this.lastSeen(presence);
    return html`<span part="base" class="base" title=${label}>
      <span part="indicator" class="indicator" aria-hidden="true"></span>
      <span part="label" class="state-label">${this.i18n.t(`presence.${presence.state}`)}</span>
      ${
        lastSeen
          ? html`<span part="last-seen" class="detail"
              ><span class="separator" aria-hidden="true">·</span>
              <span class="visually-hidden">, </span>${lastSeen}</span
            >`
          : nothing
      }
      ${
        presence.statusText
          ? html`<span part="status" class="detail status"
              ><span class="separator" aria-hidden="true">·</span>
              <span class="visually-hidden">: </span>${presence.statusText}</span
            >`
          : nothing
      }
    </span>`;
  }

  // Asks the manager to follow a user it does not know yet; it never unfollows, since the app may
  // follow the same user for its own reasons. Guests have no presence and a disconnected client
  // cannot follow anyone: the badge then shows nothing.
  private follow(): void {
    const { manager, userId } = this;
    if (this.noFollow || this.value || !manager || !userId || manager.get(userId)) return;
    let asked = MinimeetPresenceBadge.asked.get(manager);
    if (!asked) MinimeetPresenceBadge.asked.set(manager, (asked = new Set()));
    if (asked.has(userId)) return;
    asked.add(userId);
    const forget = () => asked.delete(userId);
    try {
      void manager.subscribe([userId]).then(() => this.requestUpdate(), forget);
    } catch {
      forget();
    }
  }

  private lastSeen(presence: UserPresence): string | undefined {
    if (presence.state !== 'offline' || !presence.lastSeenAt) return undefined;
    const time = relativeTime(new Date(presence.lastSeenAt), new Date(), this.i18n.lang);
    return this.i18n.t('presence.lastSeen', { time });
  }

  private startTimer(): void {
    this.timer ??= setInterval(() => this.requestUpdate(), REFRESH_MS);
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
