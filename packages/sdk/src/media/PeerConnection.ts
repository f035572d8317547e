import type { IceCandidateInfo, SessionDescription, TrackSource } from '@minimeet/protocol';
import type { LocalTrack } from '../track/LocalTrack.js';

/** Where a {@link PeerConnection} reports to its transport. */
export interface PeerConnectionCallbacks {
  /** Send a description to the remote participant. */
  sendDescription(description: SessionDescription): void;
  /** Send an ICE candidate to the remote participant. */
  sendCandidate(candidate: IceCandidateInfo): void;
  /** A remote track arrived in MediaStream `streamId`. */
  onTrack(streamId: string, track: MediaStreamTrack, receiver: RTCRtpReceiver): void;
  /** The connection state changed. */
  onStateChange(state: RTCPeerConnectionState): void;
}

// Candidates that arrive before their description wait here; a sane peer never sends this many.
const MAX_PENDING_CANDIDATES = 256;

// A negotiated connection that has not connected after this many disconnected-restart delays
// restarts ICE.
const STALLED_FACTOR = 4;

// How long the side that waits for a newcomer's first offer waits before it offers itself.
const FIRST_OFFER_WAIT_MS = 5_000;

function ufragsOf(sdp: string | undefined): Set<string> {
  return new Set([...(sdp ?? '').matchAll(/^a=ice-ufrag:(\S+)/gm)].map((m) => m[1]));
}

/**
 * One `RTCPeerConnection` to one remote participant, negotiated with the W3C "perfect
 * negotiation" pattern: either side may offer at any time; on a collision the polite side rolls
 * back and the impolite side ignores the other's offer. Candidates trickle and wait for their
 * description; a failed (or long-disconnected) ICE connection restarts.
 */
export class PeerConnection {
  /** The browser's peer connection. */
  readonly pc: RTCPeerConnection;
  private readonly transceivers = new Map<TrackSource, RTCRtpTransceiver>();
  private readonly pendingCandidates: RTCIceCandidateInit[] = [];
  private makingOffer = false;
  private settingRemoteAnswer = false;
  private recoveryTimer: ReturnType<typeof setTimeout> | undefined;
  private lastRestartAt = Number.NEGATIVE_INFINITY;
  // The last remote offer and answer applied, to recognise one that comes again after a drop.
  private lastRemoteOffer: string | undefined;
  private lastRemoteAnswer: string | undefined;
  // The media had a gap (ICE lost its way, or restarted): key frames are due once connected.
  private keyFramesDue = false;
  private keyFrames: Promise<void> = Promise.resolve();
  private closed = false;
  // Tracks held back until the remote side's first offer is in.
  private deferred: Map<TrackSource, LocalTrack> | undefined;
  private deferTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Opens a connection to `remoteId`; `polite` decides who yields on an offer collision. With
   * `awaitFirstOffer`, local tracks wait for the remote side's first offer (or a few seconds),
   * so that a newcomer and those already there do not both offer at once: Chromium can lose its
   * ICE gathering when a first offer is rolled back.
   */
  constructor(
    readonly remoteId: string,
    readonly polite: boolean,
    configuration: RTCConfiguration,
    private readonly callbacks: PeerConnectionCallbacks,
    private readonly disconnectedRestartMs: number,
    awaitFirstOffer = false,
  ) {
    const pc = new RTCPeerConnection(configuration);
    this.pc = pc;
    if (awaitFirstOffer) {
      this.deferred = new Map();
      this.deferTimer = setTimeout(() => this.releaseDeferred(), FIRST_OFFER_WAIT_MS);
    }
    pc.onnegotiationneeded = () => void this.offer();
    pc.onicecandidate = ({ candidate }) => {
      if (candidate && !this.closed)
        callbacks.sendCandidate(candidate.toJSON() as IceCandidateInfo);
    };
    pc.ontrack = ({ streams, track, receiver }) => {
      const stream = streams[0];
      if (stream) callbacks.onTrack(stream.id, track, receiver);
    };
    pc.onconnectionstatechange = () => this.checkState();
    pc.oniceconnectionstatechange = () => this.checkState();
    pc.onsignalingstatechange = () => this.checkState();
  }

  /** Starts sending `track` in its own MediaStream; negotiation follows. */
  addTrack(track: LocalTrack): void {
    if (this.closed || this.transceivers.has(track.source)) return;
    if (this.deferred) {
      this.deferred.set(track.source, track);
      return;
    }
    const transceiver = this.pc.addTransceiver(track.mediaStreamTrack ?? track.kind, {
      direction: 'sendonly',
      streams: [track.stream],
    });
    this.transceivers.set(track.source, transceiver);
  }

  /** Stops sending the track of `source`; negotiation follows. */
  removeTrack(source: TrackSource): void {
    this.deferred?.delete(source);
    const transceiver = this.transceivers.get(source);
    if (!transceiver || this.closed) return;
    this.transceivers.delete(source);
    transceiver.stop();
  }

  /** Sends the track's current `mediaStreamTrack` (or nothing) without renegotiation. */
  async replaceTrack(track: LocalTrack): Promise<void> {
    const transceiver = this.transceivers.get(track.source);
    if (!transceiver || this.closed) return;
    await transceiver.sender.replaceTrack(track.mediaStreamTrack ?? null);
  }

  /** The source each negotiated sending transceiver carries, by `mid`, for reading stats. */
  sendingMids(): Map<string, TrackSource> {
    const mids = new Map<string, TrackSource>();
    for (const [source, transceiver] of this.transceivers) {
      if (transceiver.mid !== null) mids.set(transceiver.mid, source);
    }
    return mids;
  }

  /** Applies a relayed description, answering an offer. */
  async handleDescription(description: SessionDescription): Promise<void> {
    if (this.closed) return;
    const pc = this.pc;
    // A description sent again because the first may have been lost in a drop: an offer already
    // answered gets the same answer again (that one may have been lost instead), the rest is old.
    if (description.type === 'offer' && description.sdp === this.lastRemoteOffer) {
      if (pc.signalingState === 'stable' && pc.localDescription?.type === 'answer') {
        this.sendLocalDescription();
      }
      return;
    }
    if (description.type === 'answer' && description.sdp === this.lastRemoteAnswer) return;
    const readyForOffer =
      !this.makingOffer && (pc.signalingState === 'stable' || this.settingRemoteAnswer);
    const collision = description.type === 'offer' && !readyForOffer;
    // The impolite side ignores the colliding offer; the polite side will answer its own instead.
    if (!this.polite && collision) return;
    const remoteUfrags = ufragsOf(pc.remoteDescription?.sdp);
    this.settingRemoteAnswer = description.type === 'answer';
    try {
      // On a collision the polite side rolls its own offer back implicitly.
      await pc.setRemoteDescription(description);
    } finally {
      this.settingRemoteAnswer = false;
    }
    if (description.type === 'offer') this.lastRemoteOffer = description.sdp;
    else this.lastRemoteAnswer = description.sdp;
    // New remote ICE credentials: either side restarted ICE, most likely after a gap in the media.
    const restarted =
      remoteUfrags.size > 0 && ![...ufragsOf(description.sdp)].some((u) => remoteUfrags.has(u));
    if (restarted) this.keyFramesDue = true;
    await this.flushCandidates();
    if (description.type === 'offer') {
      await pc.setLocalDescription();
      this.sendLocalDescription();
      this.releaseDeferred();
    }
    this.sendKeyFramesIfDue();
  }

  /** Applies a relayed ICE candidate, or keeps it until its description is set. */
  async handleCandidate(candidate: IceCandidateInfo): Promise<void> {
    if (this.closed) return;
    const remote = this.pc.remoteDescription;
    const unknownUfrag =
      candidate.usernameFragment != null && !ufragsOf(remote?.sdp).has(candidate.usernameFragment);
    if (!remote || unknownUfrag) {
      // Even a candidate of an ignored offer waits: after its rollback the polite side answers
      // with the same ICE credentials and does not gather again, so it belongs to that answer.
      if (this.pendingCandidates.length < MAX_PENDING_CANDIDATES) {
        this.pendingCandidates.push(candidate);
      }
      return;
    }
    await this.addCandidate(candidate);
  }

  /**
   * Sends the offer that waits for its answer again, if one does: it may have been lost while
   * the signalling connection of either side was down. The other side answers a repeat once.
   */
  resendOffer(): void {
    if (this.closed || this.makingOffer || this.pc.signalingState !== 'have-local-offer') return;
    this.sendLocalDescription();
  }

  /**
   * After signalling came back from a drop, or the network changed: sends a pending offer again,
   * then restarts ICE (a connection never negotiated has nothing to restart). A pending offer is
   * not rolled back, since its answer may still come; the restart's own offer follows when that
   * exchange is done. The media paths may look connected and still be gone: ICE finds out.
   */
  recover(): void {
    this.resendOffer();
    if (this.closed || this.pc.remoteDescription === null) return;
    this.lastRestartAt = Date.now();
    this.pc.restartIce();
  }

  // Restarts ICE now, dropping an offer that waits for its answer.
  private async restart(): Promise<void> {
    if (this.closed) return;
    const pc = this.pc;
    this.lastRestartAt = Date.now();
    // An offer sent while signalling was down never got its answer.
    if (pc.signalingState === 'have-local-offer') {
      await pc.setLocalDescription({ type: 'rollback' }).catch(() => undefined);
    }
    pc.restartIce();
  }

  /** Closes the connection. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearRecoveryTimer();
    clearTimeout(this.deferTimer);
    this.deferred = undefined;
    this.pendingCandidates.length = 0;
    this.pc.close();
  }

  private releaseDeferred(): void {
    clearTimeout(this.deferTimer);
    const deferred = this.deferred;
    this.deferred = undefined;
    for (const track of deferred?.values() ?? []) this.addTrack(track);
  }

  private async offer(): Promise<void> {
    if (this.closed) return;
    try {
      this.makingOffer = true;
      await this.pc.setLocalDescription();
      this.sendLocalDescription();
    } catch {
      // The state moved on under the offer (a collision or a close); negotiationneeded fires again.
    } finally {
      this.makingOffer = false;
    }
  }

  private sendLocalDescription(): void {
    const local = this.pc.localDescription;
    if (this.closed || !local || (local.type !== 'offer' && local.type !== 'answer')) return;
    this.callbacks.sendDescription({ type: local.type, sdp: local.sdp });
  }

  private async flushCandidates(): Promise<void> {
    const ufrags = ufragsOf(this.pc.remoteDescription?.sdp);
    const ready = this.pendingCandidates.filter(
      (c) => c.usernameFragment == null || ufrags.has(c.usernameFragment),
    );
    const waiting = this.pendingCandidates.filter((c) => !ready.includes(c));
    this.pendingCandidates.splice(0, this.pendingCandidates.length, ...waiting);
    for (const candidate of ready) await this.addCandidate(candidate);
  }

  private async addCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    try {
      await this.pc.addIceCandidate(candidate);
    } catch {
      // A stale or ignored-offer candidate: harmless, ICE works with the rest.
    }
  }

  private checkState(): void {
    if (this.closed) return;
    const state = this.pc.connectionState;
    if (state === 'disconnected' || state === 'failed') this.keyFramesDue = true;
    this.sendKeyFramesIfDue();
    this.scheduleRecovery();
    this.callbacks.onStateChange(state);
  }

  // After a gap the other side can decode nothing until a key frame comes, and its own request
  // for one may have been lost in the gap (it asks again only every few seconds): once the
  // connection is up again, every video encoder starts over, which begins with a key frame.
  private sendKeyFramesIfDue(): void {
    if (!this.keyFramesDue || this.closed || this.pc.connectionState !== 'connected') return;
    this.keyFramesDue = false;
    this.keyFrames = this.keyFrames.then(() => this.restartEncoders()).catch(() => undefined);
  }

  private async restartEncoders(): Promise<void> {
    for (const { sender } of this.transceivers.values()) {
      if (this.closed || sender.track?.kind !== 'video') continue;
      const parameters = sender.getParameters();
      const active = parameters.encodings.map((e) => e.active !== false);
      if (!active.includes(true)) continue;
      for (const encoding of parameters.encodings) encoding.active = false;
      await sender.setParameters(parameters);
      const again = sender.getParameters();
      again.encodings.forEach((encoding, i) => (encoding.active = active[i] ?? true));
      await sender.setParameters(again);
    }
  }

  private scheduleRecovery(): void {
    if (this.isFailed()) {
      // A restart's own negotiation fires state events while ICE is still failed (and it stays
      // failed while no server answers): restart at once, but never more often than the delay.
      this.clearRecoveryTimer();
      const delayMs = this.lastRestartAt + this.disconnectedRestartMs - Date.now();
      if (delayMs <= 0) {
        void this.restart();
        return;
      }
      this.recoveryTimer = setTimeout(() => {
        this.recoveryTimer = undefined;
        if (this.isFailed()) void this.restart();
        else this.scheduleRecovery();
      }, delayMs);
    } else if (this.needsRecovery()) {
      // Disconnected for a while, or negotiated but never connecting: ICE lost its way.
      const delayMs =
        this.pc.connectionState === 'disconnected'
          ? this.disconnectedRestartMs
          : this.disconnectedRestartMs * STALLED_FACTOR;
      this.recoveryTimer ??= setTimeout(() => {
        this.recoveryTimer = undefined;
        if (this.needsRecovery()) void this.restart();
        else this.scheduleRecovery();
      }, delayMs);
    } else {
      this.clearRecoveryTimer();
    }
  }

  private isFailed(): boolean {
    return this.pc.connectionState === 'failed' || this.pc.iceConnectionState === 'failed';
  }

  private needsRecovery(): boolean {
    const { connectionState, iceConnectionState, signalingState, remoteDescription } = this.pc;
    if (connectionState === 'disconnected' || iceConnectionState === 'disconnected') return true;
    return (
      (connectionState === 'new' || connectionState === 'connecting') &&
      signalingState === 'stable' &&
      remoteDescription !== null
    );
  }

  private clearRecoveryTimer(): void {
    if (this.recoveryTimer !== undefined) clearTimeout(this.recoveryTimer);
    this.recoveryTimer = undefined;
  }
}
