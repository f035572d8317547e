// The call view: a tile per camera and per shared screen, the controls, the device pickers, and
// the room's chat beside them. It reads everything from the SDK's Room and its participants and
// re-renders from them on each event, so no state of its own can drift from the call's.
import { PresenceEvent, RoomEvent, listDevices } from '/sdk/minimeet-sdk.js';
import { announce, find, initialOf, showMessage } from './dom.js';
import { presenceDot, renderDot } from './presence.js';

/** @typedef {import('/sdk/minimeet-sdk.js').Room} Room */
/** @typedef {import('/sdk/minimeet-sdk.js').Participant} AnyParticipant */
/** @typedef {import('/sdk/minimeet-sdk.js').TrackPublication} TrackPublication */
/** @typedef {import('./api.js').RoomSummary} RoomSummary */
/** @typedef {import('./api.js').RoomsApi} RoomsApi */
/** @typedef {import('/sdk/minimeet-sdk.js').PresenceManager} PresenceManager */
/** @typedef {import('./chat.js').ChatPanel} ChatPanel */

/**
 * One tile of the grid: a participant's camera, or a screen they share.
 *
 * @typedef {object} Tile
 * @property {HTMLLIElement} root
 * @property {HTMLVideoElement} video
 * @property {HTMLAudioElement} audio
 * @property {HTMLSpanElement} name
 * @property {HTMLSpanElement} dot the person's presence
 * @property {HTMLDivElement} avatar
 * @property {HTMLSpanElement} muted
 * @property {HTMLSpanElement} cameraOff
 * @property {HTMLSpanElement} reconnecting
 * @property {unknown} videoTrack the track attached to `video`, so it is attached once
 */

/** What the page says when a call ends without the user leaving it. */
const ENDED = {
  left: '',
  room_closed: 'The room was closed.',
  removed: 'You were removed from the room.',
  timeout: 'The connection was lost and the call could not be resumed.',
  client_closed: 'You are no longer connected to the server.',
};

/**
 * @param {string} tag
 * @param {string} className
 * @param {string} [text]
 */
function element(tag, className, text) {
  const el = document.createElement(tag);
  el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/**
 * A new tile, not yet on the page.
 *
 * @param {AnyParticipant} participant
 * @param {'camera' | 'screen'} kind
 * @param {boolean} local
 * @returns {Tile}
 */
function createTile(participant, kind, local) {
  const root = /** @type {HTMLLIElement} */ (element('li', 'tile'));
  root.dataset.participantId = participant.id;
  root.dataset.principalId = participant.principalId;
  root.dataset.kind = kind;
  if (local) root.dataset.local = '';
  const figure = element('figure', 'tile-figure');
  const video = /** @type {HTMLVideoElement} */ (element('video', 'tile-video'));
  video.autoplay = true;
  video.playsInline = true;
  // Sound plays through the tile's <audio>; the local one would echo.
  video.muted = true;
  const audio = /** @type {HTMLAudioElement} */ (element('audio', 'tile-audio'));
  audio.autoplay = true;
  const avatar = /** @type {HTMLDivElement} */ (element('div', 'tile-avatar'));
  avatar.setAttribute('aria-hidden', 'true');
  const caption = element('figcaption', 'tile-label');
  const name = /** @type {HTMLSpanElement} */ (element('span', 'tile-name'));
  const dot = presenceDot();
  dot.classList.add('tile-presence');
  const muted = /** @type {HTMLSpanElement} */ (element('span', 'badge badge-muted', 'Muted'));
  const cameraOff = /** @type {HTMLSpanElement} */ (
    element('span', 'badge badge-camera-off', 'Camera off')
  );
  const reconnecting = /** @type {HTMLSpanElement} */ (
    element('span', 'badge badge-reconnecting', 'Reconnecting…')
  );
  for (const badge of [muted, cameraOff, reconnecting]) badge.hidden = true;
  caption.append(dot, name, muted, cameraOff, reconnecting);
  figure.append(video, avatar, caption, audio);
  root.append(figure);
  return {
    root,
    video,
    audio,
    name,
    dot,
    avatar,
    muted,
    cameraOff,
    reconnecting,
    videoTrack: undefined,
  };
}

/** Shows one room's call and keeps it up to date until the call ends. */
export class CallView {
  /** @type {Room | undefined} */
  #room;
  /** @type {Map<string, Tile>} */
  #tiles = new Map();
  #api;
  #onEnded;
  #chat;
  #presence;
  #ui = {
    heading: find('#call-heading', HTMLHeadingElement),
    state: find('#call-state', HTMLParagraphElement),
    grid: find('#video-grid', HTMLUListElement),
    microphone: find('#toggle-microphone', HTMLButtonElement),
    camera: find('#toggle-camera', HTMLButtonElement),
    screen: find('#toggle-screen', HTMLButtonElement),
    invite: find('#invite', HTMLButtonElement),
    leave: find('#leave', HTMLButtonElement),
    cameraSelect: find('#camera-select', HTMLSelectElement),
    microphoneSelect: find('#microphone-select', HTMLSelectElement),
    inviteBox: find('#invite-box', HTMLDivElement),
    inviteLink: find('#invite-link', HTMLInputElement),
    error: find('#call-error', HTMLParagraphElement),
  };

  /**
   * @param {RoomsApi} api
   * @param {(message: string) => void} onEnded called once the call is over, with why (empty when the user left)
   * @param {{ chat: ChatPanel, presence: PresenceManager }} parts the chat beside the video, and
   *   where the participants' presence dots come from
   */
  constructor(api, onEnded, parts) {
    this.#api = api;
    this.#onEnded = onEnded;
    this.#chat = parts.chat;
    this.#presence = parts.presence;
    this.#presence.on(PresenceEvent.PresenceChanged, (presence) => {
      for (const tile of this.#tiles.values()) {
        const { principalId, kind } = tile.root.dataset;
        if (kind === 'camera' && principalId === presence.userId) renderDot(tile.dot, presence);
      }
    });
    const ui = this.#ui;
    ui.microphone.addEventListener('click', () => void this.#run(() => this.#toggleMicrophone()));
    ui.camera.addEventListener('click', () => void this.#run(() => this.#toggleCamera()));
    ui.screen.addEventListener('click', () => void this.#run(() => this.#toggleScreen()));
    ui.invite.addEventListener('click', () => void this.#run(() => this.#createInvite()));
    ui.leave.addEventListener('click', () => void this.#run(() => this.leave()));
    ui.cameraSelect.addEventListener('change', () => {
      void this.#run(() => this.#local?.switchActiveDevice('videoinput', ui.cameraSelect.value));
    });
    ui.microphoneSelect.addEventListener('change', () => {
      void this.#run(() =>
        this.#local?.switchActiveDevice('audioinput', ui.microphoneSelect.value),
      );
    });
  }

  /** The room on screen, if any. */
  get room() {
    return this.#room;
  }

  get #local() {
    return this.#room?.localParticipant;
  }

  /**
   * Shows a joined room.
   *
   * @param {Room} room
   * @param {RoomSummary} details the room as the REST API describes it to this user
   */
  show(room, details) {
    this.#room = room;
    const ui = this.#ui;
    ui.heading.textContent = details.name;
    ui.invite.hidden = details.myRole !== 'owner' && details.myRole !== 'moderator';
    ui.inviteBox.hidden = true;
    ui.inviteLink.value = '';
    showMessage(ui.error);
    this.#setState('Connected');
    this.#clearTiles();

    this.#renderAny(room.localParticipant);
    for (const participant of room.remoteParticipants.values()) {
      this.#renderParticipant(participant);
      for (const publication of participant.trackPublications.values())
        if (publication.track) this.#attach(publication, participant);
    }
    this.#listen(room);
    this.#renderControls();
    void this.#fillDevices();
    this.#chat.show(room.chat, {
      canModerate: details.myRole === 'owner' || details.myRole === 'moderator',
    });
  }

  /** Leaves the call; the page goes back to the lobby. */
  async leave() {
    const room = this.#room;
    if (!room) return;
    this.#ui.leave.disabled = true;
    try {
      await room.leave();
    } finally {
      this.#ui.leave.disabled = false;
      this.#end('');
    }
  }

  /** @param {Room} room */
  #listen(room) {
    // Events of a room that is no longer on screen change nothing.
    const current = () => this.#room === room;
    room.on(RoomEvent.ParticipantJoined, (participant) => {
      if (!current()) return;
      this.#renderParticipant(participant);
      announce(`${participant.name} joined the call.`);
    });
    room.on(RoomEvent.ParticipantLeft, (participant) => {
      if (!current()) return;
      this.#removeTiles(participant.id);
      announce(`${participant.name} left the call.`);
    });
    room.on(RoomEvent.ParticipantReconnecting, (participant) => {
      if (!current()) return;
      this.#renderParticipant(participant);
      announce(`${participant.name} is reconnecting.`);
    });
    room.on(RoomEvent.ParticipantReconnected, (participant) => {
      if (!current()) return;
      this.#renderParticipant(participant);
      announce(`${participant.name} is back.`);
    });
    room.on(RoomEvent.ParticipantUpdated, (participant) => {
      if (current()) this.#renderParticipant(participant);
    });
    room.on(RoomEvent.TrackSubscribed, (_track, publication, participant) => {
      if (current()) this.#attach(publication, participant);
    });
    room.on(RoomEvent.TrackUnsubscribed, (track, publication, participant) => {
      if (!current()) return;
      track.detach();
      if (publication.source === 'screen_share') this.#removeTile(`${participant.id}:screen`);
      else this.#renderParticipant(participant);
    });
    room.on(RoomEvent.TrackMuted, (_publication, participant) => {
      if (current()) this.#renderAny(participant);
    });
    room.on(RoomEvent.TrackUnmuted, (_publication, participant) => {
      if (current()) this.#renderAny(participant);
    });
    room.on(RoomEvent.LocalTrackPublished, (publication) => {
      if (!current()) return;
      if (publication.source === 'screen_share') this.#attach(publication, room.localParticipant);
      this.#renderAny(room.localParticipant);
      this.#renderControls();
    });
    room.on(RoomEvent.LocalTrackUnpublished, (publication) => {
      if (!current()) return;
      if (publication.source === 'screen_share')
        this.#removeTile(`${room.localParticipant.id}:screen`);
      this.#renderAny(room.localParticipant);
      this.#renderControls();
    });
    room.on(RoomEvent.ActiveSpeakersChanged, (speakers) => {
      if (!current()) return;
      const speaking = new Set(speakers.map((p) => p.id));
      for (const tile of this.#tiles.values()) {
        const id = tile.root.dataset.participantId ?? '';
        tile.root.classList.toggle(
          'is-speaking',
          tile.root.dataset.kind === 'camera' && speaking.has(id),
        );
      }
    });
    room.on(RoomEvent.Reconnecting, () => {
      if (!current()) return;
      this.#setState('Reconnecting…');
      announce('Connection lost. Reconnecting to the call…');
    });
    room.on(RoomEvent.Reconnected, () => {
      if (!current()) return;
      this.#setState('Connected');
      announce('Reconnected to the call.');
    });
    room.on(RoomEvent.MediaDevicesChanged, () => {
      if (current()) void this.#fillDevices();
    });
    room.on(RoomEvent.Disconnected, (reason) => {
      if (current() && reason !== 'left') this.#end(ENDED[reason] ?? 'The call ended.');
    });
  }

  /**
   * Runs a control's action; a failure shows as text under the controls.
   *
   * @param {() => Promise<unknown> | undefined} action
   */
  async #run(action) {
    showMessage(this.#ui.error);
    try {
      await action();
    } catch (error) {
      showMessage(this.#ui.error, error);
    } finally {
      if (this.#room) {
        this.#renderControls();
        this.#renderAny(this.#room.localParticipant);
      }
    }
  }

  async #toggleMicrophone() {
    const local = this.#local;
    if (!local) return;
    const publication = local.getTrackPublication('microphone');
    // Muting keeps the track and its negotiation; only a missing microphone needs publishing.
    if (!publication?.track) await local.setMicrophoneEnabled(true);
    else await local.setMicrophoneMuted(!publication.isMuted);
  }

  async #toggleCamera() {
    const local = this.#local;
    if (local) await local.setCameraEnabled(!local.isCameraEnabled);
  }

  async #toggleScreen() {
    const local = this.#local;
    if (local) await local.setScreenShareEnabled(!local.isScreenShareEnabled);
  }

  async #createInvite() {
    const room = this.#room;
    if (!room) return;
    const invite = await this.#api.createInvite(room.id);
    const url = new URL(invite.url, window.location.origin).href;
    this.#ui.inviteLink.value = url;
    this.#ui.inviteBox.hidden = false;
    try {
      await navigator.clipboard.writeText(url);
      announce('Invite link copied to the clipboard.');
    } catch {
      // No clipboard permission: the link is on screen, selected, to copy by hand.
      this.#ui.inviteLink.focus();
      this.#ui.inviteLink.select();
      announce('Invite link ready to copy.');
    }
  }

  #renderControls() {
    const local = this.#local;
    if (!local) return;
    const microphone = local.getTrackPublication('microphone');
    const microphoneOn = Boolean(microphone?.track) && !microphone?.isMuted;
    this.#ui.microphone.setAttribute('aria-pressed', String(microphoneOn));
    this.#ui.camera.setAttribute('aria-pressed', String(local.isCameraEnabled));
    this.#ui.screen.setAttribute('aria-pressed', String(local.isScreenShareEnabled));
  }

  /**
   * @param {string} text
   */
  #setState(text) {
    this.#ui.state.textContent = text;
    this.#ui.state.dataset.state = text === 'Connected' ? 'connected' : 'reconnecting';
  }

  /**
   * The camera tile of a participant, made on first use.
   *
   * @param {AnyParticipant} participant
   * @param {'camera' | 'screen'} kind
   */
  #tile(participant, kind) {
    const key = `${participant.id}:${kind}`;
    let tile = this.#tiles.get(key);
    if (!tile) {
      const local = participant === this.#room?.localParticipant;
      tile = createTile(participant, kind, local);
      this.#tiles.set(key, tile);
      // The local camera comes first, a screen right after the camera of whoever shares it.
      const after =
        kind === 'screen' ? this.#tiles.get(`${participant.id}:camera`)?.root : undefined;
      if (local && kind === 'camera') this.#ui.grid.prepend(tile.root);
      else if (after) after.after(tile.root);
      else this.#ui.grid.append(tile.root);
      this.#ui.grid.dataset.count = String(this.#tiles.size);
    }
    return tile;
  }

  /**
   * Puts a subscribed (or local) track into its tile.
   *
   * @param {TrackPublication} publication
   * @param {AnyParticipant} participant
   */
  #attach(publication, participant) {
    const track = publication.track;
    if (!track) return;
    const kind = publication.source.startsWith('screen_share') ? 'screen' : 'camera';
    const tile = this.#tile(participant, kind);
    if (track.kind === 'video') {
      if (tile.videoTrack !== track) {
        track.attach(tile.video);
        tile.videoTrack = track;
      }
    } else if (participant !== this.#room?.localParticipant) {
      track.attach(tile.audio);
    }
    this.#renderParticipant(participant);
  }

  /** @param {AnyParticipant} participant */
  #renderAny(participant) {
    if (participant === this.#room?.localParticipant) {
      // The local camera gets a new track each time it is switched back on.
      const camera = participant.getTrackPublication('camera');
      if (camera?.track) this.#attach(camera, participant);
      const screen = participant.getTrackPublication('screen_share');
      if (screen?.track) {
        const tile = this.#tile(participant, 'screen');
        if (tile.videoTrack !== screen.track) {
          screen.track.attach(tile.video);
          tile.videoTrack = screen.track;
        }
      }
    }
    this.#renderParticipant(participant);
  }

  /**
   * Updates a participant's tiles from what the SDK says about it now.
   *
   * @param {AnyParticipant} participant
   */
  #renderParticipant(participant) {
    const local = participant === this.#room?.localParticipant;
    const camera = this.#tile(participant, 'camera');
    camera.name.textContent = local ? `${participant.name} (you)` : participant.name;
    camera.avatar.textContent = initialOf(participant.name);
    renderDot(camera.dot, this.#presence.get(participant.principalId));
    camera.muted.hidden = participant.isMicrophoneEnabled;
    camera.cameraOff.hidden = participant.isCameraEnabled;
    camera.root.classList.toggle('camera-off', !participant.isCameraEnabled);
    const reconnecting = participant.connection === 'reconnecting';
    camera.reconnecting.hidden = !reconnecting;
    camera.root.classList.toggle('is-reconnecting', reconnecting);
    camera.root.setAttribute('aria-label', camera.name.textContent);
    camera.video.setAttribute('aria-label', `${participant.name}'s camera`);
    const screen = this.#tiles.get(`${participant.id}:screen`);
    if (screen) {
      screen.name.textContent = local ? 'Your screen' : `${participant.name}'s screen`;
      screen.avatar.textContent = initialOf(participant.name);
      screen.root.setAttribute('aria-label', screen.name.textContent);
    }
  }

  /** @param {string} participantId */
  #removeTiles(participantId) {
    this.#removeTile(`${participantId}:camera`);
    this.#removeTile(`${participantId}:screen`);
  }

  /** @param {string} key */
  #removeTile(key) {
    const tile = this.#tiles.get(key);
    if (!tile) return;
    tile.video.srcObject = null;
    tile.audio.srcObject = null;
    tile.root.remove();
    this.#tiles.delete(key);
    this.#ui.grid.dataset.count = String(this.#tiles.size);
  }

  #clearTiles() {
    for (const key of [...this.#tiles.keys()]) this.#removeTile(key);
    this.#ui.grid.replaceChildren();
  }

  /** Fills the device pickers, the active device selected. */
  async #fillDevices() {
    const local = this.#local;
    for (const [kind, select, noun] of /** @type {const} */ ([
      ['videoinput', this.#ui.cameraSelect, 'Camera'],
      ['audioinput', this.#ui.microphoneSelect, 'Microphone'],
    ])) {
      const devices = await listDevices(kind).catch(() => []);
      const active = local?.getActiveDevice(kind);
      select.replaceChildren(
        ...devices.map((device, i) => {
          const option = document.createElement('option');
          option.value = device.deviceId;
          option.textContent = device.label || `${noun} ${i + 1}`;
          option.selected = device.deviceId === active;
          return option;
        }),
      );
      select.disabled = devices.length === 0;
    }
  }

  /** @param {string} message */
  #end(message) {
    if (!this.#room) return;
    this.#room = undefined;
    this.#clearTiles();
    this.#chat.hide();
    this.#onEnded(message);
  }
}
