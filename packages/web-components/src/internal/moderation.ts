import type {
  ModerationActor,
  Participant,
  ParticipantPermissions,
  Room,
  TrackSource,
} from '@minimeet/sdk';
import type { LocalizeController } from '../i18n/localize.js';
import type { Notifier } from '../toast/notifier.js';
import type { MenuItem } from './action-menu.js';

/** Whether `participant` runs the call: an owner or moderator of the room. */
export function isHost(participant: Participant | undefined): boolean {
  return participant?.role === 'owner' || participant?.role === 'moderator';
}

/** Whether the local participant may act on `target`: a host, on someone else, not a moderator on an owner. */
export function mayModerate(room: Room | undefined, target: Participant): boolean {
  const local = room?.localParticipant;
  if (!local || target.id === local.id || !isHost(local)) return false;
  return !(local.role === 'moderator' && target.role === 'owner');
}

/** The sources a host grants one by one, and the grant of each. */
export type GrantedSource = 'microphone' | 'camera' | 'screen';

/** Whether `permissions` let their holder publish `source` (a missing grant follows `canPublish`). */
export function mayPublish(permissions: ParticipantPermissions, source: GrantedSource): boolean {
  const specific =
    source === 'microphone'
      ? permissions.canPublishAudio
      : source === 'camera'
        ? permissions.canPublishVideo
        : permissions.canShareScreen;
  return specific ?? permissions.canPublish;
}

/** Who did it, for a sentence: the host's name, or "A host". */
export function actorName(i18n: LocalizeController, by: ModerationActor | null): string {
  return by?.displayName ?? i18n.t('mod.aHost');
}

const on = (participant: Participant, source: TrackSource): boolean => {
  const publication = participant.getTrackPublication(source);
  return publication !== undefined && !publication.isMuted;
};

/** The context {@link participantActions} works in. */
export interface ActionsContext {
  readonly room: Room;
  readonly i18n: LocalizeController;
  readonly notifier: Notifier;
  /** Where the target's hand stands in line, from 1; 0 when down. */
  readonly handOrder: number;
}

/** A host's actions on one participant, for an {@link ActionMenu}. */
export function participantActions(target: Participant, ctx: ActionsContext): MenuItem[] {
  const { room, i18n, notifier } = ctx;
  const { t } = i18n;
  const m = room.moderation;
  const name = target.name;
  const done = (text: string) => notifier.notify(text, { variant: 'success', durationMs: 3000 });
  const items: MenuItem[] = [];
  if (on(target, 'microphone'))
    items.push({
      id: 'mute-microphone',
      label: t('host.muteMic'),
      icon: 'micOff',
      run: async () => {
        await m.mute(target.id, ['microphone']);
        done(t('host.done.muted', { name }));
      },
    });
  else if (mayPublish(target.permissions, 'microphone'))
    items.push({
      id: 'ask-unmute',
      label: t('host.askUnmute'),
      icon: 'mic',
      run: async () => {
        await m.askToUnmute(target.id);
        done(t('host.done.asked', { name }));
      },
    });
  if (on(target, 'camera'))
    items.push({
      id: 'mute-camera',
      label: t('host.stopCamera'),
      icon: 'cameraOff',
      run: () => m.mute(target.id, ['camera']),
    });
  if (on(target, 'screen_share'))
    items.push({
      id: 'mute-screen',
      label: t('host.stopScreen'),
      icon: 'stopShare',
      run: () => m.mute(target.id, ['screen_share']),
    });
  if (ctx.handOrder > 0)
    items.push({
      id: 'lower-hand',
      label: t('host.lowerHand'),
      icon: 'hand',
      run: () => m.lowerHand(target.id),
    });
  const p = target.permissions;
  const grant = (
    id: string,
    label: string,
    allowed: boolean,
    key: 'canPublishAudio' | 'canPublishVideo' | 'canShareScreen' | 'canChat',
    heading?: string,
  ): MenuItem => ({
    id,
    label,
    heading,
    checked: allowed,
    run: async () => {
      await m.setGrants(target.id, { [key]: !allowed });
      done(t('host.done.grants', { name }));
    },
  });
  items.push(
    grant(
      'grant-microphone',
      t('host.allowMic'),
      mayPublish(p, 'microphone'),
      'canPublishAudio',
      t('host.allowed'),
    ),
    grant('grant-camera', t('host.allowCamera'), mayPublish(p, 'camera'), 'canPublishVideo'),
    grant('grant-screen', t('host.allowScreen'), mayPublish(p, 'screen'), 'canShareScreen'),
    grant('grant-chat', t('host.allowChat'), p.canChat, 'canChat'),
    {
      id: 'remove',
      label: t('host.remove'),
      icon: 'leave',
      danger: true,
      separator: true,
      confirm: {
        title: t('host.removeTitle', { name }),
        body: t('host.removeBody', { name }),
        action: t('host.removeConfirm'),
        choice: {
          label: t('host.removeBan'),
          options: [
            ['0', t('host.banNone')],
            ['600', t('host.ban10m')],
            ['3600', t('host.ban1h')],
            ['86400', t('host.ban1d')],
          ],
        },
      },
      run: async (choice) => {
        const banSeconds = Number(choice) || undefined;
        await m.remove(target.id, banSeconds ? { banSeconds } : {});
        done(t('host.done.removed', { name }));
      },
    },
  );
  return items;
}

/** The message of a failed host action. */
export function reportFailure(i18n: LocalizeController, notifier: Notifier, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  notifier.notify(i18n.t('host.failed', { message }), { variant: 'danger' });
}
