import { RoomEvent } from '@minimeet/sdk';
import {
  html,
  nothing,
  type CSSResultGroup,
  type PropertyDeclarations,
  type TemplateResult,
} from 'lit';
import type { PanelName } from '../context/room-context.js';
import { ModerationController } from '../controllers/ModerationController.js';
import { RoomController } from '../controllers/RoomController.js';
import { icon, type IconName } from '../icons/icons.js';
import {
  canShareScreen,
  isCameraOn,
  isMicrophoneOn,
  isPermissionDenied,
  isScreenSharing,
  toggleCamera,
  toggleMicrophone,
  toggleScreenShare,
} from '../internal/media-actions.js';
import { isHost, mayPublish, reportFailure } from '../internal/moderation.js';
import { MinimeetRoomPart } from '../internal/room-part.js';
import type { MessageKey } from '../i18n/types.js';
import { controlBarStyles } from './control-bar.styles.js';

interface ControlSpec {
  readonly id: string;
  readonly icon: IconName;
  readonly label: MessageKey;
  readonly hint: MessageKey;
  readonly pressed?: boolean;
  readonly variant?: 'danger' | 'off' | 'active';
  readonly onClick: () => void;
  /** Why the control cannot be used now (a host took the right away): shown instead of the hint. */
  readonly notAllowed?: MessageKey;
  /** A number on the button (people waiting in the lobby), with its sentence for the tooltip. */
  readonly badge?: { readonly count: number; readonly text: string };
}

/**
 * The call's controls, always on screen: microphone, camera, screen share (which becomes "stop
 * sharing"), raise hand, chat, participants, device settings and leave, each with an icon, a label
 * and a tooltip. Labels hide on narrow bars; the accessible names stay. A control a host has not
 * allowed stays in place, disabled, and its tooltip says why; for hosts the participants button
 * counts the people waiting in the lobby. Acts on the room's local
 * participant through the SDK, and opens the room's side panels through its context.
 *
 * @summary The call's control buttons.
 *
 * @csspart base - The toolbar.
 * @csspart button - Every button.
 * @csspart microphone-button - The microphone button.
 * @csspart camera-button - The camera button.
 * @csspart screen-share-button - The screen share button.
 * @csspart hand-button - The raise-hand button (pressed while the hand is up).
 * @csspart chat-button - The chat button.
 * @csspart participants-button - The participants button.
 * @csspart settings-button - The device settings button.
 * @csspart leave-button - The leave button.
 * @csspart label - The text under each icon.
 * @csspart tooltip - The tooltip of each button.
 * @csspart badge - The number of people waiting in the lobby, on the participants button (hosts).
 *
 * @cssprop --minimeet-control-size - Height of the buttons.
 * @cssprop --minimeet-control-bar-background - Background of the bar.
 *
 * @event {MinimeetDevicePermissionDeniedEvent} minimeet-device-permission-denied - The browser
 *   refused the camera, microphone or screen.
 */
export class MinimeetControlBar extends MinimeetRoomPart {
  static override styles: CSSResultGroup = [MinimeetRoomPart.styles, controlBarStyles];

  static override properties: PropertyDeclarations = {
    hideLabels: { type: Boolean, attribute: 'hide-labels', reflect: true },
    busy: { state: true },
  };

  /** Show icons only (labels stay as accessible names and tooltips). */
  declare hideLabels: boolean;
  declare private busy: Set<string>;

  private readonly call = new RoomController(this, { [RoomEvent.LocalTrackPublished]: true });
  private readonly moderation = new ModerationController(this);

  constructor() {
    super();
    this.hideLabels = false;
    this.busy = new Set();
  }

  protected override willUpdate(): void {
    this.call.setRoom(this.currentRoom);
    this.moderation.setRoom(this.currentRoom);
  }

  protected override render(): TemplateResult {
    const { t } = this.i18n;
    const local = this.call.localParticipant;
    const features = this.context?.features;
    const panel = this.context?.panel ?? null;
    const micOn = isMicrophoneOn(local);
    const camOn = isCameraOn(local);
    const sharing = isScreenSharing(local);
    const permissions = local?.permissions;
    const may = (source: 'microphone' | 'camera' | 'screen') =>
      permissions ? mayPublish(permissions, source) : true;
    // A viewer (a token that never publishes) sees no media buttons; a source a host took away
    // stays, disabled, with the reason.
    const canPublish =
      (permissions?.canPublish ?? true) || may('microphone') || may('camera') || may('screen');
    const media: ControlSpec[] = [
      {
        id: 'microphone',
        icon: micOn ? 'mic' : 'micOff',
        label: micOn ? 'controls.micOn' : 'controls.micOff',
        hint: micOn ? 'controls.micOnHint' : 'controls.micOffHint',
        variant: micOn ? undefined : 'off',
        notAllowed: may('microphone') ? undefined : 'mod.notAllowed.microphone',
        onClick: () => void this.run('microphone', (room) => toggleMicrophone(room)),
      },
      {
        id: 'camera',
        icon: camOn ? 'camera' : 'cameraOff',
        label: camOn ? 'controls.camOn' : 'controls.camOff',
        hint: camOn ? 'controls.camOnHint' : 'controls.camOffHint',
        variant: camOn ? undefined : 'off',
        notAllowed: may('camera') ? undefined : 'mod.notAllowed.camera',
        onClick: () => void this.run('camera', (room) => toggleCamera(room)),
      },
    ];
    if ((features?.screenShare ?? true) && canShareScreen()) {
      media.push({
        id: 'screen-share',
        icon: sharing ? 'stopShare' : 'screenShare',
        label: sharing ? 'controls.stopShare' : 'controls.share',
        hint: sharing ? 'controls.stopShareHint' : 'controls.shareHint',
        variant: sharing ? 'active' : undefined,
        notAllowed: may('screen') ? undefined : 'mod.notAllowed.screen',
        onClick: () => void this.run('screen-share', (room) => toggleScreenShare(room)),
      });
    }
    const panels: ControlSpec[] = [];
    const raised = this.moderation.moderation?.isHandRaised ?? false;
    if (this.call.room)
      panels.push({
        id: 'hand',
        icon: 'hand',
        label: raised ? 'hand.lower' : 'hand.raise',
        hint: raised ? 'hand.lowerHint' : 'hand.raiseHint',
        pressed: raised,
        onClick: () => void this.toggleHand(!raised),
      });
    const waiting = isHost(local) ? this.moderation.lobby.length : 0;
    const panelButton = (
      name: PanelName,
      iconName: IconName,
      label: MessageKey,
      hint: MessageKey,
    ) =>
      panels.push({
        id: name,
        icon: iconName,
        label,
        hint,
        pressed: panel === name,
        badge:
          name === 'participants' && waiting > 0
            ? { count: waiting, text: t('lobby.waiting', { count: waiting }) }
            : undefined,
        onClick: () => this.context?.commands.togglePanel(name),
      });
    if (this.context && (features?.chat ?? true))
      panelButton('chat', 'chat', 'controls.chat', 'controls.chatHint');
    if (this.context && (features?.participants ?? true))
      panelButton(
        'participants',
        'participants',
        'controls.participants',
        'controls.participantsHint',
      );
    if (this.context && (features?.settings ?? true))
      panelButton('settings', 'settings', 'controls.settings', 'controls.settingsHint');
    const leave: ControlSpec | undefined =
      (features?.leave ?? true)
        ? {
            id: 'leave',
            icon: 'leave',
            label: 'controls.leave',
            hint: 'controls.leaveHint',
            variant: 'danger',
            onClick: () => void this.leave(),
          }
        : undefined;
    return html`
      <div
        part="base"
        class="base"
        role="toolbar"
        aria-label=${t('controls.label')}
        dir=${this.i18n.dir}
        @keydown=${(e: KeyboardEvent) => this.onKeyDown(e)}
      >
        <div class="group">${canPublish ? media.map((c) => this.renderButton(c)) : nothing}</div>
        <div class="group">${panels.map((c) => this.renderButton(c))}</div>
        <div class="group">${leave ? this.renderButton(leave) : nothing}</div>
      </div>
    `;
  }

  private renderButton(control: ControlSpec): TemplateResult {
    const { t } = this.i18n;
    const tooltipId = `tip-${control.id}`;
    return html`
      <span class="control">
        <button
          part="button ${control.id}-button"
          class="button"
          type="button"
          data-control=${control.id}
          data-variant=${control.variant ?? 'default'}
          aria-pressed=${control.pressed === undefined ? nothing : control.pressed ? 'true' : 'false'}
          aria-describedby=${tooltipId}
          aria-disabled=${control.notAllowed ? 'true' : nothing}
          ?disabled=${this.busy.has(control.id) || !this.canAct(control.id)}
          @click=${control.notAllowed ? () => this.explain(control.notAllowed!) : control.onClick}
        >
          <span class="icon-wrap"
            >${icon(control.icon)}${
              control.badge
                ? html`<span part="badge" class="badge" aria-hidden="true"
                    >${this.i18n.number(control.badge.count)}</span
                  >`
                : nothing
            }</span
          >
          <span part="label" class="label">${t(control.label)}</span>
        </button>
        <span part="tooltip" class="tooltip" role="tooltip" id=${tooltipId}
          >${
            control.notAllowed
              ? t(control.notAllowed)
              : control.badge
                ? `${t(control.hint)}. ${control.badge.text}`
                : t(control.hint)
          }</span
        >
      </span>
    `;
  }

  private explain(reason: MessageKey): void {
    this.notifier.notify(this.i18n.t(reason), { variant: 'warning' });
  }

  private async toggleHand(raise: boolean): Promise<void> {
    const room = this.call.room;
    if (!room || this.busy.has('hand')) return;
    this.busy = new Set([...this.busy, 'hand']);
    try {
      await room.moderation.setHandRaised(raise);
      this.notifier.announce(this.i18n.t(raise ? 'hand.youRaised' : 'hand.youLowered'));
    } catch (error) {
      reportFailure(this.i18n, this.notifier, error);
    } finally {
      const next = new Set(this.busy);
      next.delete('hand');
      this.busy = next;
    }
  }

  private canAct(id: string): boolean {
    if (id === 'chat' || id === 'participants' || id === 'settings' || id === 'leave') return true;
    return this.call.room !== undefined;
  }

  private async run(
    id: string,
    action: (room: NonNullable<typeof this.call.room>) => Promise<boolean>,
  ): Promise<void> {
    const room = this.call.room;
    if (!room || this.busy.has(id)) return;
    this.busy = new Set([...this.busy, id]);
    try {
      const on = await action(room);
      const { t } = this.i18n;
      if (id === 'microphone')
        this.notifier.announce(on ? t('toast.micUnmuted') : t('toast.micMuted'));
      if (id === 'camera') this.notifier.announce(on ? t('toast.cameraOn') : t('toast.cameraOff'));
    } catch (error) {
      this.reportFailure(id, error);
    } finally {
      const next = new Set(this.busy);
      next.delete(id);
      this.busy = next;
    }
  }

  private reportFailure(id: string, error: unknown): void {
    const { t } = this.i18n;
    const message = error instanceof Error ? error.message : String(error);
    if (id === 'screen-share') {
      // Closing the browser's picker is a choice, not a failure worth a toast.
      if (error instanceof Error && error.name === 'NotAllowedError') return;
      this.notifier.notify(t('toast.screenShareFailed', { message }), { variant: 'warning' });
      return;
    }
    if (isPermissionDenied(error)) {
      this.emit('minimeet-device-permission-denied', {
        kind: id === 'camera' ? 'camera' : 'microphone',
        error: error as Error,
      });
      this.notifier.notify(t('room.permission.title'), { variant: 'danger' });
      return;
    }
    this.notifier.notify(t('toast.deviceFailed', { message }), { variant: 'danger' });
  }

  private async leave(): Promise<void> {
    if (this.context) await this.context.commands.leave();
    else await this.call.room?.leave();
  }

  // Arrow keys move between the toolbar's buttons (the toolbar pattern); Tab leaves it.
  private onKeyDown(event: KeyboardEvent): void {
    const keys = ['ArrowLeft', 'ArrowRight', 'Home', 'End'];
    if (!keys.includes(event.key)) return;
    const buttons = [
      ...this.renderRoot.querySelectorAll<HTMLButtonElement>('button:not([disabled])'),
    ];
    const index = buttons.indexOf(
      this.renderRoot.querySelector<HTMLButtonElement>('button:focus') ?? buttons[0],
    );
    const step = (event.key === 'ArrowRight') !== (this.i18n.dir === 'rtl') ? 1 : -1;
    let next = index;
    if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = buttons.length - 1;
    else next = (index + step + buttons.length) % buttons.length;
    event.preventDefault();
    buttons[next]?.focus();
  }
}
