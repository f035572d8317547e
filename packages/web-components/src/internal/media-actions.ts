import { type LocalParticipant, type Room } from '@minimeet/sdk';

/** Whether the local microphone is published and not muted. */
export function isMicrophoneOn(participant: LocalParticipant | undefined): boolean {
  const publication = participant?.getTrackPublication('microphone');
  return publication !== undefined && !publication.isMuted;
}

/** Whether the local camera is published, live and not muted. */
export function isCameraOn(participant: LocalParticipant | undefined): boolean {
  const publication = participant?.getTrackPublication('camera');
  return publication !== undefined && !publication.isMuted && publication.track?.isLive === true;
}

/** Whether this browser shares a screen in the call. */
export function isScreenSharing(participant: LocalParticipant | undefined): boolean {
  return participant?.getTrackPublication('screen_share') !== undefined;
}

/** Whether the browser can share a screen at all (no phones, no insecure pages). */
export function canShareScreen(): boolean {
  return (
    typeof navigator !== 'undefined' &&
    typeof navigator.mediaDevices?.getDisplayMedia === 'function'
  );
}

/**
 * Turns the microphone on or off (the opposite of now without `on`); resolves with the new
 * state. Off is a mute (no renegotiation, instant back on); a first "on" captures the device.
 */
export async function toggleMicrophone(room: Room, on?: boolean): Promise<boolean> {
  const participant = room.localParticipant;
  const next = on ?? !isMicrophoneOn(participant);
  const publication = participant.getTrackPublication('microphone');
  if (next) await participant.setMicrophoneEnabled(true);
  else if (publication) await participant.setMicrophoneMuted(true);
  return next;
}

/** Turns the camera on or off (releasing the device, so its light goes out); resolves with it. */
export async function toggleCamera(room: Room, on?: boolean): Promise<boolean> {
  const participant = room.localParticipant;
  const next = on ?? !isCameraOn(participant);
  await participant.setCameraEnabled(next);
  return next;
}

/** Starts or stops sharing a screen; resolves with whether it is shared now. */
export async function toggleScreenShare(room: Room, on?: boolean): Promise<boolean> {
  const participant = room.localParticipant;
  const next = on ?? !isScreenSharing(participant);
  await participant.setScreenShareEnabled(next);
  return next;
}

/** Whether `error` is the browser refusing a device or the screen. */
export function isPermissionDenied(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'NotAllowedError' ||
      error.name === 'SecurityError' ||
      error.name === 'PermissionDeniedError')
  );
}

/** The initials shown in place of a camera that is off. */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words.at(-1)] : [words[0] ?? '?'];
  return letters
    .map((w) => [...(w ?? '')][0] ?? '')
    .join('')
    .toLocaleUpperCase();
}
