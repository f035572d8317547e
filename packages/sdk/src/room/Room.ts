import {
  ErrorCode,
  type CallRoomInfo,
  type JoinRoomPayload,
  type JoinRoomResult,
  type LeaveReason,
  type ParticipantInfo,
  type ServerEventName,
  type ServerToClientEvents,
} from '@minimeet/protocol';
import type { ChatChannel } from '../chat/ChatChannel.js';
import { QUALITY_DEFAULTS, resolveJoinRoomOptions, ROOM_MEDIA_DEFAULTS } from '../defaults.js';
import { InvalidStateError, MinimeetError, SdkErrorCode, UnsupportedError } from '../errors.js';
import { RoomEvent, type RoomEventCallbacks } from '../events.js';
import { EARLY_MEDIA_EVENTS, type TopologyInfo } from '../media/MediaTransport.js';
import { TopologyTransport } from '../media/TopologyTransport.js';
import { comply, enforcePermissions } from '../moderation/compliance.js';
import { RoomModeration } from '../moderation/RoomModeration.js';
import type { JoinRoomOptions, ResolvedJoinRoomOptions } from '../options.js';
import { LocalParticipant, type LocalMediaHost } from '../participant/LocalParticipant.js';
import type { Participant } from '../participant/Participant.js';
import { RemoteParticipant } from '../participant/RemoteParticipant.js';
import type { ConnectionChange, SignalChannel } from '../signaling/SignalChannel.js';
import {
  ConnectionQualityMonitor,
  type QualitySnapshot,
} from '../stats/ConnectionQualityMonitor.js';
import { captureDevice, DeviceWatcher } from '../track/devices.js';
import { LocalTrack } from '../track/LocalTrack.js';
import { clientInfo } from '../utils/clientInfo.js';
import { onPageHide } from '../utils/pageLifecycle.js';
import { TypedEmitter } from '../utils/TypedEmitter.js';
import { forwardLocalEvents, forwardRemoteEvents, type RoomEmit } from './forwardEvents.js';
import { EarlyEvents } from './EarlyEvents.js';
import { waitInLobby } from './lobby.js';
import { RoomState, type RoomDisconnectReason } from './RoomState.js';
import { SpeakerTracker } from './SpeakerTracker.js';

// The server events of a call's membership; the media transports handle the media's.
type RoomServerEvent = Extract<
  ServerEventName,
  'participant_joined' | 'participant_updated' | 'participant_left' | 'room_closed'
>;
type ServerHandlers = { [E in RoomServerEvent]: ServerToClientEvents[E] };

const ROOM_SERVER_EVENTS: readonly RoomServerEvent[] = [
  'participant_joined',
  'participant_updated',
  'participant_left',
  'room_closed',
];

// Errors that mean "the connection is gone", not "the server said no".
const CONNECTION_CODES: ReadonlySet<string> = new Set([
  SdkErrorCode.Disconnected,
  SdkErrorCode.Timeout,
  SdkErrorCode.InvalidState,
]);

function isConnectionError(error: unknown): boolean {
  return error instanceof MinimeetError && CONNECTION_CODES.has(error.code);
}

async function captureInitialTracks(options: ResolvedJoinRoomOptions): Promise<LocalTrack[]> {
  const tracks: LocalTrack[] = [];
  try {
    if (options.audio) {
      tracks.push(
        new LocalTrack(
          'microphone',
          await captureDevice('microphone', options.audio),
          options.audio,
        ),
      );
    }
    if (options.video) {
      tracks.push(
        new LocalTrack('camera', await captureDevice('camera', options.video), options.video),
      );
    }
  } catch (error) {
    for (const track of tracks) track.stop();
    throw error;
  }
  return tracks;
}

function topologyOf(result: JoinRoomResult): TopologyInfo {
  return {
    topology: result.room.topology,
    routerRtpCapabilities: result.routerRtpCapabilities,
  };
}

/**
 * A call this client has joined: the local participant, the others, their tracks and who is
 * speaking. It follows the client's connection: when the connection drops, the room keeps its
 * media flowing, resumes its place when the client reconnects, and reconciles who is there.
 */
export class Room extends TypedEmitter<RoomEventCallbacks> {
  /** This client's participant. */
  readonly localParticipant: LocalParticipant;
  /**
   * The room's conversation, opened on join with its recent history: the same object as
   * `client.chat(roomId)`. It outlives the call; close it when the app no longer shows it.
   */
  readonly chat: ChatChannel;
  /** What hosts do in the call (mute, remove, grants, lock, lobby, end) and raised hands. */
  readonly moderation: RoomModeration;
  private info: CallRoomInfo;
  private roomState = RoomState.Connected;
  private resumeKey: string;
  private iceServers: JoinRoomResult['iceServers'];
  private transport: TopologyTransport;
  private readonly remotes = new Map<string, RemoteParticipant>();
  private readonly unwire = new Map<Participant, () => void>();
  private readonly stops: (() => void)[] = [];
  private readonly speakers: SpeakerTracker;
  private readonly quality: ConnectionQualityMonitor;

  /**
   * Joins room `roomId` over `channel` and resolves with the room; {@link MinimeetClient.joinRoom}
   * is the public way in. @internal
   */
  static async join(
    channel: SignalChannel,
    roomId: string,
    rawOptions: JoinRoomOptions,
    openChat: (roomId: string) => ChatChannel,
  ): Promise<Room> {
    const options = resolveJoinRoomOptions(rawOptions);
    if (typeof RTCPeerConnection === 'undefined') {
      throw new UnsupportedError('This browser has no WebRTC (RTCPeerConnection).');
    }
    const tracks = await captureInitialTracks(options);
    // Events that arrive between the answer and the room's own subscriptions must not be lost.
    const tap = new EarlyEvents(channel, [...ROOM_SERVER_EVENTS, ...EARLY_MEDIA_EVENTS]);
    try {
      const payload: JoinRoomPayload = {
        roomId,
        password: options.password,
        inviteCode: options.inviteCode,
        displayName: options.displayName,
        tracks: tracks.map((t) => ({
          source: t.source,
          kind: t.kind,
          streamId: t.streamId,
          muted: false,
        })),
        client: clientInfo(),
      };
      const result = await channel.request('join_room', payload).catch(async (error: unknown) => {
        if (!(error instanceof MinimeetError) || error.code !== ErrorCode.LobbyRequired)
          throw error;
        await waitInLobby(channel, roomId, options, rawOptions.onLobbyWaiting);
        return channel.request('join_room', payload);
      });
      const room = new Room(tap, options, result, tracks, openChat(result.room.id));
      tap.release();
      return room;
    } catch (error) {
      tap.close();
      for (const track of tracks) track.stop();
      throw error;
    }
  }

  private constructor(
    private readonly channel: EarlyEvents,
    private readonly options: ResolvedJoinRoomOptions,
    result: JoinRoomResult,
    tracks: LocalTrack[],
    chat: ChatChannel,
  ) {
    super();
    this.chat = chat;
    this.info = result.room;
    this.resumeKey = result.resumeKey;
    this.iceServers = result.iceServers;
    this.localParticipant = new LocalParticipant(result.participant, this.mediaHost());
    this.unwire.set(
      this.localParticipant,
      forwardLocalEvents(this.localParticipant, this.emitter()),
    );
    this.moderation = this.createModeration(result.room.id);
    this.transport = this.createTransport(result);
    for (const info of result.participants) this.addRemote(info, false);
    this.localParticipant.adoptTracks(tracks);
    this.quality = this.monitorQuality();
    const handlers = this.serverHandlers();
    for (const event of ROOM_SERVER_EVENTS) {
      this.stops.push(channel.subscribe(event, handlers[event]));
    }
    this.stops.push(channel.onConnectionChange((change) => this.handleConnectionChange(change)));
    this.stops.push(...this.subscribeModeration());
    void this.moderation.refresh().catch(() => undefined);
    this.stops.push(() => channel.close());
    this.speakers = new SpeakerTracker({
      local: () => this.localParticipant,
      remotes: () => this.remotes.values(),
      active: () => this.roomState !== RoomState.Disconnected,
      changed: (speakers) => this.emit(RoomEvent.ActiveSpeakersChanged, speakers),
    });
    const watcher = new DeviceWatcher(() => {
      this.emit(RoomEvent.MediaDevicesChanged);
      void this.localParticipant
        .handleDevicesChanged()
        .catch((e: unknown) => this.reportDeviceError(e));
    });
    this.stops.push(() => watcher.stop());
    // A page that goes away says goodbye, or the others would see it reconnecting for the whole
    // grace period; the request leaves before the page does, its answer never comes back.
    if (options.leaveOnPageHide) this.stops.push(onPageHide(() => void this.leave()));
  }

  /** Room id. */
  get id(): string {
    return this.info.id;
  }

  /** Display name. */
  get name(): string {
    return this.info.name;
  }

  /**
   * The media topology the call runs on: `mesh` (browser to browser) or `sfu` (through the
   * server). An `auto` room moves between them as it grows and shrinks; the tracks stay.
   */
  get topology(): CallRoomInfo['topology'] {
    return this.transport.topology;
  }

  /** Most participants at once. */
  get capacity(): number {
    return this.info.capacity;
  }

  /** Where the room's membership of the call stands. */
  get state(): RoomState {
    return this.roomState;
  }

  /** Everyone else in the call, by participant id, those within their reconnect grace included. */
  get remoteParticipants(): ReadonlyMap<string, RemoteParticipant> {
    return this.remotes;
  }

  /** The participants speaking now, loudest first. */
  get activeSpeakers(): Participant[] {
    return this.speakers.speakers;
  }

  /**
   * The quality of everyone in the call as of the latest sample (every `quality.sampleIntervalMs`),
   * for apps that draw their own indicators; undefined before the first sample.
   */
  getQualitySnapshot(): QualitySnapshot | undefined {
    return this.quality.snapshot;
  }

  /**
   * Leaves the call: tells the server, closes every peer connection, stops every local track and
   * emits `Disconnected('left')`. Safe to call more than once.
   */
  async leave(): Promise<void> {
    if (this.roomState === RoomState.Disconnected) return;
    this.quality.close(true);
    const request = this.channel.isConnected
      ? this.channel.request('leave_room', { roomId: this.id }).catch(() => undefined)
      : undefined;
    this.end('left');
    await request;
  }

  private serverHandlers(): ServerHandlers {
    const mine = (roomId: string) =>
      roomId === this.id && this.roomState !== RoomState.Disconnected;
    return {
      participant_joined: ({ roomId, participant }) => {
        if (mine(roomId)) this.addRemote(participant);
      },
      participant_updated: ({ roomId, participant }) => {
        if (!mine(roomId)) return;
        if (participant.id === this.localParticipant.id) {
          this.localParticipant.setInfo(participant);
          return;
        }
        this.addRemote(participant);
        // It may be back from a drop that swallowed an offer sent to it; a repeat is harmless.
        if (participant.connection === 'connected') this.transport.resendPending(participant.id);
      },
      participant_left: ({ roomId, participantId, reason }) => {
        if (!mine(roomId)) return;
        if (participantId === this.localParticipant.id) this.end(reason);
        else this.removeRemote(participantId, reason);
      },
      room_closed: ({ roomId, reason }) => {
        if (mine(roomId)) this.end(reason);
      },
    };
  }

  private createTransport(result: JoinRoomResult): TopologyTransport {
    const { permissions } = result.participant;
    const transport = new TopologyTransport(
      {
        roomId: result.room.id,
        localId: result.participant.id,
        canPublish: permissions.canPublish,
        canSubscribe: permissions.canSubscribe,
        iceServers: this.iceServers,
        iceTransportPolicy: this.options.iceTransportPolicy,
        iceDisconnectedRestartMs: ROOM_MEDIA_DEFAULTS.iceDisconnectedRestartMs,
        adaptiveStream: this.options.adaptiveStream,
      },
      this.channel,
      {
        track: (from, media) => this.remotes.get(from)?.addMedia(media),
        trackEnded: (from, track) => this.remotes.get(from)?.removeMedia(track),
      },
      topologyOf(result),
    );
    return transport;
  }

  // `joinedLater`: the participant came after this one, so it makes the first offer.
  private addRemote(info: ParticipantInfo, joinedLater = true): void {
    if (info.id === this.localParticipant.id) return;
    let participant = this.remotes.get(info.id);
    const joined = !participant;
    if (!participant) {
      participant = new RemoteParticipant(info);
      this.remotes.set(info.id, participant);
      this.unwire.set(participant, forwardRemoteEvents(participant, this.emitter()));
    }
    this.transport.setPeer({
      id: info.id,
      receivesMedia: info.permissions.canSubscribe,
      joinedLater,
    });
    if (joined) this.emit(RoomEvent.ParticipantJoined, participant);
    participant.update(info);
  }

  private removeRemote(id: string, reason: LeaveReason): void {
    const participant = this.remotes.get(id);
    if (!participant) return;
    this.transport.removePeer(id);
    participant.removeAllPublications();
    this.unwire.get(participant)?.();
    this.unwire.delete(participant);
    this.remotes.delete(id);
    this.emit(RoomEvent.ParticipantLeft, participant, reason);
  }

  private handleConnectionChange(change: ConnectionChange): void {
    switch (change.type) {
      case 'dropped':
        if (this.roomState !== RoomState.Connected) return;
        this.setState(RoomState.Reconnecting);
        this.emit(RoomEvent.Reconnecting);
        return;
      case 'restored':
        void this.resume();
        return;
      case 'network_changed':
        // The connection survived the change; the media paths may not have.
        if (this.roomState === RoomState.Connected) this.transport.recover();
        return;
      case 'closed':
        this.end('client_closed');
        return;
    }
  }

  private async resume(): Promise<void> {
    if (this.roomState !== RoomState.Reconnecting) return;
    const base: JoinRoomPayload = {
      roomId: this.id,
      tracks: this.localParticipant.publishedTracks(),
      client: clientInfo(),
    };
    let result: JoinRoomResult;
    try {
      result = await this.channel.request('join_room', {
        ...base,
        resume: { participantId: this.localParticipant.id, resumeKey: this.resumeKey },
      });
    } catch (error) {
      // Lost again (or a race with the drop): the next reconnect tries once more.
      if (isConnectionError(error) || this.roomState !== RoomState.Reconnecting) return;
      if (error instanceof MinimeetError && error.code === ErrorCode.Conflict) return;
      if (error instanceof MinimeetError && error.code === ErrorCode.Forbidden) {
        this.end('removed');
        return;
      }
      try {
        // The grace period is over: come back as a new participant.
        result = await this.channel.request('join_room', {
          ...base,
          password: this.options.password,
          inviteCode: this.options.inviteCode,
          displayName: this.options.displayName,
        });
      } catch (retryError) {
        if (!isConnectionError(retryError)) this.end('timeout');
        return;
      }
    }
    if (this.roomState !== RoomState.Reconnecting) {
      // Left while the answer was on its way: a `leave_room` sent meanwhile may have reached the
      // server before the place was given back, so give it up again now (a second one is harmless).
      if (this.roomState === RoomState.Disconnected && this.channel.isConnected) {
        void this.channel.request('leave_room', { roomId: this.id }).catch(() => undefined);
      }
      return;
    }
    this.resumeKey = result.resumeKey;
    this.iceServers = result.iceServers;
    this.info = result.room;
    this.localParticipant.setInfo(result.participant);
    if (!result.resumed) {
      // A new identity: every peer connection belongs to the old one.
      this.transport.close();
      for (const participant of this.remotes.values()) participant.removeAllMedia();
      this.transport = this.createTransport(result);
    }
    const present = new Set(result.participants.map((p) => p.id));
    for (const id of [...this.remotes.keys()]) if (!present.has(id)) this.removeRemote(id, 'left');
    // Resumed, those new to this room joined while it was away and offer first; rejoined anew,
    // this participant is the newcomer everywhere.
    for (const info of result.participants) this.addRemote(info, result.resumed);
    // Whatever dropped the signalling may have broken the media paths too, where they still look
    // connected: ICE restarts everywhere (and the restart has the encoders send key frames).
    if (result.resumed) this.transport.recover(topologyOf(result));
    else
      for (const publication of this.localParticipant.trackPublications.values())
        this.transport.publish(publication.track!);
    this.setState(RoomState.Connected);
    this.emit(RoomEvent.Reconnected);
    // A host that was away asks for the lobby again; settings and hands may have changed.
    void this.moderation.refresh().catch(() => undefined);
    this.quality.handleResumed();
  }

  private end(reason: RoomDisconnectReason): void {
    if (this.roomState === RoomState.Disconnected) return;
    this.setState(RoomState.Disconnected);
    for (const stop of this.stops.splice(0)) stop();
    this.quality.close();
    this.transport.close();
    this.localParticipant.stopAllTracks();
    this.speakers.close();
    for (const participant of this.remotes.values()) {
      participant.removeAllMedia();
      this.unwire.get(participant)?.();
    }
    this.unwire.clear();
    this.remotes.clear();
    this.emit(RoomEvent.Disconnected, reason);
  }

  private setState(state: RoomState): void {
    if (state === this.roomState) return;
    this.roomState = state;
    this.emit(RoomEvent.StateChanged, state);
  }

  // Samples getStats() of the transport in use, sets each participant's level, reports to the server.
  private monitorQuality(): ConnectionQualityMonitor {
    const participant = (id: string): Participant | undefined =>
      id === this.localParticipant.id ? this.localParticipant : this.remotes.get(id);
    const monitor = new ConnectionQualityMonitor(
      {
        localId: () => this.localParticipant.id,
        collect: () => this.transport.getStats(),
        sourceOfTrack: (peerId, trackId) =>
          [...(this.remotes.get(peerId)?.trackPublications.values() ?? [])].find(
            (p) => p.track?.mediaStreamTrack?.id === trackId,
          )?.source,
        publishes: (id, source) => {
          const publication = participant(id)?.getTrackPublication(source);
          return publication !== undefined && !publication.isMuted;
        },
        send: async (samples) => {
          await this.channel.request('quality_report', { roomId: this.id, samples });
        },
        canSend: () => this.roomState === RoomState.Connected && this.channel.isConnected,
      },
      { ...QUALITY_DEFAULTS, ...this.options.quality },
    );
    monitor.on('qualityChanged', (id, quality) => participant(id)?.setConnectionQuality(quality));
    return monitor;
  }

  private createModeration(roomId: string): RoomModeration {
    const local = () => this.localParticipant;
    const quietly = (work: Promise<unknown>) =>
      work.then(
        () => undefined,
        (e: unknown) => this.reportDeviceError(e),
      );
    return new RoomModeration(roomId, (event, payload) => this.channel.request(event, payload), {
      localId: () => local().id,
      isHost: () => local().role === 'owner' || local().role === 'moderator',
      comply: (sources) => quietly(Promise.all(sources.map((s) => comply(local(), s)))),
      enforce: (permissions) => quietly(enforcePermissions(local(), permissions)),
    });
  }

  private subscribeModeration(): (() => void)[] {
    const m = this.moderation;
    const mine = (roomId: string) =>
      roomId === this.id && this.roomState !== RoomState.Disconnected;
    const c = this.channel;
    return [
      c.subscribe('moderation_muted', (e) => mine(e.roomId) && m.handleMuted(e)),
      c.subscribe(
        'moderation_unmute_requested',
        (e) => mine(e.roomId) && m.handleUnmuteRequested(e),
      ),
      c.subscribe('moderation_grants_changed', (e) => mine(e.roomId) && m.handleGrantsChanged(e)),
      c.subscribe('moderation_removed', (e) => mine(e.roomId) && m.handleRemoved(e)),
      c.subscribe('moderation_call_ended', (e) => mine(e.roomId) && m.handleCallEnded(e)),
      c.subscribe('room_moderation_updated', (e) => mine(e.roomId) && m.handleSettings(e)),
      c.subscribe('hands_updated', (e) => mine(e.roomId) && m.handleHands(e)),
      c.subscribe('lobby_updated', (e) => mine(e.roomId) && m.handleLobby(e)),
      c.subscribe('room_data', (e) => mine(e.roomId) && m.handleData(e)),
    ];
  }

  // Lets the forwarding functions emit room events on this room.
  private emitter(): RoomEmit {
    return (event, ...args) => this.emit(event, ...args);
  }

  private reportDeviceError(error: unknown): void {
    this.emit(
      RoomEvent.MediaDevicesError,
      error instanceof Error ? error : new Error(String(error)),
    );
  }

  private mediaHost(): LocalMediaHost {
    return {
      assertActive: () => {
        if (this.roomState === RoomState.Disconnected) {
          throw new InvalidStateError('The room has been left; join again to publish.');
        }
      },
      publish: (track) => this.transport.publish(track),
      unpublish: (track) => this.transport.unpublish(track),
      replaceTrack: (track) => this.transport.replaceTrack(track),
      announce: async () => {
        // While reconnecting, the resume carries the tracks instead.
        if (this.roomState !== RoomState.Connected || !this.channel.isConnected) return;
        const tracks = this.localParticipant.publishedTracks();
        await this.channel
          .request('update_media_state', { roomId: this.id, tracks })
          .catch((error: unknown) => {
            if (!isConnectionError(error)) throw error;
          });
      },
      reportDeviceError: (error) => this.reportDeviceError(error),
    };
  }
}
