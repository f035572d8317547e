import { ConnectionState } from '@minimeet/sdk';
import {
  html,
  nothing,
  type CSSResultGroup,
  type PropertyDeclarations,
  type TemplateResult,
} from 'lit';
import type { DeviceChangedDetail, PrejoinSubmitDetail } from '../events/room-events.js';
import { icon } from '../icons/icons.js';
import { isPermissionDenied } from '../internal/media-actions.js';
import { MinimeetRoomPart } from '../internal/room-part.js';
import { checkIceServers, type CheckResult } from './connection-check.js';
import { prejoinStyles } from './prejoin.styles.js';
import { testSoundUrl } from './test-sound.js';

/** The choices the pre-join screen remembers between visits. */
interface StoredChoices {
  audio?: boolean;
  video?: boolean;
  audioDeviceId?: string;
  videoDeviceId?: string;
  audioOutputDeviceId?: string;
  /** The name typed, and whose it is (the principal id): another user is not offered it. */
  displayName?: string;
  nameFor?: string;
}

type Permission = 'unknown' | 'granted' | 'denied';

/**
 * The screen before a call: a mirrored camera preview, camera, microphone and speaker selects
 * (with a test sound), a microphone level meter, the display name (editable for a signed-in user,
 * read-only when a join token fixes it), the room password when asked for (`ask-password`),
 * microphone and camera switches to join with either off, a connection check of the server and of
 * STUN/TURN, and help when the browser blocks the devices. Choices (the name typed too) are
 * remembered in `localStorage`. Pressing Join stops the preview and dispatches `minimeet-prejoin-submit`;
 * `<minimeet-room>` then joins with those choices.
 *
 * Uses `<minimeet-device-select>`; register it too.
 *
 * @summary Check camera, microphone and connection, then join.
 *
 * @slot header - Replaces the title and subtitle.
 * @slot footer - Content under the Join button (terms, help links).
 *
 * @csspart base - The card.
 * @csspart preview - The preview area.
 * @csspart video - The preview `<video>`.
 * @csspart preview-controls - The microphone and camera switches over the preview.
 * @csspart microphone-toggle - The microphone switch.
 * @csspart camera-toggle - The camera switch.
 * @csspart meter - The microphone level meter.
 * @csspart form - The column with name, devices, check and Join.
 * @csspart title - The heading.
 * @csspart name-input - The display name field.
 * @csspart password-input - The room password field (with `ask-password`).
 * @csspart device-select - Each `<minimeet-device-select>`.
 * @csspart test-sound-button - The button that plays the test sound.
 * @csspart check - The connection check list.
 * @csspart permission-help - The help shown when devices are blocked.
 * @csspart join-button - The Join button.
 *
 * @cssprop --minimeet-prejoin-max-width - Widest the card grows.
 *
 * @event {MinimeetPrejoinSubmitEvent} minimeet-prejoin-submit - The user pressed Join.
 * @event {MinimeetDevicePermissionDeniedEvent} minimeet-device-permission-denied - The browser
 *   blocked the camera or microphone.
 * @event {MinimeetDeviceChangedEvent} minimeet-device-changed - A device was picked.
 */
export class MinimeetPrejoin extends MinimeetRoomPart {
  static override styles: CSSResultGroup = [MinimeetRoomPart.styles, prejoinStyles];

  static override properties: PropertyDeclarations = {
    displayName: { attribute: 'display-name' },
    nameFixed: { type: Boolean, attribute: 'name-fixed' },
    askPassword: { type: Boolean, attribute: 'ask-password' },
    roomName: { attribute: 'room-name' },
    audioMuted: { type: Boolean, attribute: 'audio-muted' },
    videoMuted: { type: Boolean, attribute: 'video-muted' },
    storageKey: { attribute: 'storage-key' },
    iceServers: { attribute: false },
    busy: { type: Boolean, reflect: true },
    audioOn: { state: true },
    videoOn: { state: true },
    permission: { state: true },
    level: { state: true },
    serverCheck: { state: true },
    mediaCheck: { state: true },
    playing: { state: true },
    choices: { state: true },
  };

  /**
   * The name suggested in the name field; a name the same user typed before wins, and the
   * signed-in user's name is used when both are empty. A join token's name replaces it.
   */
  declare displayName: string;
  /** The name cannot be edited (a join token's name never can). */
  declare nameFixed: boolean;
  /** Ask for the room password (a private room never says that it has one). */
  declare askPassword: boolean;
  /** The room's name, for the subtitle. */
  declare roomName: string;
  /** Start with the microphone off (unless a remembered choice says otherwise). */
  declare audioMuted: boolean;
  /** Start with the camera off (unless a remembered choice says otherwise). */
  declare videoMuted: boolean;
  /** The `localStorage` key for remembered choices; empty to remember nothing. */
  declare storageKey: string;
  /**
   * STUN/TURN servers to check; without them, the server's (`client.getIceServers()`) when the
   * client is connected, else only direct connectivity.
   */
  declare iceServers: RTCIceServer[];
  /** Joining is under way: the Join button waits. */
  declare busy: boolean;
  declare private audioOn: boolean;
  declare private videoOn: boolean;
  declare private permission: Permission;
  declare private level: number;
  declare private serverCheck: CheckResult | undefined;
  declare private mediaCheck: CheckResult;
  declare private playing: boolean;
  declare private choices: StoredChoices;

  private stream: MediaStream | undefined;
  private audioContext: AudioContext | undefined;
  private meterTimer: ReturnType<typeof setInterval> | undefined;
  private captureRun = 0;
  private soundUrl: string | undefined;
  private startedWith = false;
  private typedName: string | undefined;

  constructor() {
    super();
    this.displayName = '';
    this.nameFixed = false;
    this.askPassword = false;
    this.roomName = '';
    this.audioMuted = false;
    this.videoMuted = false;
    this.storageKey = 'minimeet:prejoin';
    this.iceServers = [];
    this.busy = false;
    this.audioOn = true;
    this.videoOn = true;
    this.permission = 'unknown';
    this.level = 0;
    this.mediaCheck = { status: 'pending' };
    this.playing = false;
    this.choices = {};
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.startedWith) {
      this.startedWith = true;
      this.choices = this.load();
      this.audioOn = this.choices.audio ?? !this.audioMuted;
      this.videoOn = this.choices.video ?? !this.videoMuted;
    }
    void this.capture();
    void this.runChecks();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopPreview();
  }

  /** The choices as they stand: what Join would send. */
  get selection(): PrejoinSubmitDetail {
    const password = this.askPassword
      ? this.renderRoot?.querySelector<HTMLInputElement>('#password')?.value
      : undefined;
    return {
      displayName: this.effectiveName().trim(),
      ...(password ? { password } : {}),
      audio: this.audioOn,
      video: this.videoOn,
      audioDeviceId: this.choices.audioDeviceId,
      videoDeviceId: this.choices.videoDeviceId,
      audioOutputDeviceId: this.choices.audioOutputDeviceId,
    };
  }

  /** Runs the connection check again. */
  async runChecks(): Promise<void> {
    const client = this.currentClient;
    this.serverCheck = client ? { status: 'pending' } : undefined;
    this.mediaCheck = { status: 'pending' };
    const server = async (): Promise<CheckResult> => {
      if (!client || client.state !== ConnectionState.Connected) return { status: 'failed' };
      try {
        return { status: 'ok', ms: Math.round(await client.ping()) };
      } catch {
        return { status: 'failed' };
      }
    };
    // The app's own servers when it set some; else the server's, with TURN credentials minted
    // for this check (GET /api/ice-servers).
    const media = async (): Promise<CheckResult> => {
      let iceServers: RTCIceServer[] = this.iceServers;
      if (iceServers.length === 0 && client?.state === ConnectionState.Connected) {
        try {
          iceServers = (await client.getIceServers()).iceServers;
        } catch {
          // An older server, or a refusal: the check says what the browser finds alone.
        }
      }
      return checkIceServers(iceServers);
    };
    const [serverResult, mediaResult] = await Promise.all([
      client ? server() : Promise.resolve(undefined),
      media(),
    ]);
    this.serverCheck = serverResult;
    this.mediaCheck = mediaResult;
  }

  protected override render(): TemplateResult {
    const { t } = this.i18n;
    const fixed = this.isNameFixed();
    return html`
      <div part="base" class="base" dir=${this.i18n.dir}>
        <div part="preview" class="preview">
          <div class="video-frame">
            <video
              part="video"
              class="video"
              ?hidden=${!this.videoOn || this.permission === 'denied'}
              autoplay
              playsinline
              muted
              aria-label=${t('prejoin.preview')}
            ></video>
            ${
              !this.videoOn || this.permission === 'denied'
                ? html`<div class="camera-off">
                    <span class="camera-off-icon">${icon('cameraOff')}</span>
                    <span>${t('prejoin.cameraOff')}</span>
                  </div>`
                : nothing
            }
            <div part="preview-controls" class="preview-controls">
              <button
                part="microphone-toggle"
                class="round ${this.audioOn ? '' : 'off'}"
                type="button"
                aria-pressed=${this.audioOn ? 'true' : 'false'}
                aria-label=${t('device.microphone')}
                title=${this.audioOn ? t('controls.micOnHint') : t('controls.micOffHint')}
                @click=${() => this.setAudio(!this.audioOn)}
              >
                ${icon(this.audioOn ? 'mic' : 'micOff')}
              </button>
              <button
                part="camera-toggle"
                class="round ${this.videoOn ? '' : 'off'}"
                type="button"
                aria-pressed=${this.videoOn ? 'true' : 'false'}
                aria-label=${t('device.camera')}
                title=${this.videoOn ? t('controls.camOnHint') : t('controls.camOffHint')}
                @click=${() => this.setVideo(!this.videoOn)}
              >
                ${icon(this.videoOn ? 'camera' : 'cameraOff')}
              </button>
            </div>
          </div>
          <div class="meter-row">
            ${icon(this.audioOn ? 'mic' : 'micOff')}
            <div
              part="meter"
              class="meter"
              role="meter"
              aria-label=${t('prejoin.micLevel')}
              aria-valuemin="0"
              aria-valuemax="100"
              aria-valuenow=${Math.round(this.level * 100)}
            >
              <span class="meter-fill" style="inline-size: ${Math.round(this.level * 100)}%"></span>
            </div>
          </div>
          ${this.renderCheck()}
        </div>

        <div part="form" class="form">
          <slot name="header">
            <h2 part="title" class="title">${t('prejoin.title')}</h2>
            ${
              this.roomName
                ? html`<p class="subtitle">${t('prejoin.subtitle', { room: this.roomName })}</p>`
                : nothing
            }
          </slot>

          ${this.permission === 'denied' ? this.renderPermissionHelp() : nothing}

          <div class="field">
            <label for="name">${t('prejoin.name')}</label>
            <input
              part="name-input"
              id="name"
              type="text"
              autocomplete="name"
              maxlength="80"
              .value=${this.effectiveName()}
              ?readonly=${fixed}
              required
              aria-describedby=${fixed ? 'name-hint' : nothing}
              @input=${(e: Event) => this.onNameInput((e.target as HTMLInputElement).value)}
            />
            ${fixed ? html`<p class="hint" id="name-hint">${t('prejoin.nameFixed')}</p>` : nothing}
          </div>

          ${
            this.askPassword
              ? html`<div class="field">
                  <label for="password">${t('room.password.label')}</label>
                  <input
                    part="password-input"
                    id="password"
                    type="password"
                    autocomplete="current-password"
                    maxlength="128"
                    aria-describedby="password-hint"
                  />
                  <p class="hint" id="password-hint">${t('prejoin.passwordHint')}</p>
                </div>`
              : nothing
          }

          <div
            class="devices"
            @minimeet-device-changed=${(e: CustomEvent<DeviceChangedDetail>) => this.onDeviceChanged(e)}
          >
            <minimeet-device-select
              part="device-select"
              kind="videoinput"
              .value=${this.choices.videoDeviceId ?? ''}
            ></minimeet-device-select>
            <minimeet-device-select
              part="device-select"
              kind="audioinput"
              .value=${this.choices.audioDeviceId ?? ''}
            ></minimeet-device-select>
            <minimeet-device-select
              part="device-select"
              kind="audiooutput"
              .value=${this.choices.audioOutputDeviceId ?? ''}
            >
              <button
                slot="suffix"
                part="test-sound-button"
                class="btn test"
                type="button"
                ?disabled=${this.playing}
                @click=${() => void this.playTestSound()}
              >
                ${icon('speaker')}<span
                  >${this.playing ? t('prejoin.testingSpeaker') : t('prejoin.testSpeaker')}</span
                >
              </button>
            </minimeet-device-select>
          </div>

          <button
            part="join-button"
            class="btn btn-primary join"
            type="button"
            ?disabled=${this.busy}
            @click=${() => this.submit()}
          >
            ${this.busy ? t('prejoin.joining') : t('prejoin.join')}
          </button>
          <slot name="footer"></slot>
        </div>
      </div>
    `;
  }

  private renderPermissionHelp(): TemplateResult {
    const { t } = this.i18n;
    return html`
      <div part="permission-help" class="permission" role="alert">
        <span class="permission-icon">${icon('lock')}</span>
        <div>
          <p class="permission-title">${t('prejoin.permission.title')}</p>
          <p class="permission-body">${t('prejoin.permission.body')}</p>
          <div class="permission-actions">
            <button class="btn" type="button" @click=${() => void this.capture()}>
              ${icon('refresh')}<span>${t('common.retry')}</span>
            </button>
            <button
              class="btn"
              type="button"
              @click=${() => this.submit({ audio: false, video: false })}
            >
              ${t('room.permission.withoutMedia')}
            </button>
          </div>
        </div>
      </div>
    `;
  }

  private renderCheck(): TemplateResult {
    const { t } = this.i18n;
    const line = (check: string, label: string, result: CheckResult | undefined) => {
      if (!result) return nothing;
      const text =
        result.status === 'pending'
          ? t('prejoin.check.pending')
          : result.status === 'ok'
            ? result.ms !== undefined
              ? t('prejoin.check.ok', { ms: this.i18n.number(result.ms) })
              : t('prejoin.check.okPlain')
            : result.status === 'local'
              ? t('prejoin.check.local')
              : t('prejoin.check.failed');
      const relay =
        result.status === 'ok' && result.relay !== undefined ? String(result.relay) : nothing;
      return html`<li data-check=${check} data-status=${result.status} data-relay=${relay}>
        <span class="check-dot" aria-hidden="true"></span>
        <span class="check-label">${label}</span>
        <span class="check-result">${text}</span>
      </li>`;
    };
    return html`
      <section part="check" class="check" aria-labelledby="check-title">
        <div class="check-head">
          <h3 id="check-title">${t('prejoin.check.title')}</h3>
          <button
            class="icon-btn"
            type="button"
            aria-label=${t('prejoin.check.again')}
            title=${t('prejoin.check.again')}
            @click=${() => void this.runChecks()}
          >
            ${icon('refresh')}
          </button>
        </div>
        <ul role="list">
          ${line('server', t('prejoin.check.server'), this.serverCheck)}
          ${line('media', t('prejoin.check.media'), this.mediaCheck)}
        </ul>
      </section>
    `;
  }

  /** A guest's name comes from its join token; a user may choose another for the call. */
  private isNameFixed(): boolean {
    return this.nameFixed || this.currentClient?.principal?.kind === 'guest';
  }

  private effectiveName(): string {
    const principal = this.currentClient?.principal;
    if (principal?.kind === 'guest') return principal.displayName;
    if (this.typedName !== undefined) return this.typedName;
    const remembered =
      principal && this.choices.nameFor === principal.id ? this.choices.displayName : undefined;
    return remembered || this.displayName || principal?.displayName || '';
  }

  private onNameInput(value: string): void {
    this.typedName = value;
    this.renderRoot.querySelector<HTMLInputElement>('#name')?.setCustomValidity('');
    const principal = this.currentClient?.principal;
    // Remembered for this user only; an emptied field forgets it.
    if (principal?.kind === 'user') {
      this.save({ displayName: value.trim() || undefined, nameFor: principal.id });
    }
  }

  private setAudio(on: boolean): void {
    this.audioOn = on;
    this.save({ audio: on });
    void this.capture();
  }

  private setVideo(on: boolean): void {
    this.videoOn = on;
    this.save({ video: on });
    void this.capture();
  }

  private onDeviceChanged(event: CustomEvent<DeviceChangedDetail>): void {
    const { kind, deviceId } = event.detail;
    if (kind === 'audioinput') this.save({ audioDeviceId: deviceId });
    else if (kind === 'videoinput') this.save({ videoDeviceId: deviceId });
    else this.save({ audioOutputDeviceId: deviceId });
    if (kind !== 'audiooutput') void this.capture();
  }

  /** Presses Join: stops the preview (so the call can take the devices) and reports the choices. */
  submit(overrides: Partial<Pick<PrejoinSubmitDetail, 'audio' | 'video'>> = {}): void {
    if (this.busy) return;
    const name = this.renderRoot?.querySelector<HTMLInputElement>('#name');
    if (name && !this.isNameFixed() && !name.value.trim()) {
      // The browser says why, at the field; typing clears it.
      name.setCustomValidity(this.i18n.t('prejoin.nameRequired'));
      name.reportValidity();
      name.focus();
      return;
    }
    const detail = { ...this.selection, ...overrides };
    this.stopPreview();
    this.emit('minimeet-prejoin-submit', detail);
  }

  private async capture(): Promise<void> {
    const run = ++this.captureRun;
    this.stopPreview();
    if (!this.audioOn && !this.videoOn) {
      this.requestUpdate();
      return;
    }
    const devices = navigator.mediaDevices;
    if (!devices?.getUserMedia) return;
    let stream: MediaStream;
    try {
      stream = await devices.getUserMedia({
        audio: this.audioOn
          ? this.choices.audioDeviceId
            ? { deviceId: { exact: this.choices.audioDeviceId } }
            : true
          : false,
        video: this.videoOn
          ? this.choices.videoDeviceId
            ? { deviceId: { exact: this.choices.videoDeviceId } }
            : true
          : false,
      });
    } catch (error) {
      if (run !== this.captureRun) return;
      if (error instanceof Error && error.name === 'OverconstrainedError') {
        // A remembered device is gone: fall back to the defaults.
        this.save({ audioDeviceId: undefined, videoDeviceId: undefined });
        void this.capture();
        return;
      }
      if (isPermissionDenied(error)) {
        this.permission = 'denied';
        this.emit('minimeet-device-permission-denied', {
          kind:
            this.audioOn && this.videoOn
              ? 'camera-and-microphone'
              : this.videoOn
                ? 'camera'
                : 'microphone',
          error: error as Error,
        });
      }
      return;
    }
    if (run !== this.captureRun || !this.isConnected) {
      for (const track of stream.getTracks()) track.stop();
      return;
    }
    this.permission = 'granted';
    this.stream = stream;
    await this.updateComplete;
    const video = this.renderRoot.querySelector<HTMLVideoElement>('video');
    if (video) {
      video.srcObject = stream;
      void video.play().catch(() => undefined);
    }
    this.startMeter(stream);
    // Labels appear once capture is allowed.
    for (const select of this.renderRoot.querySelectorAll('minimeet-device-select')) {
      void (select as HTMLElement & { refresh?: () => Promise<void> }).refresh?.();
    }
  }

  private startMeter(stream: MediaStream): void {
    const track = stream.getAudioTracks()[0];
    if (!track || typeof AudioContext === 'undefined') return;
    this.audioContext = new AudioContext();
    void this.audioContext.resume().catch(() => undefined);
    const analyser = this.audioContext.createAnalyser();
    analyser.fftSize = 512;
    this.audioContext.createMediaStreamSource(new MediaStream([track])).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    this.meterTimer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      // RMS rises slowly with loudness; the square root spreads speech over the bar.
      const level = Math.min(1, Math.sqrt(Math.sqrt(sum / samples.length)) * 1.6);
      if (Math.abs(level - this.level) > 0.02) this.level = level;
    }, 120);
  }

  private stopPreview(): void {
    clearInterval(this.meterTimer);
    this.meterTimer = undefined;
    void this.audioContext?.close().catch(() => undefined);
    this.audioContext = undefined;
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = undefined;
    this.level = 0;
    const video = this.renderRoot?.querySelector<HTMLVideoElement>('video');
    if (video) video.srcObject = null;
  }

  private async playTestSound(): Promise<void> {
    this.soundUrl ??= testSoundUrl();
    const audio = new Audio(this.soundUrl) as HTMLAudioElement & {
      setSinkId?: (id: string) => Promise<void>;
    };
    const sink = this.choices.audioOutputDeviceId;
    if (sink && audio.setSinkId) await audio.setSinkId(sink).catch(() => undefined);
    this.playing = true;
    audio.onended = audio.onerror = () => (this.playing = false);
    await audio.play().catch(() => (this.playing = false));
  }

  private load(): StoredChoices {
    if (!this.storageKey) return {};
    try {
      const raw = localStorage.getItem(this.storageKey);
      const value: unknown = raw ? JSON.parse(raw) : {};
      return typeof value === 'object' && value !== null ? value : {};
    } catch {
      return {};
    }
  }

  private save(change: StoredChoices): void {
    this.choices = { ...this.choices, ...change };
    if (!this.storageKey) return;
    try {
      localStorage.setItem(
        this.storageKey,
        JSON.stringify({ ...this.choices, audio: this.audioOn, video: this.videoOn }),
      );
    } catch {
      // Storage may be full or blocked (private mode); choices then last for this page only.
    }
  }
}
