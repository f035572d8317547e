import { UnsupportedError } from '../errors.js';
import type { AudioCaptureOptions, ScreenShareOptions, VideoCaptureOptions } from '../options.js';

function mediaDevices(need: 'getUserMedia' | 'getDisplayMedia' | 'enumerateDevices'): MediaDevices {
  const devices = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
  if (!devices || typeof devices[need] !== 'function') {
    throw new UnsupportedError(
      `This browser cannot ${need === 'getDisplayMedia' ? 'share the screen' : 'use cameras and microphones'} (no navigator.mediaDevices.${need}; a secure context is required).`,
    );
  }
  return devices;
}

function deviceConstraint(deviceId: string | undefined): { deviceId?: ConstrainDOMString } {
  return deviceId ? { deviceId: { exact: deviceId } } : {};
}

/** Captures a microphone; rejects with the browser's `DOMException` when it cannot. */
export async function captureAudio(options: AudioCaptureOptions): Promise<MediaStreamTrack> {
  const { deviceId, ...rest } = options;
  const stream = await mediaDevices('getUserMedia').getUserMedia({
    audio: { ...rest, ...deviceConstraint(deviceId) },
  });
  return stream.getAudioTracks()[0];
}

/** Captures a camera; rejects with the browser's `DOMException` when it cannot. */
export async function captureVideo(options: VideoCaptureOptions): Promise<MediaStreamTrack> {
  const { deviceId, width, height, frameRate, facingMode } = options;
  const stream = await mediaDevices('getUserMedia').getUserMedia({
    video: {
      ...(width ? { width: { ideal: width } } : {}),
      ...(height ? { height: { ideal: height } } : {}),
      ...(frameRate ? { frameRate: { ideal: frameRate } } : {}),
      ...(facingMode ? { facingMode } : {}),
      ...deviceConstraint(deviceId),
    },
  });
  return stream.getVideoTracks()[0];
}

/** Captures a camera or microphone track; without `deviceId`, the default device. */
export function captureDevice(
  source: 'camera' | 'microphone',
  options: AudioCaptureOptions | VideoCaptureOptions,
): Promise<MediaStreamTrack> {
  return source === 'camera' ? captureVideo(options) : captureAudio(options);
}

/** Asks the user for a screen, window or tab to share; the audio track is there when offered. */
export async function captureScreen(
  options: ScreenShareOptions,
): Promise<{ video: MediaStreamTrack; audio: MediaStreamTrack | undefined }> {
  const stream = await mediaDevices('getDisplayMedia').getDisplayMedia({
    video: true,
    audio: options.audio === true,
  });
  return { video: stream.getVideoTracks()[0], audio: stream.getAudioTracks()[0] };
}

/**
 * Lists the media devices, of one `kind` when given. Labels are empty until the page has been
 * allowed to capture once.
 */
export async function listDevices(kind?: MediaDeviceKind): Promise<MediaDeviceInfo[]> {
  if (kind !== undefined && !['audioinput', 'audiooutput', 'videoinput'].includes(kind)) {
    throw new TypeError('kind must be audioinput, audiooutput or videoinput.');
  }
  const devices = await mediaDevices('enumerateDevices').enumerateDevices();
  return kind ? devices.filter((d) => d.kind === kind) : devices;
}

/** Plays `track` in `element` (or a new element) and returns the element; `track.attach()` does the same. */
export function attachTrack(
  track: { attach(element?: HTMLMediaElement): HTMLMediaElement },
  element?: HTMLMediaElement,
): HTMLMediaElement {
  return track.attach(element);
}

/** Reports `devicechange` from the browser until stopped; does nothing where there is no such event. */
export class DeviceWatcher {
  private readonly listener = () => this.onChange();

  /** Starts listening. */
  constructor(private readonly onChange: () => void) {
    if (typeof navigator !== 'undefined') {
      navigator.mediaDevices?.addEventListener?.('devicechange', this.listener);
    }
  }

  /** Stops listening. */
  stop(): void {
    if (typeof navigator !== 'undefined') {
      navigator.mediaDevices?.removeEventListener?.('devicechange', this.listener);
    }
  }
}
