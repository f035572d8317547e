import { ContextProvider } from '@lit/context';
import {
  ChatEvent,
  ClientEvent,
  ConnectionError,
  ConnectionState,
  LocalParticipant,
  MinimeetClient,
  RoomEvent,
  type ChatEventCallbacks,
  type Room,
  type RoomDisconnectReason,
  type RoomEventCallbacks,
  type TokenProvider,
} from '@minimeet/sdk';
import {
  html,
  nothing,
  type CSSResultGroup,
  type PropertyDeclarations,
  type PropertyValues,
  type TemplateResult,
} from 'lit';
import {
  localeContext,
  roomContext,
  type MinimeetRoomContext,
  type PanelName,
  type RoomCommands,
  type RoomFeatures,
  type RoomLayout,
} from '../context/room-context.js';
import { ClientController } from '../controllers/ClientController.js';
import { EventsController } from '../controllers/EventsController.js';
import { NotifierController } from '../controllers/NotifierController.js';
import type {
  DeviceChangedDetail,
  PrejoinSubmitDetail,
  RoomErrorCode,
} from '../events/room-events.js';
import { LocalizeController } from '../i18n/localize.js';
import type { Messages } from '../i18n/types.js';
import { icon, type IconName } from '../icons/icons.js';
import {
  isPermissionDenied,
  toggleCamera,
  toggleMicrophone,
  toggleScreenShare,
} from '../internal/media-actions.js';
import { MinimeetElement } from '../internal/minimeet-element.js';
import type { MinimeetPrejoin } from '../prejoin/prejoin.component.js';
import { sharedStyles } from '../styles/shared.js';
import { themeStyles } from '../styles/theme.js';
import { Notifier } from '../toast/notifier.js';
import { notificationStyles, renderNotifications } from '../toast/toast-view.js';
import { ModerationNotices } from './moderation-notices.js';
import { ERROR_TEXT, errorOfConnection, errorOfDisconnect, errorOfJoin } from './room-errors.js';
import { roomStyles } from './room.styles.js';

/** Where `<minimeet-room>` stands. */
export type RoomView =
  'idle' | 'connecting' | 'prejoin' | 'joining' | 'lobby' | 'call' | 'left' | 'error';

/** What to join with: the pre-join screen's choices, or the attributes' without it. */
type JoinChoices = Omit<PrejoinSubmitDetail, 'displayName' | 'password'> & {
  readonly displayName?: string;
};

const STATE_ICON: Partial<Record<RoomErrorCode, IconName>> = {
  permission_denied: 'lock',
  password_required: 'lock',
  server_unreachable: 'wifiOff',
  room_full: 'participants',
  room_locked: 'lock',
  lobby_denied: 'user',
  removed: 'leave',
  room_closed: 'leave',
};

/**
 * A complete video call as one element: it connects to a minimeet server with a token, shows a
 * pre-join screen, then the video grid, the control bar, and a side panel with the chat, the
 * participants and the device settings. It shows clear states when the room is full, needs a
 * password, is locked, the devices are blocked, the token has expired, the server cannot be
 * reached, the user was removed or the call was ended for everyone, a waiting screen while a host
 * has yet to let the user in from the lobby, and a banner while reconnecting. The call's hosts
 * get host controls on each tile and in the participant list, with the lobby's queue; everyone
 * may raise a hand, and hears in a toast what a host did to them. Every change is reported as a
 * typed `minimeet-…` DOM event; `sdkRoom` gives the SDK's `Room` for anything else.
 *
 * Registers and uses `<minimeet-prejoin>`, `<minimeet-video-grid>`,
 * `<minimeet-participant-tile>`, `<minimeet-control-bar>` and `<minimeet-device-select>`; the
 * side panel holds `<minimeet-chat>` and `<minimeet-participant-list>` when they are registered.
 *
 * @summary A drop-in video call.
 *
 * @slot prejoin-header - Replaces the pre-join title.
 * @slot prejoin-footer - Content under the Join button.
 * @slot left - Replaces the "you left" screen.
 *
 * @event {MinimeetReadyEvent} minimeet-ready - Connected to the server; ready to join.
 * @event {MinimeetJoinedEvent} minimeet-joined - In the call; `detail.room` is the SDK `Room`.
 * @event {MinimeetLeftEvent} minimeet-left - Out of the call; `detail.reason` says why.
 * @event {MinimeetParticipantJoinedEvent} minimeet-participant-joined - Someone joined.
 * @event {MinimeetParticipantLeftEvent} minimeet-participant-left - Someone left.
 * @event {MinimeetMicrophoneToggledEvent} minimeet-microphone-toggled - The microphone went on or
 *   off during the call (changes only; the state at join is in `minimeet-joined`).
 * @event {MinimeetCameraToggledEvent} minimeet-camera-toggled - The camera went on or off during the
 *   call (changes only).
 * @event {MinimeetScreenShareToggledEvent} minimeet-screen-share-toggled - Sharing started or stopped.
 * @event {MinimeetChatMessageEvent} minimeet-chat-message - A chat message arrived.
 * @event {MinimeetConnectionStateEvent} minimeet-connection-state - The connection changed state.
 * @event {MinimeetDevicePermissionDeniedEvent} minimeet-device-permission-denied - The browser
 *   refused the camera, microphone or screen.
 * @event {MinimeetErrorEvent} minimeet-error - An error state is shown; `detail.code` says which.
 * @event {MinimeetPinChangedEvent} minimeet-pin-changed - The pinned tiles changed.
 * @event {MinimeetLobbyWaitingEvent} minimeet-lobby-waiting - The room lets this user in only
 *   through its lobby: the element shows the waiting screen until a host decides.
 * @event {MinimeetLobbyChangedEvent} minimeet-lobby-changed - Hosts: who waits in the lobby changed.
 * @event {MinimeetHandsChangedEvent} minimeet-hands-changed - A hand went up or down.
 * @event {MinimeetModeratedEvent} minimeet-moderated - A host muted the user, asked them to
 *   unmute, changed what they may do, removed them, or ended the call for everyone.
 *
 * @csspart base - The whole call UI.
 * @csspart banner - The reconnecting banner.
 * @csspart main - The area between banner and control bar.
 * @csspart prejoin - The `<minimeet-prejoin>`.
 * @csspart video-grid - The `<minimeet-video-grid>`.
 * @csspart control-bar - The `<minimeet-control-bar>`.
 * @csspart panel - The side panel.
 * @csspart panel-header - The side panel's title bar.
 * @csspart panel-close - The side panel's close button.
 * @csspart state - The card of a connecting, left or error state.
 * @csspart state-title - Its title.
 * @csspart state-actions - Its buttons.
 * @csspart password-form - The password form.
 * @csspart toasts - The toast stack.
 * @csspart toast - Each toast.
 * @csspart toast-action - The button of a toast that offers one ("Unmute", "Admit").
 *
 * @cssprop --minimeet-color-accent - Main accent (buttons, pins).
 * @cssprop --minimeet-color-on-accent - Text on the accent.
 * @cssprop --minimeet-color-background - Background of the element.
 * @cssprop --minimeet-color-surface - Cards, panel and control bar.
 * @cssprop --minimeet-color-surface-raised - Buttons and raised areas.
 * @cssprop --minimeet-color-text - Text.
 * @cssprop --minimeet-color-text-muted - Secondary text.
 * @cssprop --minimeet-color-border - Borders.
 * @cssprop --minimeet-color-success - Good states.
 * @cssprop --minimeet-color-warning - Warnings and the reconnecting banner.
 * @cssprop --minimeet-color-danger - Leave, errors, devices off.
 * @cssprop --minimeet-color-focus - The focus ring.
 * @cssprop --minimeet-color-stage - Behind the video.
 * @cssprop --minimeet-color-scheme - `light`, `dark` or `light dark` (what `theme` sets).
 * @cssprop --minimeet-font-family - The font.
 * @cssprop --minimeet-radius - Corner radius of cards and tiles.
 * @cssprop --minimeet-panel-width - Width of the side panel.
 * @cssprop --minimeet-color-hand - Raised hands (amber).
 *
 * @attr theme - `light`, `dark` or `auto` (default: follow the system).
 * @attr lang - The language of the UI (`en`, `de`, `ar`, …).
 * @attr view - Reflects where the element stands; read-only.
 */
export class MinimeetRoom extends MinimeetElement {
  static override styles: CSSResultGroup = [
    themeStyles,
    sharedStyles,
    notificationStyles,
    roomStyles,
  ];

  static override properties: PropertyDeclarations = {
    server: {},
    room: {},
    token: {},
    tokenProvider: { attribute: false },
    client: { attribute: false },
    displayName: { attribute: 'display-name' },
    layout: { reflect: true },
    audioMuted: { type: Boolean, attribute: 'audio-muted' },
    videoMuted: { type: Boolean, attribute: 'video-muted' },
    skipPrejoin: { type: Boolean, attribute: 'skip-prejoin' },
    hideChat: { type: Boolean, attribute: 'hide-chat' },
    hideParticipants: { type: Boolean, attribute: 'hide-participants' },
    hideScreenShare: { type: Boolean, attribute: 'hide-screen-share' },
    hideLeave: { type: Boolean, attribute: 'hide-leave' },
    hideSettings: { type: Boolean, attribute: 'hide-settings' },
    maxTiles: { type: Number, attribute: 'max-tiles' },
    password: {},
    askPassword: { type: Boolean, attribute: 'ask-password' },
    strings: { attribute: false },
    iceServers: { attribute: false },
    view: { reflect: true },
    errorCode: { attribute: 'error', reflect: true },
    panel: { state: true },
    pinned: { state: true },
    reconnecting: { state: true },
    passwordWrong: { state: true },
    audioOutputDeviceId: { state: true },
  };

  /** The minimeet server's URL, such as `https://meet.example.com`. */
  declare server: string;
  /** The room id to join. */
  declare room: string;
  /** A join token or access token; or set `tokenProvider`. */
  declare token: string;
  /** Called for a token when connecting and whenever a fresh one is needed. */
  declare tokenProvider: TokenProvider | undefined;
  /** An SDK client of the app's own; the element then uses it instead of making one. */
  declare client: MinimeetClient | undefined;
  /**
   * The name to go by in the call: suggested on the pre-join screen (where a signed-in user may
   * change it), or sent as it is with `skip-prejoin`. A join token's name wins: it is fixed.
   */
  declare displayName: string;
  /** `grid` (default) or `speaker`. */
  declare layout: RoomLayout;
  /** Join with the microphone off. */
  declare audioMuted: boolean;
  /** Join with the camera off. */
  declare videoMuted: boolean;
  /** Join at once, without the pre-join screen. */
  declare skipPrejoin: boolean;
  /** Hide the chat. */
  declare hideChat: boolean;
  /** Hide the participant list. */
  declare hideParticipants: boolean;
  /** Hide screen sharing. */
  declare hideScreenShare: boolean;
  /** Hide the leave button (the app ends the call with `leave()`). */
  declare hideLeave: boolean;
  /** Hide the device settings. */
  declare hideSettings: boolean;
  /** Most tiles on one page of the grid (default 9). */
  declare maxTiles: number;
  /** The room password, when the room has one. */
  declare password: string | undefined;
  /**
   * Ask for the room password on the pre-join screen. A private room never says that it has one
   * (it answers "not found"), so an app that links to one sets this; a public room with a
   * password is asked for when the server says so, with or without it.
   */
  declare askPassword: boolean;
  /** Strings that replace the catalogue's in this element: `{ 'controls.leave': 'End visit' }`. */
  declare strings: Messages | undefined;
  /**
   * STUN/TURN servers for the pre-join connection check; empty (the default) uses the server's
   * (`client.getIceServers()`), with TURN credentials minted for the check.
   */
  declare iceServers: RTCIceServer[];
  /** Where the element stands; reflected, read-only. */
  declare view: RoomView;
  /** The error state shown, reflected as `error`; read-only. */
  declare errorCode: RoomErrorCode | undefined;
  declare private panel: PanelName | null;
  declare private pinned: readonly string[];
  declare private reconnecting: boolean;
  declare private passwordWrong: boolean;
  declare private audioOutputDeviceId: string | undefined;

  private readonly i18n = new LocalizeController(this);
  private readonly notifier = new Notifier();
  private readonly notifications = new NotifierController(this);
  private readonly roomProvider = new ContextProvider(this, { context: roomContext });
  private readonly localeProvider = new ContextProvider(this, { context: localeContext });
  private readonly connection = new ClientController(this, {
    onTransition: (transition) => this.emit('minimeet-connection-state', transition),
  });
  private readonly roomEvents = new EventsController<RoomEventCallbacks>(this, {
    [RoomEvent.ParticipantJoined]: (participant) => {
      this.emit('minimeet-participant-joined', { participant });
      this.notifier.notify(this.i18n.t('toast.participantJoined', { name: participant.name }));
    },
    [RoomEvent.ParticipantLeft]: (participant, reason) => {
      this.emit('minimeet-participant-left', { participant, reason });
      this.pinned = this.pinned.filter((key) => !key.startsWith(participant.id));
      this.notifier.notify(this.i18n.t('toast.participantLeft', { name: participant.name }));
    },
    [RoomEvent.ParticipantReconnecting]: (participant) => {
      this.notifier.announce(
        this.i18n.t('toast.participantReconnecting', { name: participant.name }),
      );
    },
    [RoomEvent.TrackPublished]: (publication, participant) => {
      if (publication.source === 'screen_share') {
        this.notifier.notify(this.i18n.t('toast.screenShareStarted', { name: participant.name }));
      }
    },
    [RoomEvent.LocalTrackPublished]: (publication) =>
      this.reportLocal(publication.source, !publication.isMuted),
    [RoomEvent.LocalTrackUnpublished]: (publication) => this.reportLocal(publication.source, false),
    [RoomEvent.TrackMuted]: (publication, participant) => {
      if (participant instanceof LocalParticipant) this.reportLocal(publication.source, false);
    },
    [RoomEvent.TrackUnmuted]: (publication, participant) => {
      if (participant instanceof LocalParticipant) this.reportLocal(publication.source, true);
    },
    [RoomEvent.Reconnecting]: () => {
      this.reconnecting = true;
    },
    [RoomEvent.Reconnected]: () => {
      this.reconnecting = false;
      this.notifier.notify(this.i18n.t('room.reconnected'), {
        variant: 'success',
        durationMs: 3000,
      });
    },
    [RoomEvent.Disconnected]: (reason) => this.handleDisconnected(reason),
    [RoomEvent.MediaDevicesError]: (error) => {
      this.notifier.notify(this.i18n.t('toast.deviceFailed', { message: error.message }), {
        variant: 'danger',
      });
    },
  });
  private readonly chatEvents = new EventsController<ChatEventCallbacks>(this, {
    [ChatEvent.MessageReceived]: (message) => {
      this.emit('minimeet-chat-message', { message });
      const mine = message.sender.id === this.sdkClient?.principal?.id;
      if (!mine && this.panel !== 'chat' && !this.hideChat) {
        this.notifier.notify(this.i18n.t('toast.newMessage', { name: message.sender.displayName }));
      }
    },
  });

  private readonly moderationNotices = new ModerationNotices(this, {
    i18n: this.i18n,
    notifier: this.notifier,
    // TypeScript cannot follow a generic name through both maps; the details are the same types.
    emit: (name, detail) => this.emit(name, detail as never),
    room: () => this.currentRoom,
    unmute: () => this.toggleMicrophone(true),
  });

  private currentClient: MinimeetClient | undefined;
  private ownsClient = false;
  private joinRun = 0;
  private currentRoom: Room | undefined;
  private lastChoices: JoinChoices | undefined;
  private lastError: unknown;
  private startRun = 0;
  private readonly mountedPanels = new Set<PanelName>();

  constructor() {
    super();
    this.server = '';
    this.room = '';
    this.token = '';
    this.displayName = '';
    this.layout = 'grid';
    this.audioMuted = false;
    this.videoMuted = false;
    this.skipPrejoin = false;
    this.hideChat = false;
    this.hideParticipants = false;
    this.hideScreenShare = false;
    this.hideLeave = false;
    this.hideSettings = false;
    this.maxTiles = 9;
    this.askPassword = false;
    this.iceServers = [];
    this.view = 'idle';
    this.panel = null;
    this.pinned = [];
    this.reconnecting = false;
    this.passwordWrong = false;
    this.notifications.setNotifier(this.notifier);
  }

  /** The SDK `Room` of the call, while in it: for anything the element does not offer. */
  get sdkRoom(): Room | undefined {
    return this.currentRoom;
  }

  /** The SDK client the element uses (its own, or the one set as `client`). */
  get sdkClient(): MinimeetClient | undefined {
    return this.currentClient;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.view === 'idle' && this.hasUpdated) void this.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // A move within the page disconnects and reconnects at once: only a real removal ends the call.
    queueMicrotask(() => {
      if (!this.isConnected) void this.teardown();
    });
  }

  protected override firstUpdated(): void {
    void this.start();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.localeProvider.setValue({
      lang: this.i18n.lang,
      messages: this.strings,
    });
    this.roomProvider.setValue(this.contextValue());
    if (changed.has('errorCode') || changed.has('view'))
      this.toggleAttribute('has-error', this.view === 'error');
  }

  protected override updated(changed: PropertyValues<this>): void {
    const config = ['server', 'room', 'token', 'tokenProvider', 'client'] as const;
    if (
      this.hasUpdated &&
      config.some((key) => changed.has(key) && changed.get(key) !== undefined) &&
      (this.view === 'error' || this.view === 'idle')
    ) {
      void this.start();
    }
  }

  /**
   * Joins the call: with the pre-join screen's choices when it is shown, else with
   * `audio-muted` / `video-muted`. Connects first when needed. Resolves once in the call (or in
   * an error state, which `minimeet-error` reports).
   */
  async join(): Promise<void> {
    const prejoin = this.renderRoot.querySelector<MinimeetPrejoin>('minimeet-prejoin');
    if (this.view === 'prejoin' && prejoin) {
      prejoin.submit();
      await this.whenSettled();
      return;
    }
    if (!this.currentClient || this.view === 'error' || this.view === 'idle') {
      this.skipPrejoin = true;
      await this.start();
      return;
    }
    await this.joinWith(this.lastChoices ?? this.defaultChoices());
  }

  /** Leaves the call (the element shows "you left", with a button to join again). */
  async leave(): Promise<void> {
    await this.currentRoom?.leave();
  }

  /** Turns the microphone on or off (toggles without `on`); resolves with the new state. */
  toggleMicrophone(on?: boolean): Promise<boolean> {
    return this.act('microphone', (room) => toggleMicrophone(room, on));
  }

  /** Turns the camera on or off (toggles without `on`); resolves with the new state. */
  toggleCamera(on?: boolean): Promise<boolean> {
    return this.act('camera', (room) => toggleCamera(room, on));
  }

  /** Starts or stops sharing a screen (toggles without `on`); resolves with the new state. */
  toggleScreenShare(on?: boolean): Promise<boolean> {
    return this.act('screen', (room) => toggleScreenShare(room, on));
  }

  /**
   * Pins a participant's tile (`pa_…`; add `:screen` for their screen); several may be pinned.
   * With `pinned: false`, unpins it.
   */
  pin(participantId: string, pinned = true): void {
    if (typeof participantId !== 'string' || participantId.length === 0) {
      throw new TypeError('participantId must be a non-empty string.');
    }
    const has = this.pinned.includes(participantId);
    if (pinned === has) return;
    this.pinned = pinned
      ? [...this.pinned, participantId]
      : this.pinned.filter((id) => id !== participantId);
    this.emit('minimeet-pin-changed', { pinned: this.pinned });
  }

  /** Opens a side panel (`chat`, `participants`, `settings`), or closes it with `null`. */
  openPanel(panel: PanelName | null): void {
    const previous = this.panel;
    this.panel = panel;
    if (panel) this.mountedPanels.add(panel);
    void this.updateComplete.then(() => {
      if (panel) this.renderRoot.querySelector<HTMLElement>('.panel h2')?.focus();
      else if (previous) this.focusControl(previous);
    });
  }

  // ---- lifecycle -------------------------------------------------------------------------

  private async start(): Promise<void> {
    const run = ++this.startRun;
    const tokenSource = this.tokenProvider ?? (this.token || undefined);
    if (!this.client && (!this.server || !this.room || !tokenSource)) {
      this.fail('missing_config', new TypeError('server, room and a token are required.'));
      return;
    }
    if (!this.room) {
      this.fail('missing_config', new TypeError('room is required.'));
      return;
    }
    this.errorCode = undefined;
    this.view = 'connecting';
    let client = this.client;
    if (!client) {
      if (this.currentClient && this.ownsClient) await this.currentClient.disconnect();
      client = new MinimeetClient({ reconnect: { maxAttempts: 8 } });
      this.ownsClient = true;
    } else {
      this.ownsClient = false;
    }
    this.currentClient = client;
    this.connection.setClient(client);
    client.off(ClientEvent.Disconnected, this.onClientDisconnected);
    client.on(ClientEvent.Disconnected, this.onClientDisconnected);
    try {
      if (client.state === ConnectionState.Disconnected)
        await client.connect(this.server, tokenSource!);
    } catch (error) {
      if (run === this.startRun) this.fail(errorOfConnection(error), error);
      return;
    }
    if (run !== this.startRun) return;
    this.emit('minimeet-ready', { roomId: this.room });
    if (this.skipPrejoin) await this.joinWith(this.defaultChoices());
    else this.view = 'prejoin';
  }

  private readonly onClientDisconnected = (error: ConnectionError | undefined) => {
    // In a call the room reports it (client_closed); before it, the element does.
    if (!error || this.currentRoom) return;
    if (this.view === 'prejoin' || this.view === 'joining' || this.view === 'connecting') {
      this.fail(errorOfConnection(error), error);
    }
  };

  private defaultChoices(): JoinChoices {
    return {
      displayName: this.displayName.trim() || undefined,
      audio: !this.audioMuted,
      video: !this.videoMuted,
      audioDeviceId: undefined,
      videoDeviceId: undefined,
      audioOutputDeviceId: undefined,
    };
  }

  private async joinWith(choices: JoinChoices): Promise<void> {
    const client = this.currentClient;
    if (!client) return;
    const run = ++this.joinRun;
    this.moderationNotices.reset();
    this.lastChoices = choices;
    if (choices.audioOutputDeviceId) this.audioOutputDeviceId = choices.audioOutputDeviceId;
    this.view = 'joining';
    let room: Room;
    try {
      room = await client.joinRoom(this.room, {
        audio: choices.audio
          ? choices.audioDeviceId
            ? { deviceId: choices.audioDeviceId }
            : true
          : false,
        video: choices.video
          ? choices.videoDeviceId
            ? { deviceId: choices.videoDeviceId }
            : true
          : false,
        password: this.password || undefined,
        // Only a user chooses a name; a join token names a guest.
        displayName:
          client.principal?.kind === 'user' ? choices.displayName || undefined : undefined,
        onLobbyWaiting: (entry) => {
          if (run !== this.joinRun) return;
          this.view = 'lobby';
          this.emit('minimeet-lobby-waiting', { entry });
        },
      });
    } catch (error) {
      // Left the lobby: the wait's end is no news.
      if (run !== this.joinRun) return;
      const code = errorOfJoin(error);
      if (code === 'permission_denied') {
        this.emit('minimeet-device-permission-denied', {
          kind:
            choices.audio && choices.video
              ? 'camera-and-microphone'
              : choices.video
                ? 'camera'
                : 'microphone',
          error: error as Error,
        });
      }
      this.passwordWrong = code === 'password_required' && Boolean(this.password);
      this.fail(code, error);
      return;
    }
    if (run !== this.joinRun) {
      await room.leave();
      return;
    }
    const admitted = (this.view as RoomView) === 'lobby';
    this.currentRoom = room;
    this.roomEvents.setTarget(room);
    this.chatEvents.setTarget(room.chat);
    this.moderationNotices.setRoom(room);
    if (admitted) {
      this.notifier.notify(this.i18n.t('lobby.admitted'), { variant: 'success', durationMs: 4000 });
    }
    this.reconnecting = false;
    this.passwordWrong = false;
    this.view = 'call';
    this.emit('minimeet-joined', { room, participantId: room.localParticipant.id });
    this.notifier.announce(this.i18n.t('toast.joined', { room: room.name || room.id }));
  }

  private handleDisconnected(reason: RoomDisconnectReason): void {
    const code = errorOfDisconnect(reason, this.connection.snapshot.error ?? this.clientError());
    this.roomEvents.setTarget(undefined);
    this.chatEvents.setTarget(undefined);
    this.moderationNotices.setRoom(undefined);
    this.currentRoom = undefined;
    this.reconnecting = false;
    this.pinned = [];
    this.mountedPanels.clear();
    this.emit('minimeet-left', { reason });
    if (code) this.fail(code, undefined);
    else this.view = 'left';
  }

  private clientError(): ConnectionError | undefined {
    return this.lastError instanceof ConnectionError ? this.lastError : undefined;
  }

  private fail(code: RoomErrorCode, error: unknown): void {
    this.lastError = error;
    this.errorCode = code;
    this.view = 'error';
    const message = error instanceof Error ? error.message : code;
    this.emit('minimeet-error', { code, message, error });
  }

  private async teardown(): Promise<void> {
    this.startRun++;
    const room = this.currentRoom;
    const client = this.currentClient;
    await room?.leave();
    if (client && this.ownsClient) await client.disconnect();
    this.currentClient = undefined;
    this.connection.setClient(undefined);
    this.notifier.clear();
    this.view = 'idle';
  }

  private whenSettled(): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.view === 'call' || this.view === 'error' || this.view === 'left') resolve();
        else setTimeout(check, 50);
      };
      check();
    });
  }

  private reportLocal(source: string, enabled: boolean): void {
    if (source === 'microphone') this.emit('minimeet-microphone-toggled', { enabled });
    else if (source === 'camera') this.emit('minimeet-camera-toggled', { enabled });
    else if (source === 'screen_share') this.emit('minimeet-screen-share-toggled', { enabled });
  }

  private async act(
    kind: 'microphone' | 'camera' | 'screen',
    action: (room: Room) => Promise<boolean>,
  ): Promise<boolean> {
    const room = this.currentRoom;
    if (!room) throw new Error('Not in a call: join() first.');
    try {
      return await action(room);
    } catch (error) {
      if (isPermissionDenied(error) && error instanceof Error) {
        this.emit('minimeet-device-permission-denied', {
          kind: kind === 'screen' ? 'screen' : kind,
          error,
        });
      }
      throw error;
    }
  }

  private features(): RoomFeatures {
    return {
      chat: !this.hideChat,
      participants: !this.hideParticipants,
      screenShare: !this.hideScreenShare,
      leave: !this.hideLeave,
      settings: !this.hideSettings,
    };
  }

  private readonly commands: RoomCommands = {
    togglePanel: (panel, open) => {
      const next = open ?? this.panel !== panel;
      this.openPanel(next ? panel : this.panel === panel ? null : this.panel);
    },
    togglePin: (id, pinned) => this.pin(id, pinned ?? !this.pinned.includes(id)),
    setLayout: (layout) => {
      this.layout = layout;
    },
    leave: () => this.leave(),
  };

  private contextCache: MinimeetRoomContext | undefined;

  private contextValue(): MinimeetRoomContext {
    const next: MinimeetRoomContext = {
      client: this.currentClient,
      roomId: this.room || undefined,
      room: this.currentRoom,
      chat: this.currentRoom?.chat,
      presence: this.currentClient?.presence,
      notifier: this.notifier,
      panel: this.panel,
      pinned: this.pinned,
      layout: this.layout === 'speaker' ? 'speaker' : 'grid',
      features: this.features(),
      audioOutputDeviceId: this.audioOutputDeviceId,
      commands: this.commands,
    };
    const previous = this.contextCache;
    const same =
      previous !== undefined &&
      (Object.keys(next) as (keyof MinimeetRoomContext)[]).every((key) =>
        key === 'features'
          ? JSON.stringify(previous.features) === JSON.stringify(next.features)
          : previous[key] === next[key],
      );
    if (same) return previous;
    this.contextCache = next;
    return next;
  }

  // ---- rendering ------------------------------------------------------------------------

  protected override render(): TemplateResult {
    const { t } = this.i18n;
    const attempt = this.connection.snapshot.reconnectAttempt;
    // The call's layout is built, hidden, while the join is under way (the camera opening, the
    // server answering): when the join resolves only the tiles are left to render, so the first
    // offers to the others leave without waiting for the whole UI (see bench/src/element-join).
    const inCall = this.view === 'call' || this.view === 'joining';
    return html`
      <div
        part="base"
        class="base"
        dir=${this.i18n.dir}
        lang=${this.i18n.lang}
        ?data-panel=${this.view === 'call' && this.panel !== null}
        role="region"
        aria-label=${t('room.label', { room: this.currentRoom?.name || this.room })}
        @minimeet-prejoin-submit=${(e: CustomEvent<PrejoinSubmitDetail>) => this.onPrejoinSubmit(e)}
        @minimeet-device-changed=${(e: CustomEvent<DeviceChangedDetail>) => this.onDeviceChanged(e)}
        @keydown=${(e: KeyboardEvent) => this.onKeyDown(e)}
      >
        ${
          this.reconnecting
            ? html`<div part="banner" class="banner" role="status">
                ${icon('wifiOff')}
                <span
                  >${
                    attempt > 0
                      ? t('room.reconnectingAttempt', { attempt })
                      : t('room.reconnecting')
                  }</span
                >
              </div>`
            : nothing
        }
        <div part="main" class="main" data-view=${this.view}>
          ${inCall ? this.renderCall() : nothing}
          ${this.view === 'call' ? nothing : this.renderView()}
        </div>
        ${
          inCall
            ? html`<minimeet-control-bar
                part="control-bar"
                class="controls"
                ?hidden=${this.view !== 'call'}
              ></minimeet-control-bar>`
            : nothing
        }
        ${renderNotifications(this.notifier, {
          dismiss: t('common.dismiss'),
          region: t('common.notifications'),
        })}
      </div>
    `;
  }

  private renderView(): TemplateResult {
    const { t } = this.i18n;
    switch (this.view) {
      case 'idle':
      case 'connecting':
        return this.renderBusy(t('room.connecting'));
      case 'joining':
        return this.renderBusy(t('room.joining'));
      case 'lobby':
        return html`<div class="scroll">
          <div part="state lobby" class="state lobby" role="status">
            <span class="spinner" aria-hidden="true"></span>
            <h2 part="state-title" class="state-title">${t('lobby.waitingTitle')}</h2>
            <p class="state-body">${t('lobby.waitingBody')}</p>
            <div part="state-actions" class="state-actions">
              <button class="btn" type="button" @click=${this.leaveLobby}>
                ${t('lobby.leave')}
              </button>
            </div>
          </div>
        </div>`;
      case 'prejoin':
        return html`<div class="scroll">
          <minimeet-prejoin
            part="prejoin"
            .displayName=${this.displayName}
            .askPassword=${this.askPassword && !this.password}
            .roomName=${this.room}
            .audioMuted=${this.audioMuted}
            .videoMuted=${this.videoMuted}
            .iceServers=${this.iceServers}
          >
            ${
              this.querySelector(':scope > [slot="prejoin-header"]')
                ? html`<slot name="prejoin-header" slot="header"></slot>`
                : nothing
            }
            ${
              this.querySelector(':scope > [slot="prejoin-footer"]')
                ? html`<slot name="prejoin-footer" slot="footer"></slot>`
                : nothing
            }
          </minimeet-prejoin>
        </div>`;
      case 'call':
        return html``;
      case 'left':
        return html`<slot name="left">
          ${this.renderState(
            'info',
            t('room.left.title'),
            t('room.left.body'),
            html`
              <button class="btn btn-primary" type="button" @click=${this.rejoin}>
                ${t('room.rejoin')}
              </button>
            `,
          )}
        </slot>`;
      case 'error':
        return this.renderError();
    }
  }

  private renderBusy(text: string): TemplateResult {
    return html`<div part="state" class="state busy" role="status">
      <span class="spinner" aria-hidden="true"></span>
      <p part="state-title" class="state-title">${text}</p>
    </div>`;
  }

  private renderState(
    iconName: IconName,
    title: string,
    body: string,
    actions: TemplateResult | typeof nothing,
    alert = false,
  ): TemplateResult {
    return html`<div class="scroll">
      <div part="state" class="state" role=${alert ? 'alert' : 'status'}>
        <span class="state-icon" data-icon=${iconName}>${icon(iconName)}</span>
        <h2 part="state-title" class="state-title">${title}</h2>
        <p class="state-body">${body}</p>
        ${actions === nothing ? nothing : html`<div part="state-actions" class="state-actions">${actions}</div>`}
      </div>
    </div>`;
  }

  private renderError(): TemplateResult {
    const { t } = this.i18n;
    const code = this.errorCode ?? 'unknown';
    const [titleKey, bodyKey] = ERROR_TEXT[code];
    const message = this.lastError instanceof Error ? this.lastError.message : code;
    const retry = html`<button class="btn btn-primary" type="button" @click=${this.retry}>
      ${icon('refresh')}<span>${t('common.retry')}</span>
    </button>`;
    let actions: TemplateResult | typeof nothing = nothing;
    switch (code) {
      case 'password_required':
      case 'not_found':
        if (code === 'not_found' && !this.mayOfferPassword()) break;
        actions = html`<form
          part="password-form"
          class="password"
          @submit=${(e: SubmitEvent) => this.onPasswordSubmit(e)}
        >
          <div class="field">
            <label for="room-password">${t('room.password.label')}</label>
            <input
              id="room-password"
              name="password"
              type="password"
              autocomplete="current-password"
              required
              aria-invalid=${this.passwordWrong ? 'true' : 'false'}
              aria-describedby=${this.passwordWrong ? 'password-error' : nothing}
            />
            ${
              this.passwordWrong
                ? html`<p class="error-text" id="password-error">${t('room.password.wrong')}</p>`
                : nothing
            }
          </div>
          <button class="btn btn-primary" type="submit">${t('room.password.submit')}</button>
        </form>`;
        break;
      case 'permission_denied':
        actions = html`${retry}
          <button
            class="btn"
            type="button"
            @click=${() => void this.joinWith({ ...this.defaultChoices(), audio: false, video: false })}
          >
            ${t('room.permission.withoutMedia')}
          </button>`;
        break;
      case 'lobby_denied':
        actions = html`<button class="btn btn-primary" type="button" @click=${this.retry}>
          ${icon('refresh')}<span>${t('room.lobbyDenied.again')}</span>
        </button>`;
        break;
      case 'room_locked':
      case 'room_full':
      case 'server_unreachable':
      case 'timeout':
      case 'unknown':
        actions = retry;
        break;
      case 'token_expired':
      case 'token_invalid':
        actions = this.tokenProvider ? retry : nothing;
        break;
      case 'removed':
      case 'room_closed':
      case 'forbidden':
      case 'missing_config':
        actions = nothing;
        break;
    }
    // "Not found" with the password form: the room may be private, so it is not said not to exist.
    const mayBePrivate = code === 'not_found' && actions !== nothing;
    let title = t(mayBePrivate ? 'room.notFound.privateTitle' : titleKey);
    let body: string = t(mayBePrivate ? 'room.notFound.private' : bodyKey, { message });
    const told = this.moderationNotices.endText(code);
    if (told) [title, body] = told;
    return this.renderState(
      mayBePrivate ? 'lock' : (STATE_ICON[code] ?? 'warning'),
      title,
      body,
      actions,
      true,
    );
  }

  /**
   * A private room answers "not found" to whoever offers no password: a signed-in user may hold
   * its password. (A guest's join token opens its room without one.)
   */
  private mayOfferPassword(): boolean {
    return this.currentClient?.principal?.kind === 'user' && !this.password;
  }

  private renderCall(): TemplateResult {
    const { t } = this.i18n;
    const features = this.features();
    const panels: [PanelName, boolean, string][] = [
      ['chat', features.chat, t('room.panel.chat')],
      ['participants', features.participants, t('room.panel.participants')],
      ['settings', features.settings, t('room.panel.settings')],
    ];
    const open = panels.find(([name, on]) => on && name === this.panel);
    // A panel is built the first time it opens, then kept (with its scroll and draft).
    const mounted = (panel: PanelName) => this.panel === panel || this.mountedPanels.has(panel);
    return html`
      <div class="call ${open ? 'with-panel' : ''}" ?hidden=${this.view !== 'call'}>
        <minimeet-video-grid
          part="video-grid"
          class="grid"
          max-tiles=${this.maxTiles}
        ></minimeet-video-grid>
        <aside part="panel" class="panel" ?hidden=${!open} aria-labelledby="panel-title">
          <div part="panel-header" class="panel-header">
            <h2 id="panel-title" tabindex="-1">${open?.[2] ?? ''}</h2>
            <button
              part="panel-close"
              class="icon-btn"
              type="button"
              aria-label=${t('room.panel.close')}
              title=${t('room.panel.close')}
              @click=${() => this.openPanel(null)}
            >
              ${icon('close')}
            </button>
          </div>
          <div class="panel-body">
            ${
              features.chat && mounted('chat')
                ? html`<minimeet-chat
                    class="panel-part"
                    ?hidden=${this.panel !== 'chat'}
                  ></minimeet-chat>`
                : nothing
            }
            ${
              features.participants && mounted('participants')
                ? html`<minimeet-participant-list
                    class="panel-part"
                    ?hidden=${this.panel !== 'participants'}
                  ></minimeet-participant-list>`
                : nothing
            }
            ${
              features.settings && this.panel === 'settings'
                ? html`<div class="settings">
                    <minimeet-device-select kind="videoinput"></minimeet-device-select>
                    <minimeet-device-select kind="audioinput"></minimeet-device-select>
                    <minimeet-device-select
                      kind="audiooutput"
                      .value=${this.audioOutputDeviceId ?? ''}
                    ></minimeet-device-select>
                  </div>`
                : nothing
            }
          </div>
        </aside>
      </div>
    `;
  }

  // ---- handlers -------------------------------------------------------------------------

  private onPrejoinSubmit(event: CustomEvent<PrejoinSubmitDetail>): void {
    const { password, ...choices } = event.detail;
    if (password) this.password = password;
    void this.joinWith(choices);
  }

  private onDeviceChanged(event: CustomEvent<DeviceChangedDetail>): void {
    if (event.detail.kind === 'audiooutput') this.audioOutputDeviceId = event.detail.deviceId;
  }

  private onKeyDown(event: KeyboardEvent): void {
    if (event.key === 'Escape' && this.panel) {
      event.stopPropagation();
      this.openPanel(null);
    }
  }

  private readonly retry = () => {
    if (
      this.currentClient?.state === ConnectionState.Connected &&
      this.errorCode !== 'server_unreachable'
    ) {
      if (
        this.skipPrejoin ||
        this.errorCode === 'permission_denied' ||
        this.errorCode === 'room_full'
      ) {
        void this.joinWith(this.lastChoices ?? this.defaultChoices());
      } else {
        this.view = 'prejoin';
      }
      return;
    }
    void this.start();
  };

  private readonly leaveLobby = () => {
    this.joinRun++;
    this.view = 'left';
    // Closing its own connection takes the user out of the queue at once; an app's client stays,
    // and an admission that still comes is left at once.
    if (this.ownsClient) void this.currentClient?.disconnect();
  };

  private readonly rejoin = () => {
    if (this.currentClient?.state === ConnectionState.Connected) {
      if (this.skipPrejoin) void this.joinWith(this.lastChoices ?? this.defaultChoices());
      else this.view = 'prejoin';
    } else {
      void this.start();
    }
  };

  private onPasswordSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const value = (form.elements.namedItem('password') as HTMLInputElement).value;
    if (!value) return;
    this.password = value;
    void this.joinWith(this.lastChoices ?? this.defaultChoices());
  }

  private focusControl(panel: PanelName): void {
    const bar = this.renderRoot.querySelector('minimeet-control-bar');
    bar?.shadowRoot?.querySelector<HTMLElement>(`[data-control="${panel}"]`)?.focus();
  }
}
