import { LocalParticipant, ParticipantEvent, RoomState, type Participant } from '@minimeet/sdk';
import { html, nothing, type CSSResultGroup, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { hueOf, initials, insideRoomElement } from '../chat/chat-text.js';
import { EventsController } from '../controllers/EventsController.js';
import { RoomController } from '../controllers/RoomController.js';
import { qualityIndicator, qualityIndicatorStyles } from '../internal/quality-indicator.js';
import { icon } from '../icons/icons.js';
import { MinimeetRoomPart } from '../internal/room-part.js';
import { participantListStyles } from './participant-list.styles.js';

/**
 * Everyone in a call: the local participant first, then the others in the order they joined,
 * each with their presence, role, microphone and camera state, whether they speak, share their
 * screen or are reconnecting, and the number of people in the header. Arrow keys move between
 * people. It follows a `Room` of the SDK (`.room`, and `.client` for presence); inside
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
 *
 * @cssprop --minimeet-color-surface - Background.
 * @cssprop --minimeet-color-surface-raised - Background of the count.
 * @cssprop --minimeet-color-text - Text colour.
 * @cssprop --minimeet-color-text-muted - Secondary text and the "on" icons.
 * @cssprop --minimeet-color-border - The header's separator.
 * @cssprop --minimeet-color-speaking - The ring around someone speaking.
 * @cssprop --minimeet-color-warning - "Reconnecting…".
 * @cssprop --minimeet-color-danger - The microphone-off icon.
 * @cssprop --minimeet-color-focus - The focus ring.
 * @cssprop --minimeet-participant-list-row-padding - Padding of a row.
 * @cssprop --minimeet-participant-list-avatar-size - Diameter of the avatars.
 */
export class MinimeetParticipantList extends MinimeetRoomPart {
  static override styles: CSSResultGroup = [
    MinimeetRoomPart.styles,
    qualityIndicatorStyles,
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
    this.self.setTarget(room?.localParticipant);
  }

  /**
   * The people listed now: the local participant first, then the others in the order they
   * joined; none without a room or once the call is over.
   */
  get participants(): Participant[] {
    if (this.call.state === RoomState.Disconnected) return [];
    return this.call.participants;
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
    `;
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
    let next: number;
    switch (event.key) {
      case 'ArrowDown':
        next = Math.min(index + 1, rows.length - 1);
        break;
      case 'ArrowUp':
        next = Math.max(index - 1, 0);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = rows.length - 1;
        break;
      default:
        return;
    }
    event.preventDefault();
    this.focusedId = rows[next].dataset.participantId;
    rows[next].focus();
  };
}
