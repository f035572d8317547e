import { RoomEvent, type Participant, type Track } from '@minimeet/sdk';
import {
  html,
  nothing,
  type CSSResultGroup,
  type PropertyDeclarations,
  type PropertyValues,
  type TemplateResult,
} from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { RoomLayout } from '../context/room-context.js';
import { RoomController } from '../controllers/RoomController.js';
import { icon } from '../icons/icons.js';
import { MinimeetRoomPart } from '../internal/room-part.js';
import type {
  MinimeetParticipantTile,
  TileSource,
} from '../participant-tile/participant-tile.component.js';
import { fitGrid, pageWithKept, type GridFit } from './layout.js';
import { videoGridStyles } from './video-grid.styles.js';

/** One tile of the grid: a participant's camera or screen. */
interface TileItem {
  readonly key: string;
  readonly participant: Participant;
  readonly source: TileSource;
}

const GAP = 8;

/**
 * The call's video: every participant's camera and every shared screen, sized to the space. In
 * the grid layout the tiles fill the area evenly and page beyond `max-tiles`; a shared screen, a
 * pinned tile or the speaker layout puts those tiles on a large stage with the others in a strip.
 * The active speaker is highlighted and kept on the visible page. Everyone's sound plays here,
 * whatever page is shown. Arrow keys, Home and End move between tiles; Enter or P pins.
 *
 * Uses `<minimeet-participant-tile>`; register it too.
 *
 * @summary The call's video, laid out and paged.
 *
 * @csspart base - The whole area.
 * @csspart stage - The large area of focused tiles (screen share, pins, speaker).
 * @csspart strip - The row or column of other tiles beside the stage.
 * @csspart tiles - The list of tiles in the grid layout.
 * @csspart tile - Each `<minimeet-participant-tile>`.
 * @csspart pager - The page buttons and position.
 * @csspart waiting - The note shown while nobody else is there.
 *
 * @cssprop --minimeet-color-stage - Background of the video area.
 * @cssprop --minimeet-grid-gap - Space between tiles.
 *
 * @event {MinimeetActiveSpeakerChangedEvent} minimeet-active-speaker-changed - The participants
 *   speaking changed.
 */
export class MinimeetVideoGrid extends MinimeetRoomPart {
  static override styles: CSSResultGroup = [MinimeetRoomPart.styles, videoGridStyles];

  static override properties: PropertyDeclarations = {
    layout: { reflect: true },
    maxTiles: { type: Number, attribute: 'max-tiles' },
    page: { type: Number },
    size: { state: true },
    focusKey: { state: true },
  };

  /** `grid` or `speaker`; when unset, the room's layout. */
  declare layout: RoomLayout | undefined;
  /** Most tiles on one page of the grid (default 9). */
  declare maxTiles: number;
  /** The page shown, from 0. */
  declare page: number;
  declare private size: { width: number; height: number };
  declare private focusKey: string | undefined;

  private readonly call = new RoomController(this, {
    [RoomEvent.ActiveSpeakersChanged]: (speakers) => {
      const first = speakers.find((p) => p !== this.call.localParticipant);
      if (first) this.lastSpeaker = first;
      this.emit('minimeet-active-speaker-changed', { speakers });
    },
    [RoomEvent.ParticipantLeft]: (participant) => {
      if (this.lastSpeaker === participant) this.lastSpeaker = undefined;
    },
  });

  private lastSpeaker: Participant | undefined;
  private resizeObserver: ResizeObserver | undefined;
  private readonly audioTracks = new Map<HTMLAudioElement, Track>();

  constructor() {
    super();
    this.maxTiles = 9;
    this.page = 0;
    this.size = { width: 0, height: 0 };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.resizeObserver = new ResizeObserver(([entry]) => {
      if (!entry) return;
      const { width, height } = entry.contentRect;
      if (Math.abs(width - this.size.width) > 1 || Math.abs(height - this.size.height) > 1) {
        this.size = { width, height };
      }
    });
    this.resizeObserver.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver?.disconnect();
    for (const [element, track] of this.audioTracks) track.detach(element);
    this.audioTracks.clear();
  }

  protected override willUpdate(_changed: PropertyValues<this>): void {
    this.call.setRoom(this.currentRoom);
  }

  protected override updated(): void {
    this.syncAudio();
  }

  /** The tiles in order: cameras of everyone (the local participant first), then screens. */
  private items(): TileItem[] {
    const cameras: TileItem[] = this.call.participants.map((participant) => ({
      key: participant.id,
      participant,
      source: 'camera',
    }));
    const screens: TileItem[] = this.call.screenSharers.map((participant) => ({
      key: `${participant.id}:screen`,
      participant,
      source: 'screen_share',
    }));
    return [...screens, ...cameras];
  }

  private effectiveLayout(): RoomLayout {
    return this.layout ?? this.context?.layout ?? 'grid';
  }

  protected override render(): TemplateResult {
    const { t } = this.i18n;
    const items = this.items();
    const pinned = new Set(this.context?.pinned ?? []);
    const focused = items.filter((item) => item.source === 'screen_share' || pinned.has(item.key));
    if (focused.length === 0 && this.effectiveLayout() === 'speaker' && items.length > 1) {
      const speaker =
        items.find((i) => i.participant === this.lastSpeaker) ??
        items.find((i) => i.participant !== this.call.localParticipant);
      if (speaker) focused.push(speaker);
    }
    const alone = this.call.remoteParticipants.length === 0;
    return html`
      <div
        part="base"
        class="base"
        dir=${this.i18n.dir}
        role="region"
        aria-label=${t('grid.label')}
        @keydown=${(e: KeyboardEvent) => this.onKeyDown(e)}
        @focusin=${(e: FocusEvent) => this.onFocusIn(e)}
      >
        ${focused.length > 0 ? this.renderFocus(items, focused, pinned) : this.renderGrid(items, pinned)}
        ${
          alone && this.call.room
            ? html`<p part="waiting" class="waiting">${t('grid.empty')}</p>`
            : nothing
        }
      </div>
      <div class="audio" aria-hidden="true">
        ${repeat(
          this.audioSources(),
          ([key]) => key,
          ([key]) => html`<audio data-key=${key} autoplay></audio>`,
        )}
      </div>
    `;
  }

  private renderGrid(items: TileItem[], pinned: Set<string>): TemplateResult {
    const { t } = this.i18n;
    const perPage = Math.max(1, Math.floor(this.maxTiles) || 9);
    const pages = Math.max(1, Math.ceil(items.length / perPage));
    const page = Math.min(this.page, pages - 1);
    const speaker = items.find((i) => i.source === 'camera' && i.participant === this.lastSpeaker);
    const shown = pageWithKept(items, page, perPage, speaker);
    const pagerHeight = pages > 1 ? 48 : 0;
    const fit = fitGrid(shown.length, this.size.width - 16, this.size.height - 16 - pagerHeight, {
      gap: GAP,
    });
    return html`
      <div
        part="tiles"
        class="tiles"
        role="list"
        aria-label=${t('grid.label')}
        style=${styleMap(this.gridStyle(fit))}
      >
        ${this.renderTiles(shown, pinned)}
      </div>
      ${
        pages > 1
          ? html`<div part="pager" class="pager">
              <button
                class="icon-btn"
                type="button"
                aria-label=${t('grid.previous')}
                title=${t('grid.previous')}
                ?disabled=${page === 0}
                @click=${() => (this.page = page - 1)}
              >
                ${icon('chevronStart')}
              </button>
              <span class="page" aria-live="polite"
                >${t('grid.page', { page: page + 1, pages })}</span
              >
              <button
                class="icon-btn"
                type="button"
                aria-label=${t('grid.next')}
                title=${t('grid.next')}
                ?disabled=${page >= pages - 1}
                @click=${() => (this.page = page + 1)}
              >
                ${icon('chevronEnd')}
              </button>
            </div>`
          : nothing
      }
    `;
  }

  private renderFocus(items: TileItem[], focused: TileItem[], pinned: Set<string>): TemplateResult {
    const { t } = this.i18n;
    const rest = items.filter((item) => !focused.includes(item));
    const wide = this.size.width >= this.size.height * 1.1 && this.size.width >= 640;
    const stripShare = rest.length === 0 ? 0 : wide ? 0.22 : 0.2;
    const stageWidth = wide ? this.size.width * (1 - stripShare) : this.size.width;
    const stageHeight = wide ? this.size.height : this.size.height * (1 - stripShare);
    // A shared screen keeps its whole picture: its tile is at most as wide as 16:9.
    const fit = fitGrid(focused.length, stageWidth - 16, stageHeight - 16, {
      gap: GAP,
      minAspect: 4 / 3,
      maxAspect: 16 / 9,
    });
    return html`
      <div class="focus ${wide ? 'wide' : 'narrow'}">
        <div
          part="stage"
          class="stage"
          role="list"
          aria-label=${t('grid.label')}
          style=${styleMap(this.gridStyle(fit))}
        >
          ${this.renderTiles(focused, pinned)}
        </div>
        ${
          rest.length > 0
            ? html`<div
                part="strip"
                class="strip"
                role="list"
                aria-label=${t('room.panel.participants')}
              >
                ${this.renderTiles(rest, pinned)}
              </div>`
            : nothing
        }
      </div>
    `;
  }

  private gridStyle(fit: GridFit): Record<string, string> {
    return {
      'grid-template-columns': `repeat(${fit.columns}, ${Math.max(fit.tileWidth, 0)}px)`,
      'grid-auto-rows': `${Math.max(fit.tileHeight, 0)}px`,
    };
  }

  private renderTiles(items: TileItem[], pinned: Set<string>): TemplateResult {
    const focusKey = this.focusKey ?? items[0]?.key;
    return html`${repeat(
      items,
      (item) => item.key,
      (item) =>
        html`<minimeet-participant-tile
          part="tile"
          role="listitem"
          data-key=${item.key}
          .participant=${item.participant}
          .source=${item.source}
          ?pinned=${pinned.has(item.key)}
          .active=${item.key === focusKey}
        ></minimeet-participant-tile>`,
    )}`;
  }

  private tiles(): MinimeetParticipantTile[] {
    return [
      ...this.renderRoot.querySelectorAll<MinimeetParticipantTile>('minimeet-participant-tile'),
    ];
  }

  private onFocusIn(event: FocusEvent): void {
    const tile = event
      .composedPath()
      .find(
        (node): node is MinimeetParticipantTile =>
          node instanceof HTMLElement && node.localName === 'minimeet-participant-tile',
      );
    if (tile?.dataset.key) this.focusKey = tile.dataset.key;
  }

  private onKeyDown(event: KeyboardEvent): void {
    const tiles = this.tiles();
    const current = tiles.findIndex(
      (tile) => tile.dataset.key === (this.focusKey ?? tiles[0]?.dataset.key),
    );
    const origin = event.composedPath()[0];
    const onTile =
      origin instanceof HTMLElement && origin.localName === 'minimeet-participant-tile';
    if (current < 0) return;
    const rtl = this.i18n.dir === 'rtl';
    const columns = this.columnsOf(tiles);
    let next = current;
    switch (event.key) {
      case 'ArrowRight':
        next = current + (rtl ? -1 : 1);
        break;
      case 'ArrowLeft':
        next = current + (rtl ? 1 : -1);
        break;
      case 'ArrowDown':
        next = current + columns;
        break;
      case 'ArrowUp':
        next = current - columns;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = tiles.length - 1;
        break;
      case 'Enter':
      case ' ':
      case 'p':
      case 'P':
        if (!onTile && event.key !== 'p' && event.key !== 'P') return;
        event.preventDefault();
        tiles[current]?.togglePin();
        return;
      default:
        return;
    }
    event.preventDefault();
    next = Math.max(0, Math.min(tiles.length - 1, next));
    const target = tiles[next];
    if (!target) return;
    this.focusKey = target.dataset.key;
    target.focus();
  }

  private columnsOf(tiles: MinimeetParticipantTile[]): number {
    const first = tiles[0];
    if (!first) return 1;
    const top = first.getBoundingClientRect().top;
    const sameRow = tiles.filter((t) => Math.abs(t.getBoundingClientRect().top - top) < 2).length;
    return Math.max(1, sameRow);
  }

  private audioSources(): [string, Track][] {
    const sources: [string, Track][] = [];
    for (const participant of this.call.remoteParticipants) {
      for (const source of ['microphone', 'screen_share_audio'] as const) {
        const track = participant.getTrackPublication(source)?.track;
        if (track) sources.push([`${participant.id}:${source}`, track]);
      }
    }
    return sources;
  }

  private syncAudio(): void {
    const tracks = new Map(this.audioSources());
    const sinkId = this.context?.audioOutputDeviceId;
    for (const element of this.renderRoot.querySelectorAll<HTMLAudioElement>('audio[data-key]')) {
      const track = tracks.get(element.dataset.key ?? '');
      const previous = this.audioTracks.get(element);
      if (track && track !== previous) {
        previous?.detach(element);
        track.attach(element);
        this.audioTracks.set(element, track);
      }
      const sink = element as HTMLAudioElement & {
        setSinkId?: (id: string) => Promise<void>;
        sinkId?: string;
      };
      if (sinkId !== undefined && sink.setSinkId && sink.sinkId !== sinkId) {
        void sink.setSinkId(sinkId).catch(() => undefined);
      }
    }
    for (const [element, track] of this.audioTracks) {
      if (!element.isConnected) {
        track.detach(element);
        this.audioTracks.delete(element);
      }
    }
  }
}
