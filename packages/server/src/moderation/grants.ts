import type { ModerationGrants, ParticipantPermissions } from '@minimeet/protocol';

/**
 * Applies a host's grant changes to permissions a participant was granted by the room or its
 * token. Publishing can be widened source by source; chat only given back where it was granted.
 */
export function applyGrants(
  granted: ParticipantPermissions,
  changed: ModerationGrants,
): ParticipantPermissions {
  const out: ParticipantPermissions = { ...granted };
  const sources = [changed.canPublishAudio, changed.canPublishVideo, changed.canShareScreen];
  if (!granted.canPublish && sources.some((v) => v === true)) {
    // A host lets someone who may not publish publish some sources: those only.
    out.canPublish = true;
    out.canPublishAudio = changed.canPublishAudio ?? false;
    out.canPublishVideo = changed.canPublishVideo ?? false;
    out.canShareScreen = changed.canShareScreen ?? false;
  } else {
    if (changed.canPublishAudio !== undefined) out.canPublishAudio = changed.canPublishAudio;
    if (changed.canPublishVideo !== undefined) out.canPublishVideo = changed.canPublishVideo;
    if (changed.canShareScreen !== undefined) out.canShareScreen = changed.canShareScreen;
  }
  // Chat can be taken away and given back, never beyond what the room or the token allows.
  if (changed.canChat !== undefined) out.canChat = granted.canChat && changed.canChat;
  return out;
}
