import { ContextProvider, createContext } from '@lit/context';
import type { ChatChannel, MinimeetClient, PresenceManager, Room } from '@minimeet/sdk';
import type { Messages } from '../i18n/types.js';
import { Notifier } from '../toast/notifier.js';

/** A side panel of the call: the chat, the participant list or the device settings. */
export type PanelName = 'chat' | 'participants' | 'settings';

/** How the call's video is laid out: an even grid, or one large speaker with a strip. */
export type RoomLayout = 'grid' | 'speaker';

/** Which optional pieces of the call UI are offered. */
export interface RoomFeatures {
  /** The chat panel and its button. */
  readonly chat: boolean;
  /** The participant list and its button. */
  readonly participants: boolean;
  /** Screen sharing and its button. */
  readonly screenShare: boolean;
  /** The leave button. */
  readonly leave: boolean;
  /** The device settings and their button. */
  readonly settings: boolean;
}

/** What a part may ask of the room UI that hosts it; `<minimeet-room>` implements it. */
export interface RoomCommands {
  /** Opens `panel` (or closes it when it is open, or when `open` is false). */
  togglePanel(panel: PanelName, open?: boolean): void;
  /** Pins or unpins a participant's tile (several may be pinned). */
  togglePin(participantId: string, pinned?: boolean): void;
  /** Switches between the grid and the speaker layout. */
  setLayout(layout: RoomLayout): void;
  /** Leaves the call. */
  leave(): Promise<void>;
}

/**
 * What every part of a call receives from `<minimeet-room>` (or from {@link provideRoomContext})
 * through {@link roomContext}: the SDK objects and the shared UI state. It is immutable: each
 * change provides a new object, so a consumer with `subscribe: true` re-renders.
 */
export interface MinimeetRoomContext {
  /** The client, connected or not; parts never connect or disconnect it. */
  readonly client: MinimeetClient | undefined;
  /** The room id the call is about. */
  readonly roomId: string | undefined;
  /** The joined call; undefined before the join and after leaving. */
  readonly room: Room | undefined;
  /** The room's conversation (`room.chat` in a call, else `client.chat(roomId)` when open). */
  readonly chat: ChatChannel | undefined;
  /** The client's presence manager. */
  readonly presence: PresenceManager | undefined;
  /** Where parts send toasts and screen-reader announcements. */
  readonly notifier: Notifier;
  /** The side panel open now, or null. */
  readonly panel: PanelName | null;
  /** Participant ids pinned by the user, in the order they were pinned. */
  readonly pinned: readonly string[];
  /** The video layout. */
  readonly layout: RoomLayout;
  /** Which optional pieces are offered. */
  readonly features: RoomFeatures;
  /** The speaker chosen for the call's sound, or undefined for the system default. */
  readonly audioOutputDeviceId: string | undefined;
  /** Actions on the hosting UI. */
  readonly commands: RoomCommands;
}

/** What {@link localeContext} carries: the language of the call UI and its string overrides. */
export interface LocaleContextValue {
  /** BCP 47 language tag, such as `en` or `ar`. */
  readonly lang: string;
  /** Messages that replace the catalogue's for this UI only. */
  readonly messages: Messages | undefined;
}

// Symbol.for: two copies of the library on one page (the bundle and the npm package) still meet.
/** The context through which parts receive the call: see {@link MinimeetRoomContext}. */
export const roomContext = createContext<MinimeetRoomContext | undefined>(
  Symbol.for('minimeet.room-context'),
);

/** The context through which parts receive the language and string overrides. */
export const localeContext = createContext<LocaleContextValue | undefined>(
  Symbol.for('minimeet.locale-context'),
);

/** Every optional piece offered. */
export const ALL_FEATURES: RoomFeatures = {
  chat: true,
  participants: true,
  screenShare: true,
  leave: true,
  settings: true,
};

/**
 * A complete {@link MinimeetRoomContext} from the given parts; what is left out gets a working
 * default (a new notifier, every feature on, commands that keep pins, panel and layout nowhere but
 * `leave()`, which leaves the room).
 */
export function createRoomContext(parts: Partial<MinimeetRoomContext> = {}): MinimeetRoomContext {
  const room = parts.room;
  return {
    client: parts.client,
    roomId: parts.roomId ?? room?.id,
    room,
    chat: parts.chat ?? room?.chat,
    presence: parts.presence ?? parts.client?.presence,
    notifier: parts.notifier ?? new Notifier(),
    panel: parts.panel ?? null,
    pinned: parts.pinned ?? [],
    layout: parts.layout ?? 'grid',
    features: parts.features ?? ALL_FEATURES,
    audioOutputDeviceId: parts.audioOutputDeviceId,
    commands: parts.commands ?? {
      togglePanel: () => undefined,
      togglePin: () => undefined,
      setLayout: () => undefined,
      leave: async () => {
        await room?.leave();
      },
    },
  };
}

/**
 * Makes `element` (any element: a `<div>` of your own layout will do) provide a call to the
 * minimeet parts inside it, for apps that compose their own UI without `<minimeet-room>`. Call
 * `setValue()` on the returned provider with a new {@link createRoomContext} when the call changes.
 *
 * @example
 * ```ts
 * const provider = provideRoomContext(document.querySelector('#call')!, { client, room });
 * // later: provider.setValue(createRoomContext({ client, room: undefined }));
 * ```
 */
export function provideRoomContext(
  element: HTMLElement,
  parts: Partial<MinimeetRoomContext> = {},
): ContextProvider<typeof roomContext> {
  return new ContextProvider(element, {
    context: roomContext,
    initialValue: createRoomContext(parts),
  });
}
