import { listDevices } from '@minimeet/sdk';
import {
  html,
  nothing,
  type CSSResultGroup,
  type PropertyDeclarations,
  type TemplateResult,
} from 'lit';
import { icon, type IconName } from '../icons/icons.js';
import { MinimeetRoomPart } from '../internal/room-part.js';
import type { MessageKey } from '../i18n/types.js';
import { deviceSelectStyles } from './device-select.styles.js';

const KIND_LABEL: Readonly<Record<MediaDeviceKind, MessageKey>> = {
  audioinput: 'device.microphone',
  videoinput: 'device.camera',
  audiooutput: 'device.speaker',
};

const KIND_ICON: Readonly<Record<MediaDeviceKind, IconName>> = {
  audioinput: 'mic',
  videoinput: 'camera',
  audiooutput: 'speaker',
};

let nextId = 0;

/** Whether this browser can choose where a media element plays (`setSinkId`). */
export function canChooseSpeaker(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}

/**
 * A labelled select of the cameras, microphones or speakers, kept up to date as devices come
 * and go. In a call, picking a camera or microphone switches the one the call sends, without
 * renegotiation; every pick is reported as `minimeet-device-changed` (the room routes the
 * call's sound to a picked speaker).
 *
 * @summary Pick a camera, microphone or speaker.
 *
 * @slot suffix - Content after the select, such as a test button.
 *
 * @csspart base - The wrapper.
 * @csspart label - The label.
 * @csspart select - The `<select>`.
 * @csspart hint - The note shown when the browser cannot choose a speaker.
 *
 * @event {MinimeetDeviceChangedEvent} minimeet-device-changed - The user picked a device;
 *   `detail` has `kind` and `deviceId`.
 */
export class MinimeetDeviceSelect extends MinimeetRoomPart {
  static override styles: CSSResultGroup = [MinimeetRoomPart.styles, deviceSelectStyles];

  static override properties: PropertyDeclarations = {
    kind: { reflect: true },
    value: {},
    label: {},
    devices: { state: true },
  };

  /** `videoinput` (default), `audioinput` or `audiooutput`. */
  declare kind: MediaDeviceKind;
  /** The chosen device id; empty for the default. */
  declare value: string;
  /** The label; by default "Camera", "Microphone" or "Speaker" in the element's language. */
  declare label: string | undefined;
  declare private devices: MediaDeviceInfo[];

  private readonly selectId = `minimeet-device-${++nextId}`;
  private readonly onDeviceChange = () => void this.refresh();

  constructor() {
    super();
    this.kind = 'videoinput';
    this.value = '';
    this.devices = [];
  }

  override connectedCallback(): void {
    super.connectedCallback();
    navigator.mediaDevices?.addEventListener?.('devicechange', this.onDeviceChange);
    void this.refresh();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    navigator.mediaDevices?.removeEventListener?.('devicechange', this.onDeviceChange);
  }

  /** Lists the devices again (labels appear once the page may capture). */
  async refresh(): Promise<void> {
    try {
      this.devices = await listDevices(this.kind);
    } catch {
      this.devices = [];
    }
    if (!this.value && this.kind !== 'audiooutput') {
      this.value = this.currentRoom?.localParticipant.getActiveDevice(this.kind) ?? '';
    }
  }

  protected override render(): TemplateResult {
    const { t } = this.i18n;
    const label = this.label ?? t(KIND_LABEL[this.kind]);
    const speakerLocked = this.kind === 'audiooutput' && !canChooseSpeaker();
    const options = this.devices.filter((d) => d.deviceId !== '');
    return html`
      <div part="base" class="base" dir=${this.i18n.dir}>
        <label part="label" class="label" for=${this.selectId}>
          ${icon(KIND_ICON[this.kind])}<span>${label}</span>
        </label>
        <div class="row">
          <select
            part="select"
            id=${this.selectId}
            .value=${this.value}
            ?disabled=${speakerLocked || options.length === 0}
            @change=${(e: Event) => this.onChange(e)}
          >
            ${
              options.length === 0
                ? html`<option value="">${t('device.none')}</option>`
                : options.map(
                    (device, index) =>
                      html`<option
                        value=${device.deviceId}
                        ?selected=${device.deviceId === this.value}
                      >
                        ${device.label || t('device.unnamed', { kind: label, index: index + 1 })}
                      </option>`,
                  )
            }
          </select>
          <slot name="suffix"></slot>
        </div>
        ${
          speakerLocked
            ? html`<p part="hint" class="hint">${t('device.speakerUnsupported')}</p>`
            : nothing
        }
      </div>
    `;
  }

  private onChange(event: Event): void {
    const deviceId = (event.target as HTMLSelectElement).value;
    this.value = deviceId;
    const room = this.currentRoom;
    if (room && this.kind !== 'audiooutput' && deviceId) {
      void room.localParticipant.switchActiveDevice(this.kind, deviceId).catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        this.notifier.notify(this.i18n.t('toast.deviceFailed', { message }), { variant: 'danger' });
      });
    }
    this.emit('minimeet-device-changed', { kind: this.kind, deviceId });
  }
}
