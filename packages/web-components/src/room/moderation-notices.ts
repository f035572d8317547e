import {
  ModerationEvent,
  type ModerationActor,
  type ModerationCallbacks,
  type ParticipantPermissions,
  type RemovedEvent,
  type Room,
} from '@minimeet/sdk';
import type { ReactiveControllerHost } from 'lit';
import { EventsController } from '../controllers/EventsController.js';
import type {
  HandsChangedDetail,
  LobbyChangedDetail,
  ModeratedDetail,
  RoomErrorCode,
} from '../events/room-events.js';
import type { LocalizeController } from '../i18n/localize.js';
import type { MessageKey } from '../i18n/types.js';
import { actorName, mayPublish, type GrantedSource } from '../internal/moderation.js';
import type { Notifier } from '../toast/notifier.js';

/** The `detail` of each DOM event {@link ModerationNotices} dispatches. */
interface NoticeEvents {
  'minimeet-moderated': ModeratedDetail;
  'minimeet-hands-changed': HandsChangedDetail;
  'minimeet-lobby-changed': LobbyChangedDetail;
}

/** What {@link ModerationNotices} needs of `<minimeet-room>`. */
export interface ModerationNoticesHost {
  /** The room's language. */
  readonly i18n: LocalizeController;
  /** The room's toasts. */
  readonly notifier: Notifier;
  /** Dispatches one of the room's moderation DOM events. */
  emit<K extends keyof NoticeEvents>(name: K, detail: NoticeEvents[K]): void;
  /** The call now. */
  room(): Room | undefined;
  /** Turns the microphone on (the *Unmute* of a host's request). */
  unmute(): Promise<unknown>;
}

/**
 * What `<minimeet-room>` tells its user of moderation: toasts when a host muted them, asks them to
 * unmute, took a right away or gave it back, when someone raises a hand, and (hosts) when someone
 * knocks; the typed DOM events of each; and the end screen's words once removed or once the call
 * was ended for everyone.
 */
export class ModerationNotices {
  private removal: RemovedEvent | undefined;
  private endedBy: ModerationActor | undefined;
  private knownHands = new Set<string>();
  private knownLobby = new Set<string>();
  private readonly knockToasts = new Map<string, number>();
  private grantsBefore: ParticipantPermissions | undefined;
  private readonly events: EventsController<ModerationCallbacks>;

  /** Creates the controller on `element`, which dispatches and shows through `host`. */
  constructor(
    element: ReactiveControllerHost,
    private readonly host: ModerationNoticesHost,
  ) {
    this.events = new EventsController<ModerationCallbacks>(element, {
      [ModerationEvent.MutedByHost]: (sources, by) => {
        host.emit('minimeet-moderated', { action: 'muted', by, sources });
        for (const source of sources) {
          this.warn(this.t(`mod.muted.${source}` as MessageKey, by), 8000);
        }
      },
      [ModerationEvent.UnmuteRequested]: (sources, by) => {
        host.emit('minimeet-moderated', { action: 'unmute_requested', by, sources });
        host.notifier.notify(this.t('mod.unmuteRequest', by), {
          durationMs: 15_000,
          action: {
            label: host.i18n.t('mod.unmute'),
            run: () => void host.unmute().catch(() => undefined),
          },
        });
      },
      [ModerationEvent.GrantsChanged]: (permissions, by) => {
        host.emit('minimeet-moderated', { action: 'grants_changed', by, permissions });
        this.tellGrants(permissions, by);
      },
      [ModerationEvent.Removed]: (event) => {
        this.removal = event;
        const { by, reason, bannedUntil } = event;
        host.emit('minimeet-moderated', { action: 'removed', by, reason, bannedUntil });
      },
      [ModerationEvent.CallEnded]: (by) => {
        this.endedBy = by;
        host.emit('minimeet-moderated', { action: 'call_ended', by });
      },
      [ModerationEvent.HandsChanged]: (hands) => {
        host.emit('minimeet-hands-changed', { hands });
        const room = host.room();
        for (const hand of hands) {
          if (this.knownHands.has(hand.participantId)) continue;
          const who = room?.remoteParticipants.get(hand.participantId);
          if (who) host.notifier.notify(host.i18n.t('hand.raised', { name: who.name }));
        }
        this.knownHands = new Set(hands.map((h) => h.participantId));
      },
      [ModerationEvent.LobbyChanged]: (entries) => {
        host.emit('minimeet-lobby-changed', { entries });
        // A knock's toast goes once the person is let in, turned away or gone.
        const waiting = new Set(entries.map((e) => e.id));
        for (const [entryId, toastId] of this.knockToasts) {
          if (waiting.has(entryId)) continue;
          host.notifier.dismiss(toastId);
          this.knockToasts.delete(entryId);
        }
        for (const entry of entries) {
          if (this.knownLobby.has(entry.id)) continue;
          const toastId = host.notifier.notify(
            host.i18n.t('lobby.knocked', { name: entry.displayName }),
            {
              durationMs: 20_000,
              action: {
                label: host.i18n.t('lobby.admit'),
                run: () =>
                  void host
                    .room()
                    ?.moderation.admit(entry.id)
                    .catch(() => undefined),
              },
            },
          );
          this.knockToasts.set(entry.id, toastId);
        }
        this.knownLobby = waiting;
      },
    });
  }

  /** Follows the moderation of `room` (or none, once the call is over). */
  setRoom(room: Room | undefined): void {
    this.events.setTarget(room?.moderation);
    if (!room) return;
    // What is already so at the join is no news.
    this.knownHands = new Set(room.moderation.raisedHands.map((h) => h.participantId));
    this.knownLobby = new Set(room.moderation.lobby.map((e) => e.id));
    this.grantsBefore = room.localParticipant.permissions;
  }

  /** Forgets a removal or an ended call, before a new join. */
  reset(): void {
    this.removal = undefined;
    this.endedBy = undefined;
  }

  /** The end screen's title and text when a host ended the call for this user; else undefined. */
  endText(code: RoomErrorCode): [title: string, body: string] | undefined {
    const { t } = this.host.i18n;
    if (code === 'removed' && this.removal) {
      return [t('room.removed.title'), this.removalText(this.removal)];
    }
    if (code === 'room_closed' && this.endedBy) {
      return [t('room.ended.title'), this.t('room.ended.body', this.endedBy)];
    }
    return undefined;
  }

  private t(key: MessageKey, by: ModerationActor | null): string {
    return this.host.i18n.t(key, { by: actorName(this.host.i18n, by) });
  }

  private warn(text: string, durationMs = 5000): void {
    this.host.notifier.notify(text, { variant: 'warning', durationMs });
  }

  private removalText(removal: RemovedEvent): string {
    const { i18n } = this.host;
    const sentences = [this.t('room.removed.by', removal.by)];
    if (removal.reason) sentences.push(i18n.t('room.removed.reason', { reason: removal.reason }));
    if (removal.bannedUntil) {
      const until = new Date(removal.bannedUntil);
      const sameDay = until.toDateString() === new Date().toDateString();
      const time = new Intl.DateTimeFormat(i18n.lang, {
        dateStyle: sameDay ? undefined : 'medium',
        timeStyle: 'short',
      }).format(until);
      sentences.push(i18n.t('room.removed.until', { time }));
    } else {
      sentences.push(i18n.t('room.removed.body'));
    }
    return sentences.join(' ');
  }

  /** Says which rights a host took away (or gave back). */
  private tellGrants(permissions: ParticipantPermissions, by: ModerationActor): void {
    const before = this.grantsBefore;
    this.grantsBefore = permissions;
    if (!before) return;
    let gained = false;
    const sources: [GrantedSource, MessageKey][] = [
      ['microphone', 'mod.lost.microphone'],
      ['camera', 'mod.lost.camera'],
      ['screen', 'mod.lost.screen'],
    ];
    for (const [source, lost] of sources) {
      const was = mayPublish(before, source);
      const is = mayPublish(permissions, source);
      if (was && !is) this.warn(this.t(lost, by));
      gained ||= !was && is;
    }
    if (before.canChat && !permissions.canChat) this.warn(this.t('mod.lost.chat', by));
    gained ||= !before.canChat && permissions.canChat;
    if (gained) this.host.notifier.notify(this.t('mod.regained', by));
  }
}
