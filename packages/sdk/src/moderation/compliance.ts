import type { MuteSource, ParticipantPermissions } from '@minimeet/protocol';
import type { LocalParticipant } from '../participant/LocalParticipant.js';

/** What a host's action asks of this client's media: a source muted, or the microphone off. */
export type ComplianceAction = MuteSource | 'microphone_off';

/** Does what a host asked of `local`'s `source`; a source it does not publish is left alone. */
export async function comply(local: LocalParticipant, action: ComplianceAction): Promise<void> {
  switch (action) {
    case 'microphone':
      if (local.getTrackPublication('microphone')) await local.setMicrophoneMuted(true);
      return;
    case 'microphone_off':
      if (local.getTrackPublication('microphone')) await local.setMicrophoneEnabled(false);
      return;
    case 'camera':
      if (local.getTrackPublication('camera')) await local.setCameraEnabled(false);
      return;
    case 'screen_share':
      if (local.getTrackPublication('screen_share')) await local.setScreenShareEnabled(false);
      return;
  }
}

/**
 * Turns off whatever `permissions` no longer allow `local` to publish, then adopts them (so that
 * `PermissionsChanged` fires once the media already obeys).
 */
export async function enforcePermissions(
  local: LocalParticipant,
  permissions: ParticipantPermissions,
): Promise<void> {
  const p = permissions;
  try {
    await Promise.all([
      !p.canPublish || p.canPublishAudio === false ? comply(local, 'microphone_off') : null,
      !p.canPublish || p.canPublishVideo === false ? comply(local, 'camera') : null,
      !p.canPublish || p.canShareScreen === false ? comply(local, 'screen_share') : null,
    ]);
  } finally {
    local.setPermissions(p);
  }
}
