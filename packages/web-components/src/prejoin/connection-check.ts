/** The outcome of one line of the connection check. */
export type CheckResult =
  | { readonly status: 'pending' }
  | {
      readonly status: 'ok';
      readonly ms?: number;
      /** Whether a TURN server gave a relay candidate (set by the ICE check only). */
      readonly relay?: boolean;
    }
  | { readonly status: 'local' }
  | { readonly status: 'failed' };

/**
 * Gathers ICE candidates with `iceServers` and says what they show: `ok` when a STUN
 * (server-reflexive) or TURN (relay) candidate came back, `local` when there are no servers to
 * ask but the browser found its own addresses, `failed` otherwise. With a TURN server in the list
 * it waits for a relay candidate (until `timeoutMs`) and says whether one came (`relay`). Nothing
 * but STUN/TURN traffic leaves the page; no call is made.
 */
export async function checkIceServers(
  iceServers: RTCIceServer[],
  timeoutMs = 4000,
): Promise<CheckResult> {
  if (typeof RTCPeerConnection === 'undefined') return { status: 'failed' };
  const started = performance.now();
  const connection = new RTCPeerConnection({ iceServers });
  const types = new Set<string>();
  try {
    connection.createDataChannel('check');
    const done = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      connection.onicecandidate = (event) => {
        if (event.candidate?.type) types.add(event.candidate.type);
        if (!event.candidate) {
          clearTimeout(timer);
          resolve();
        }
        // A relay answer says everything; no need to wait for the rest.
        if (event.candidate?.type === 'relay') {
          clearTimeout(timer);
          resolve();
        }
      };
    });
    await connection.setLocalDescription(await connection.createOffer());
    await done;
  } catch {
    return { status: 'failed' };
  } finally {
    connection.close();
  }
  const ms = Math.round(performance.now() - started);
  if (types.has('relay') || types.has('srflx'))
    return { status: 'ok', ms, relay: types.has('relay') };
  if (iceServers.length === 0 && types.size > 0) return { status: 'local' };
  return { status: 'failed' };
}
