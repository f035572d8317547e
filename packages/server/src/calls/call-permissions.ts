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
  tracks: ReadonlyArray<Pick<PublishedTrack, 'source'>>,
): void {
  for (const track of tracks) assertMayPublishSource(permissions, track.source);
}

/** Throws `forbidden` when the permissions do not let a participant publish a source. */
export function assertMayPublishSource(
  permissions: ParticipantPermissions,
  source: TrackSource,
): void {
  if (mayPublish(permissions, source)) return;
  throw new AppError(
    ErrorCode.Forbidden,
    permissions.canPublish
      ? `You may not publish the ${source.replace(/_/g, ' ')} in this room now.`
      : 'You may not publish media in this room.',
  );
}
