import type { ChatChannel, MinimeetClient, PresenceManager, Room } from '@minimeet/sdk';
import type { CSSResultGroup, PropertyDeclarations } from 'lit';
import type { MinimeetRoomContext } from '../context/room-context.js';
import { RoomContextController } from '../controllers/RoomContextController.js';
import { LocalizeController } from '../i18n/localize.js';
import { sharedStyles } from '../styles/shared.js';
import { themeStyles } from '../styles/theme.js';
import { Notifier } from '../toast/notifier.js';
import { MinimeetElement } from './minimeet-element.js';

/**
 * The base class of the call's parts (`<minimeet-video-grid>`, `<minimeet-chat>`, …): the
 * shared theme and styles, a {@link LocalizeController} as `i18n`, and the call received through
 * {@link roomContext} as `roomContext.value`. A part also works outside `<minimeet-room>`: the
 * `room` and `client` properties, when set, win over the context.
 */
export class MinimeetRoomPart extends MinimeetElement {
  /** Theme tokens and shared building blocks; subclasses append their own. */
  static override styles: CSSResultGroup = [themeStyles, sharedStyles];

  static override properties: PropertyDeclarations = {
    room: { attribute: false },
    client: { attribute: false },
  };

  /** The call to show; when unset, the one of the nearest `<minimeet-room>`. */
  declare room: Room | undefined;

  /** The client; when unset, the one of the nearest `<minimeet-room>`. */
  declare client: MinimeetClient | undefined;

  /** The language and messages of this element. */
  protected readonly i18n = new LocalizeController(this);

  /** The call as the nearest `<minimeet-room>` provides it. */
  protected readonly roomContext = new RoomContextController(this);

  // Used when the part stands alone: its notifications go nowhere visible but are still kept.
  private ownNotifier: Notifier | undefined;

  /** The context, when inside a provider. */
  protected get context(): MinimeetRoomContext | undefined {
    return this.roomContext.value;
  }

  /** The room in effect: the property, else the context's. */
  protected get currentRoom(): Room | undefined {
    return this.room ?? this.context?.room;
  }

  /** The client in effect: the property, else the context's. */
  protected get currentClient(): MinimeetClient | undefined {
    return this.client ?? this.context?.client;
  }

  /** The conversation in effect: the room's, else the context's. */
  protected get currentChat(): ChatChannel | undefined {
    return this.room?.chat ?? this.context?.chat;
  }

  /** The presence manager in effect: the client's, else the context's. */
  protected get currentPresence(): PresenceManager | undefined {
    return this.client?.presence ?? this.context?.presence;
  }

  /** Where to send toasts and announcements: the room's notifier, else one of the part's own. */
  protected get notifier(): Notifier {
    const shared = this.context?.notifier;
    if (shared) return shared;
    this.ownNotifier ??= new Notifier();
    return this.ownNotifier;
  }
}
