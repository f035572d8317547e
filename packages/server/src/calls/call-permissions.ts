import {
  ErrorCode,
  type ParticipantPermissions,
  type PublishedTrack,
  type TrackSource,
} from '@minimeet/protocol';
import { AppError } from '../common/app-error.js';

/** Whether the permissions let a participant publish a source (a host may take single sources away). */
export function mayPublish(permissions: ParticipantPermissions, source: TrackSource): boolean {
  if (!permissions.canPublish) return false;
  switch (source) {
    case 'microphone':
      return permissions.canPublishAudio ?? true;
    case 'camera':
      return permissions.canPublishVideo ?? true;
    case 'screen_share':
    case 'screen_share_audio':
      return permissions.canShareScreen ?? true;
  }
}

/** Throws `forbidden` when a track is of a source the permissions do not allow. */
export function assertMayPublish(
  permissions: ParticipantPermissions,
  tracks: PublishedTrack[],
): void {
  for (const track of tracks) {
    if (!mayPublish(permissions, track.source)) {
      throw new AppError(
        ErrorCode.Forbidden,
        permissions.canPublish
          ? `You may not publish the ${track.source.replace(/_/g, ' ')} in this room now.`
          : 'You may not publish media in this room.',
      );
    }
  }
}
