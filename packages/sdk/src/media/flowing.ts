// How often a received track is checked for its first media.
const POLL_MS = 50;

/**
 * Resolves `true` once a received track carries media (audio: its first packets, when it
 * unmutes; video: a first decoded frame, which is what an element can show), or `false` when it
 * ended, `stop` was called, or `timeoutMs` passed first. Polls the receiver's statistics.
 */
export function mediaFlowing(
  track: MediaStreamTrack,
  receiver: RTCRtpReceiver,
  timeoutMs: number,
): { flowing: Promise<boolean>; stop: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let finish: (flowing: boolean) => void = () => undefined;
  const flowing = new Promise<boolean>((resolve) => (finish = resolve));
  const deadline = Date.now() + timeoutMs;
  const poll = async (): Promise<void> => {
    const ready = !track.muted && (track.kind === 'audio' || (await decodedFrames(receiver)) > 0);
    if (stopped) return;
    if (ready || track.readyState === 'ended' || Date.now() >= deadline) {
      stopped = true;
      finish(ready);
    } else timer = setTimeout(() => void poll(), POLL_MS);
  };
  void poll();
  return {
    flowing,
    stop: () => {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      finish(false);
    },
  };
}

async function decodedFrames(receiver: RTCRtpReceiver): Promise<number> {
  const report = await receiver.getStats().catch(() => undefined);
  let frames = 0;
  for (const stat of report?.values() ?? []) {
    const s = stat as { type?: string; framesDecoded?: number };
    if (s.type === 'inbound-rtp') frames = Math.max(frames, s.framesDecoded ?? 0);
  }
  return frames;
}
