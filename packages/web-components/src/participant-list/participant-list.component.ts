import { LocalParticipant, ParticipantEvent, RoomState, type Participant } from '@minimeet/sdk';
import { html, nothing, type CSSResultGroup, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { hueOf, initials, insideRoomElement } from '../chat/chat-text.js';
import { EventsController } from '../controllers/EventsController.js';
import { ModerationController } from '../controllers/ModerationController.js';
import { RoomController } from '../controllers/RoomController.js';
import { ActionMenu, actionMenuStyles, type MenuItem } from '../internal/action-menu.js';
import { isHost, mayModerate, participantActions, reportFailure } from '../internal/moderation.js';
import { qualityIndicator, qualityIndicatorStyles } from '../internal/quality-indicator.js';
import { icon } from '../icons/icons.js';
import { MinimeetRoomPart } from '../internal/room-part.js';
import { participantListStyles } from './participant-list.styles.js';
import { listKeyTarget } from '../internal/list-keys.js';

/**
 * Everyone in a call: raised hands first, in the order they went up, then the local participant,
 * then the others in the order they joined, each with their presence, role, microphone and camera
 * state, whether they speak, share their screen or are reconnecting, and the number of people in
 * the header. Arrow keys move between people. For the call's hosts (owners and moderators) it
 * also holds the host controls: the room's (mute everyone, lock, lobby, end the call for
 * everyone, asking first), the lobby's queue with Admit and Deny, and a menu on each person's
 * row (mute, ask to unmute, lower the hand, what they may do, remove). It follows a `Room` of the SDK (`.room`, and `.client` for presence); inside
 * `<minimeet-room>` it finds both by itself.
 *
 * @summary The people in a call, with their state, as a keyboard-navigable list.
 *
 * @slot header-end - Extra controls at the end of the header, such as a close button.
 * @slot empty - What shows when the element has no room (or the call is over).
 *
 * @csspart base - The whole list, a `section` labelled by the title.
 * @csspart header - The header with the title and the count.
 * @csspart title - The title.
 * @csspart count - The number of people.
 * @csspart list - The `ul` of people.
 * @csspart participant - One person's row; also `participant local`, `participant speaking`,
 *   `participant reconnecting` by state.
 * @csspart avatar - The person's picture or initials.
 * @csspart name - The person's name.
 * @csspart details - The line under the name: role, presence, reconnecting.
 * @csspart role - The role badge (host or moderator).
 * @csspart presence - The `<minimeet-presence-badge>` of a signed-in user.
 * @csspart reconnecting - "Reconnecting…" while their connection is lost.
 * @csspart quality - Their connection quality: signal bars labelled with the level
 *   (`data-quality` is `excellent`, `good`, `poor` or `lost`); empty until it is measured.
 * @csspart media - The group of media state icons.
 * @csspart microphone - Microphone on or off.
 * @csspart camera - Camera on or off.
 * @csspart screen-share - Shown while they share their screen.
 * @csspart hand - The raised-hand marker, with the place in line (`data-order`).
 * @csspart host-controls - Hosts only: the room's controls (mute all, lock, lobby, end for all).
 * @csspart host-control - Each of those buttons (`data-action` says which).
 * @csspart lobby - Hosts only: the lobby's queue, shown while someone waits.
 * @csspart lobby-entry - One person waiting.
 * @csspart admit-button - Lets them in.
 * @csspart deny-button - Turns them away.
 * @csspart host-button - Hosts only: the button on a row that opens the host controls for that person.
 * @csspart menu - The host controls' menu.
 * @csspart menu-item - Each of its items (`data-action` says which).
 * @csspart confirm-dialog - The dialog that asks before removing someone or ending the call.
 * @csspart confirm-button - Its button that does it.
 *
 * @cssprop --minimeet-color-surface - Background.
 * @cssprop --minimeet-color-surface-raised - Background of the count.
 * @cssprop --minimeet-color-text - Text colour.
 * @cssprop --minimeet-color-text-muted - Secondary text and the "on" icons.
 * @cssprop --minimeet-color-border - The header's separator.
 * @cssprop --minimeet-color-speaking - The ring around someone speaking.
 * @cssprop --minimeet-color-warning - "Reconnecting…".
 * @cssprop --minimeet-color-danger - The microphone-off icon, Remove and End for all.
 * @cssprop --minimeet-color-hand - The raised-hand marker (amber).
 * @cssprop --minimeet-color-focus - The focus ring.
 * @cssprop --minimeet-participant-list-row-padding - Padding of a row.
 * @cssprop --minimeet-participant-list-avatar-size - Diameter of the avatars.
 */
export class MinimeetParticipantList extends MinimeetRoomPart {
  static override styles: CSSResultGroup = [
    MinimeetRoomPart.styles,
    qualityIndicatorStyles,
    actionMenuStyles,
    participantListStyles,
  ];

  static override properties = {
    hideTitle: { attribute: 'hide-title', type: Boolean },
    focusedId: { state: true },
  };

  /**
   * Shows "3 participants" in place of the title, for a layout that titles the list itself;
   * `<minimeet-room>`'s side panel does, so the list does this there by itself.
   */
  declare hideTitle: boolean;

  // The row that takes the Tab stop (roving tabindex).
  declare private focusedId: string | undefined;

  private readonly call = new RoomController(this);
  private readonly moderation = new ModerationController(this);
  private readonly hostMenu = new ActionMenu(
    this,
    (error) => reportFailure(this.i18n, this.notifier, error),
    () => this.i18n.t('common.cancel'),
  );

  constructor() {
    super();
    this.hideTitle = false;
  }

  private get titleShown(): boolean {
    return !this.hideTitle && !insideRoomElement(this);
  }
  // The room reports remote participants' speaking; the local one's comes from the participant.
  private readonly self = new EventsController(this, {
    [ParticipantEvent.IsSpeakingChanged]: true,
  });

  protected override willUpdate(): void {
    const room = this.currentRoom;
    this.call.setRoom(room);
    this.moderation.setRoom(room);
    this.self.setTarget(room?.localParticipant);
  }

  /**
   * The people listed now: those with a raised hand first, in the order the hands went up, then
   * the local participant, then the others in the order they joined; none without a room or once
   * the call is over.
   */
  get participants(): Participant[] {
    if (this.call.state === RoomState.Disconnected) return [];
    const everyone = this.call.participants;
    const order = (p: Participant) => this.moderation.handOrder(p.id) || Infinity;
    // A stable sort keeps the usual order among those without a hand up.
    return [...everyone].sort((a, b) => (order(a) === order(b) ? 0 : order(a) - order(b)));
  }

  protected override render(): TemplateResult {
    const t = this.i18n.t.bind(this.i18n);
    const participants = this.participants;
    const focused = participants.find((p) => p.id === this.focusedId)?.id ?? participants[0]?.id;
    return html`
      <section part="base" class="base" aria-labelledby="title" dir=${this.i18n.dir}>
        <header part="header" class="header ${this.titleShown ? '' : 'compact'}">
          ${
            this.titleShown
              ? html`<h2 part="title" class="title" id="title">
                  ${t('participants.title')}
                  <span part="count" class="count"
                    ><span class="visually-hidden">(</span>${this.i18n.number(
                      participants.length,
                    )}<span class="visually-hidden">)</span></span
                  >
                </h2>`
              : html`<p part="title" class="title subtitle" id="title">
                  ${t('participants.count', { count: participants.length })}
                </p>`
          }
          <slot name="header-end"></slot>
        </header>
        ${this.renderHostControls()} ${this.renderLobby()}
        ${
          participants.length === 0
            ? html`<slot name="empty"><p class="empty">${t('participants.notInCall')}</p></slot>`
            : html`<ul
                part="list"
                class="list"
                aria-label=${t('participants.label')}
                @keydown=${this.onKeyDown}
                @focusin=${this.onFocusIn}
              >
                ${repeat(
                  participants,
                  (p) => p.id,
                  (p) => this.renderParticipant(p, p.id === focused),
                )}
              </ul>`
        }
      </section>
      ${isHost(this.call.localParticipant) ? this.hostMenu.render() : nothing}
    `;
  }

  private renderHostControls(): TemplateResult | typeof nothing {
    const room = this.call.room;
    if (!room || this.call.state === RoomState.Disconnected || !isHost(room.localParticipant))
      return nothing;
    const t = this.i18n.t.bind(this.i18n);
    const m = room.moderation;
    const { locked, lobby } = this.moderation.settings;
    const done = (text: string) =>
      this.notifier.notify(text, { variant: 'success', durationMs: 3000 });
    const actions: (MenuItem & { pressed?: boolean; hint?: string })[] = [
      {
        id: 'mute-all',
        label: t('host.muteAll'),
        icon: 'micOff',
        run: async () => {
          await m.muteAll(['microphone']);
          done(t('host.done.mutedAll'));
        },
      },
      {
        id: 'lock',
        label: t('host.lock'),
        hint: t('host.lockHint'),
        icon: 'lock',
        pressed: locked,
        run: async () => {
          await m.setLocked(!locked);
          done(t(locked ? 'host.done.unlocked' : 'host.done.locked'));
        },
      },
      {
        id: 'lobby',
        label: t('host.lobby'),
        hint: t('host.lobbyHint'),
        icon: 'user',
        pressed: lobby,
        run: async () => {
          await m.setLobbyEnabled(!lobby);
          done(t(lobby ? 'host.done.lobbyOff' : 'host.done.lobbyOn'));
        },
      },
      {
        id: 'end-call',
        label: t('host.endCall'),
        icon: 'leave',
        danger: true,
        confirm: {
          title: t('host.endTitle'),
          body: t('host.endBody'),
          action: t('host.endConfirm'),
        },
        run: () => m.endCall(),
      },
    ];
    return html`<div
      part="host-controls"
      class="host-controls"
      role="toolbar"
      aria-label=${t('host.room')}
    >
      ${actions.map(
        (action) =>
          html`<button
            part="host-control"
            class="host-control"
            type="button"
            data-action=${action.id}
            ?data-danger=${action.danger}
            aria-pressed=${action.pressed === undefined ? nothing : action.pressed ? 'true' : 'false'}
            title=${action.hint ?? action.label}
            @click=${(e: Event) => void this.hostMenu.act(action, e.currentTarget as HTMLElement)}
          >
            ${action.icon ? icon(action.icon) : nothing}<span>${action.label}</span>
          </button>`,
      )}
    </div>`;
  }

  private renderLobby(): TemplateResult | typeof nothing {
    const room = this.call.room;
    const entries = this.moderation.lobby;
    if (!room || entries.length === 0 || !isHost(room.localParticipant)) return nothing;
    const t = this.i18n.t.bind(this.i18n);
    const decide = (entryId: string, admit: boolean) =>
      (admit ? room.moderation.admit(entryId) : room.moderation.deny(entryId)).catch(
        (error: unknown) => reportFailure(this.i18n, this.notifier, error),
      );
    return html`<section part="lobby" class="lobby" aria-labelledby="lobby-title">
      <h3 class="lobby-title" id="lobby-title">
        ${icon('user')}<span>${t('lobby.title')}</span>
        <span class="count">${this.i18n.number(entries.length)}</span>
      </h3>
      <ul class="lobby-list">
        ${repeat(
          entries,
          (entry) => entry.id,
          (entry) =>
            html`<li part="lobby-entry" class="lobby-entry" data-entry-id=${entry.id}>
              <span class="avatar" aria-hidden="true" style="--_hue: ${hueOf(entry.principalId)}"
                >${initials(entry.displayName)}</span
              >
              <bdi class="name">${entry.displayName}</bdi>
              <button
                part="deny-button"
                class="lobby-btn"
                type="button"
                aria-label=${t('lobby.denyName', { name: entry.displayName })}
                @click=${() => void decide(entry.id, false)}
              >
                ${t('lobby.deny')}
              </button>
              <button
                part="admit-button"
                class="lobby-btn primary"
                type="button"
                aria-label=${t('lobby.admitName', { name: entry.displayName })}
                @click=${() => void decide(entry.id, true)}
              >
                ${t('lobby.admit')}
              </button>
            </li>`,
        )}
      </ul>
    </section>`;
  }

  private openHostMenu(trigger: HTMLElement, participant: Participant): void {
    const room = this.call.room;
    if (!room) return;
    void this.hostMenu.open(
      trigger,
      this.i18n.t('host.menu', { name: participant.name }),
      participantActions(participant, {
        room,
        i18n: this.i18n,
        notifier: this.notifier,
        handOrder: this.moderation.handOrder(participant.id),
      }),
    );
  }

  private renderParticipant(p: Participant, tabStop: boolean): TemplateResult {
    const t = this.i18n.t.bind(this.i18n);
    const local = p instanceof LocalParticipant;
    const reconnecting = p.connection === 'reconnecting';
    const guest = p.principalId.startsWith('guest:');
    const parts = [
      'participant',
      local ? 'local' : '',
      p.isSpeaking ? 'speaking' : '',
      reconnecting ? 'reconnecting' : '',
    ]
      .filter(Boolean)
      .join(' ');
    const role =
      p.role === 'owner'
        ? t('participants.host')
        : p.role === 'moderator'
          ? t('participants.moderator')
          : undefined;
    const mic = p.isMicrophoneEnabled;
    const camera = p.isCameraEnabled;
    const presence = this.currentPresence;
    const hand = this.moderation.handOrder(p.id);
    const hostControls = mayModerate(this.call.room, p);
    return html`
      <li
        part=${parts}
        class="participant"
        data-participant-id=${p.id}
        tabindex=${tabStop ? 0 : -1}
        ?data-speaking=${p.isSpeaking}
        ?data-reconnecting=${reconnecting}
      >
        <span
          part="avatar"
          class="avatar"
          aria-hidden="true"
          style="--_hue: ${hueOf(p.principalId)}"
        >
          ${
            p.avatarUrl
              ? html`<img src=${p.avatarUrl} alt="" referrerpolicy="no-referrer" />`
              : initials(p.name)
          }
        </span>
        <span class="who">
          <bdi part="name" class="name"
            >${local ? t('common.nameYou', { name: p.name }) : p.name}</bdi
          >
          <span part="details" class="details">
            ${
              hand > 0
                ? html`<span
                    part="hand"
                    class="hand"
                    data-order=${hand}
                    role="img"
                    aria-label=${t('hand.up', { order: hand })}
                    title=${t('hand.up', { order: hand })}
                    >${icon('hand')}<span aria-hidden="true">${this.i18n.number(hand)}</span></span
                  >`
                : nothing
            }
            ${role ? html`<span part="role" class="role">${role}</span>` : nothing}
            ${
              reconnecting
                ? html`<span part="reconnecting" class="reconnecting"
                    >${t('participants.reconnecting')}</span
                  >`
                : nothing
            }
            ${
              !guest && !local && presence
                ? html`<minimeet-presence-badge
                    part="presence"
                    exportparts="indicator: presence-indicator, label: presence-label"
                    .presenceManager=${presence}
                    user-id=${p.principalId}
                  ></minimeet-presence-badge>`
                : nothing
            }
            ${
              p.isSpeaking
                ? html`<span class="speaking">${t('participants.speaking')}</span>`
                : nothing
            }
          </span>
        </span>
        ${
          p.connectionQuality === 'unknown'
            ? html`<span part="quality" class="quality" data-quality="unknown"></span>`
            : qualityIndicator(this.i18n, p.connectionQuality, 'quality')
        }
        <span part="media" class="media">
          ${
            p.isScreenShareEnabled
              ? html`<span
                  part="screen-share"
                  class="state-icon on"
                  role="img"
                  aria-label=${t('participants.sharing')}
                  title=${t('participants.sharing')}
                  >${icon('screenShare')}</span
                >`
              : nothing
          }
          <span
            part="microphone"
            class="state-icon ${mic ? 'on' : 'off'}"
            role="img"
            aria-label=${mic ? t('participants.micOn') : t('participants.muted')}
            title=${mic ? t('participants.micOn') : t('participants.muted')}
            >${mic ? icon('mic') : icon('micOff')}</span
          >
          <span
            part="camera"
            class="state-icon ${camera ? 'on' : 'camera-off'}"
            role="img"
            aria-label=${camera ? t('participants.cameraOn') : t('participants.cameraOff')}
            title=${camera ? t('participants.cameraOn') : t('participants.cameraOff')}
            >${camera ? icon('camera') : icon('cameraOff')}</span
          >
        </span>
        ${
          hostControls
            ? html`<button
                part="host-button"
                class="host icon-btn"
                type="button"
                tabindex=${tabStop ? 0 : -1}
                aria-haspopup="menu"
                aria-expanded="false"
                aria-label=${t('host.menu', { name: p.name })}
                title=${t('host.menu', { name: p.name })}
                @click=${(e: Event) => this.openHostMenu(e.currentTarget as HTMLElement, p)}
              >
                ${icon('more')}
              </button>`
            : nothing
        }
      </li>
    `;
  }

  private readonly onFocusIn = (event: FocusEvent): void => {
    const row = (event.target as Element).closest?.('li[data-participant-id]');
    if (row instanceof HTMLElement) this.focusedId = row.dataset.participantId;
  };

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    const rows = [...this.renderRoot.querySelectorAll<HTMLElement>('li[data-participant-id]')];
    const index = rows.indexOf(event.target as HTMLElement);
    if (index === -1) return;
    const next = listKeyTarget(event.key, index, rows.length);
    if (next === undefined) return;
    event.preventDefault();
    this.focusedId = rows[next].dataset.participantId;
    rows[next].focus();
  };
}
