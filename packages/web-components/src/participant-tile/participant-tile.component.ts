import {
  LocalParticipant,
  ParticipantEvent,
  type Participant,
  type Track,
  type TrackSource,
} from '@minimeet/sdk';
import {
  html,
  nothing,
  type CSSResultGroup,
  type PropertyDeclarations,
  type PropertyValues,
} from 'lit';
import { ModerationController } from '../controllers/ModerationController.js';
import { ParticipantController } from '../controllers/ParticipantController.js';
import { icon } from '../icons/icons.js';
import { ActionMenu, actionMenuStyles } from '../internal/action-menu.js';
import { initialsOf } from '../internal/media-actions.js';
import { mayModerate, participantActions, reportFailure } from '../internal/moderation.js';
import {
  qualityIndicator,
  qualityIndicatorStyles,
  qualityLabel,
} from '../internal/quality-indicator.js';
import { MinimeetRoomPart } from '../internal/room-part.js';
import { selfViewGate } from '../internal/self-view.js';
import { participantTileStyles } from './participant-tile.styles.js';

/** What a tile shows: a participant's camera, or the screen they share. */
export type TileSource = Extract<TrackSource, 'camera' | 'screen_share'>;

/**
 * One participant's video in a call: their camera (or their initials when it is off) or the
 * screen they share, with their name, a microphone-off badge, a ring while they speak, a
 * reconnecting badge, and a pin button. Sound is not played here unless `play-audio` is set:
 * `<minimeet-video-grid>` plays everyone's sound, so paging never silences anyone. In a call, one's
 * own camera starts playing once the others' cameras have shown their first frame (at most a
 * second after joining), so that setting up the connections to them has the machine first.
 *
 * @summary A participant's camera or screen, with name and state.
 *
 * @csspart base - The tile's frame.
 * @csspart video - The `<video>` element.
 * @csspart avatar - The initials (or picture) shown when the camera is off.
 * @csspart label - The bar with the name and badges.
 * @csspart name - The participant's name.
 * @csspart muted-badge - The "microphone off" badge.
 * @csspart reconnecting-badge - The "reconnecting" badge.
 * @csspart quality - The connection quality: signal bars labelled with the level, once measured
 *   (`data-quality`: `excellent`, `good`, `poor`, `lost`; `poor` and `lost` in the warning and
 *   danger colours).
 * @csspart pin-button - The button that pins or unpins the tile.
 * @csspart hand - The raised-hand marker, with the place in line (`data-order`).
 * @csspart host-button - Hosts only: the button that opens the host controls for this person.
 * @csspart menu - The host controls' menu.
 * @csspart menu-item - Each of its items (`data-action` says which).
 * @csspart confirm-dialog - The dialog that asks before removing someone.
 * @csspart confirm-button - Its button that does it.
 *
 * @cssprop --minimeet-color-tile - Background of the tile.
 * @cssprop --minimeet-color-on-tile - Text colour on the tile.
 * @cssprop --minimeet-color-speaking - The ring around someone speaking.
 * @cssprop --minimeet-tile-radius - Corner radius of the tile.
 * @cssprop --minimeet-tile-aspect-ratio - Aspect ratio of the tile (16 / 9).
 *
 * @attr speaking - Present while the participant speaks; read-only.
 * @attr local - Present on the local participant's tile; read-only.
 */
export class MinimeetParticipantTile extends MinimeetRoomPart {
  static override styles: CSSResultGroup = [
    MinimeetRoomPart.styles,
    qualityIndicatorStyles,
    actionMenuStyles,
    participantTileStyles,
  ];

  static override properties: PropertyDeclarations = {
    participant: { attribute: false },
    source: { reflect: true },
    pinned: { type: Boolean, reflect: true },
    speaking: { type: Boolean, reflect: true },
    local: { type: Boolean, reflect: true },
    mirror: { type: Boolean },
    playAudio: { type: Boolean, attribute: 'play-audio' },
    hidePin: { type: Boolean, attribute: 'hide-pin' },
    active: { type: Boolean },
  };

  /** The participant shown. */
  declare participant: Participant | undefined;
  /** `camera` (the default) or `screen_share`. */
  declare source: TileSource;
  /** Whether the tile is pinned; the room keeps this from its context. */
  declare pinned: boolean;
  /** Whether the participant speaks now; reflected, read-only. */
  declare speaking: boolean;
  /** Whether this is the local participant; reflected, read-only. */
  declare local: boolean;
  /** Mirror the local camera, as people expect to see themselves (default true). */
  declare mirror: boolean;
  /** Also play the participant's sound in this tile (off: the grid plays it). */
  declare playAudio: boolean;
  /** Hide the pin button. */
  declare hidePin: boolean;
  /** Whether the tile is the one the grid's keyboard focus rests on (roving tabindex). */
  declare active: boolean;

  private readonly participantState = new ParticipantController(this, {
    [ParticipantEvent.IsSpeakingChanged]: (speaking) => {
      this.speaking = speaking;
    },
  });

  private readonly moderation = new ModerationController(this);
  private readonly hostMenu = new ActionMenu(
    this,
    (error) => reportFailure(this.i18n, this.notifier, error),
    () => this.i18n.t('common.cancel'),
  );

  private attachedVideo: Track | undefined;
  private attachedAudio: Track | undefined;
  private stopWaiting: (() => void) | undefined;

  constructor() {
    super();
    this.source = 'camera';
    this.pinned = false;
    this.speaking = false;
    this.local = false;
    this.mirror = true;
    this.playAudio = false;
    this.hidePin = false;
    this.active = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Alone it is a labelled group; `<minimeet-video-grid>` makes it a list item.
    if (!this.hasAttribute('role')) this.setAttribute('role', 'group');
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopWaiting?.();
    this.stopWaiting = undefined;
    this.detachAll();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('participant')) {
      this.participantState.setParticipant(this.participant);
      this.local = this.participant instanceof LocalParticipant;
    }
    this.moderation.setRoom(this.currentRoom);
    this.speaking = this.source === 'camera' && (this.participant?.isSpeaking ?? false);
    this.setAttribute('aria-label', this.describe());
    this.tabIndex = this.active ? 0 : -1;
  }

  protected override updated(): void {
    this.syncMedia();
  }

  protected override render() {
    const participant = this.participant;
    if (!participant) return nothing;
    const { t } = this.i18n;
    const video = this.videoTrack();
    const showVideo = video !== undefined && !this.videoMuted();
    const micOff = this.source === 'camera' && this.micOff();
    const reconnecting = participant.connection === 'reconnecting';
    const name = this.local ? t('common.nameYou', { name: participant.name }) : participant.name;
    const label = this.source === 'screen_share' ? t('tile.screenLabel', { name }) : name;
    const mirrored = this.local && this.mirror && this.source === 'camera';
    const hand = this.source === 'camera' ? this.moderation.handOrder(participant.id) : 0;
    const room = this.currentRoom;
    const hostControls = this.source === 'camera' && mayModerate(room, participant);
    return html`
      <div
        part="base"
        class="base"
        dir=${this.i18n.dir}
        data-video=${showVideo ? 'on' : 'off'}
        data-source=${this.source}
      >
        <video
          part="video"
          class=${mirrored ? 'video mirrored' : 'video'}
          ?hidden=${!showVideo}
          autoplay
          playsinline
          muted
          aria-hidden="true"
        ></video>
        ${this.playAudio && !this.local ? html`<audio class="audio" autoplay></audio>` : nothing}
        ${
          showVideo
            ? nothing
            : html`<div part="avatar" class="avatar" aria-hidden="true">
                ${
                  participant.avatarUrl
                    ? html`<img src=${participant.avatarUrl} alt="" />`
                    : initialsOf(participant.name)
                }
              </div>`
        }
        ${
          hand > 0
            ? html`<span
                part="hand"
                class="hand"
                data-order=${hand}
                title=${t('hand.up', { order: hand })}
                >${icon('hand')}<span aria-hidden="true">${this.i18n.number(hand)}</span></span
              >`
            : nothing
        }
        <div part="label" class="label">
          ${
            micOff
              ? html`<span part="muted-badge" class="badge muted" title=${t('tile.muted')}
                  >${icon('micOff')}<span class="visually-hidden">${t('tile.muted')}</span></span
                >`
              : nothing
          }
          ${this.source === 'screen_share' ? html`<span class="badge">${icon('screenShare')}</span>` : nothing}
          <span part="name" class="name">${label}</span>
          ${
            this.source === 'camera' && participant.connectionQuality !== 'unknown'
              ? qualityIndicator(this.i18n, participant.connectionQuality, 'quality')
              : nothing
          }
          ${
            reconnecting
              ? html`<span part="reconnecting-badge" class="badge reconnecting"
                  >${t('tile.reconnecting')}</span
                >`
              : nothing
          }
        </div>
        ${
          this.hidePin
            ? nothing
            : html`<button
                part="pin-button"
                class="pin icon-btn"
                type="button"
                tabindex=${this.active ? 0 : -1}
                aria-pressed=${this.pinned ? 'true' : 'false'}
                aria-label=${this.pinned ? t('tile.unpin', { name: label }) : t('tile.pin', { name: label })}
                title=${this.pinned ? t('tile.unpin', { name: label }) : t('tile.pin', { name: label })}
                @click=${() => this.togglePin()}
              >
                ${icon('pin')}
              </button>`
        }
        ${
          hostControls
            ? html`<button
                part="host-button"
                class="host icon-btn"
                type="button"
                tabindex=${this.active ? 0 : -1}
                aria-haspopup="menu"
                aria-expanded="false"
                aria-label=${t('host.menu', { name: participant.name })}
                title=${t('host.menu', { name: participant.name })}
                @click=${(e: Event) => this.openHostMenu(e.currentTarget as HTMLElement)}
              >
                ${icon('more')}
              </button>`
            : nothing
        }
      </div>
      ${hostControls ? this.hostMenu.render() : nothing}
    `;
  }

  private openHostMenu(trigger: HTMLElement): void {
    const participant = this.participant;
    const room = this.currentRoom;
    if (!participant || !room) return;
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

  /** Pins or unpins this tile through the room (and says so). */
  togglePin(): void {
    const participant = this.participant;
    if (!participant) return;
    const next = !this.pinned;
    this.context?.commands.togglePin(this.pinId(), next);
    const name = participant.name;
    this.notifier.announce(
      next ? this.i18n.t('toast.pinned', { name }) : this.i18n.t('toast.unpinned', { name }),
    );
  }

  /** The id this tile is pinned under: the participant id, with `:screen` for a screen. */
  pinId(): string {
    const id = this.participant?.id ?? '';
    return this.source === 'screen_share' ? `${id}:screen` : id;
  }

  private describe(): string {
    const participant = this.participant;
    if (!participant) return '';
    const { t } = this.i18n;
    const name = this.local ? t('common.nameYou', { name: participant.name }) : participant.name;
    if (this.source === 'screen_share') return t('tile.screenLabel', { name });
    const facts = [name];
    if (this.micOff()) facts.push(t('tile.muted'));
    if (this.videoMuted() || !this.videoTrack()) facts.push(t('tile.cameraOff'));
    if (this.speaking) facts.push(t('tile.speaking'));
    const hand = this.moderation.handOrder(participant.id);
    if (hand > 0) facts.push(t('hand.up', { order: hand }));
    if (participant.connection === 'reconnecting') facts.push(t('tile.reconnecting'));
    // Only trouble is worth hearing on every visit to a tile; the bars name every level.
    const quality = participant.connectionQuality;
    if (quality === 'poor' || quality === 'lost') facts.push(qualityLabel(this.i18n, quality));
    if (this.pinned) facts.push(t('tile.pinned'));
    return facts.join(', ');
  }

  private micOff(): boolean {
    const publication = this.participant?.getTrackPublication('microphone');
    return publication === undefined || publication.isMuted;
  }

  private videoMuted(): boolean {
    const publication = this.participant?.getTrackPublication(this.source);
    return publication === undefined || publication.isMuted;
  }

  private videoTrack(): Track | undefined {
    const track = this.participant?.getTrackPublication(this.source)?.track;
    return track?.mediaStreamTrack ? track : undefined;
  }

  private audioTrack(): Track | undefined {
    const source = this.source === 'camera' ? 'microphone' : 'screen_share_audio';
    return this.participant?.getTrackPublication(source)?.track;
  }

  private syncMedia(): void {
    const videoElement = this.renderRoot.querySelector<HTMLVideoElement>('video');
    const video = this.selfViewHeld() ? undefined : this.videoTrack();
    if (videoElement && video !== this.attachedVideo) {
      if (this.attachedVideo) this.attachedVideo.detach(videoElement);
      this.attachedVideo = video;
      video?.attach(videoElement);
      if (video && !this.local && this.source === 'camera') this.reportFirstFrame(videoElement);
    } else if (videoElement && video && videoElement.srcObject === null) {
      // The track's media was swapped (camera back on): attach again.
      video.attach(videoElement);
    }
    const audioElement = this.renderRoot.querySelector<HTMLAudioElement>('audio');
    const audio = audioElement ? this.audioTrack() : undefined;
    if (audio !== this.attachedAudio) {
      if (this.attachedAudio) this.attachedAudio.detach();
      this.attachedAudio = audio;
      if (audioElement) audio?.attach(audioElement);
    }
  }

  /**
   * Whether this is the self-view and still waits for the others' video to show (see
   * {@link selfViewGate}); it then re-renders when the wait is over.
   */
  private selfViewHeld(): boolean {
    const room = this.currentRoom;
    if (!this.local || this.source !== 'camera' || !room) return false;
    const gate = selfViewGate(room);
    if (gate.isOpen) return false;
    this.stopWaiting ??= gate.whenOpen(() => {
      this.stopWaiting = undefined;
      this.requestUpdate();
    });
    return true;
  }

  /** Tells the call's self-view gate once this remote camera has shown its first frame. */
  private reportFirstFrame(videoElement: HTMLVideoElement): void {
    const room = this.currentRoom;
    const id = this.participant?.id;
    if (!room || !id) return;
    const gate = selfViewGate(room);
    if (gate.isOpen) return;
    const shown = () => gate.shown(id);
    if (typeof videoElement.requestVideoFrameCallback === 'function') {
      videoElement.requestVideoFrameCallback(shown);
    } else {
      videoElement.addEventListener('loadeddata', shown, { once: true });
    }
  }

  private detachAll(): void {
    this.attachedVideo?.detach(this.renderRoot.querySelector('video') ?? undefined);
    this.attachedAudio?.detach(this.renderRoot.querySelector('audio') ?? undefined);
    this.attachedVideo = this.attachedAudio = undefined;
  }
}
