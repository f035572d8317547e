import type {
  CallEndedEvent,
  GrantsChangedEvent,
  HandsUpdatedEvent,
  LobbyEntry,
  LobbySnapshot,
  ModerationActor,
  ModerationGrants,
  ModerationStateResult,
  MutedEvent,
  MuteSource,
  ParticipantPermissions,
  RaisedHand,
  RemovedEvent,
  RoomDataEvent,
  RoomModerationUpdatedEvent,
  RoomModeration as RoomModerationSettings,
  UnmuteRequestedEvent,
} from '@minimeet/protocol';
import type { RequestPayload, RequestResult } from '../signaling/SignalClient.js';
import { TypedEmitter } from '../utils/TypedEmitter.js';
import { ModerationEvent } from './ModerationEvent.js';

/** The listener signature of each {@link ModerationEvent}. */
export interface ModerationCallbacks {
  [ModerationEvent.MutedByHost]: (sources: MuteSource[], by: ModerationActor) => void;
  [ModerationEvent.UnmuteRequested]: (sources: MuteSource[], by: ModerationActor) => void;
  [ModerationEvent.GrantsChanged]: (
    permissions: ParticipantPermissions,
    by: ModerationActor,
  ) => void;
  [ModerationEvent.Removed]: (event: RemovedEvent) => void;
  [ModerationEvent.CallEnded]: (by: ModerationActor) => void;
  [ModerationEvent.SettingsChanged]: (
    settings: RoomModerationSettings,
    by: ModerationActor | null,
  ) => void;
  [ModerationEvent.HandsChanged]: (hands: RaisedHand[]) => void;
  [ModerationEvent.LobbyChanged]: (entries: LobbyEntry[]) => void;
  [ModerationEvent.DataReceived]: (data: unknown, topic: string | null) => void;
}

/** The requests moderation sends, as the room hands them over. */
type ModerationRequest = <
  E extends
    | 'moderation_mute'
    | 'moderation_mute_all'
    | 'moderation_ask_unmute'
    | 'moderation_remove'
    | 'moderation_grants'
    | 'moderation_room'
    | 'moderation_end_call'
    | 'moderation_state'
    | 'lobby_list'
    | 'lobby_admit'
    | 'lobby_deny'
    | 'hand_raise'
    | 'hand_lower',
>(
  event: E,
  payload: RequestPayload<E>,
) => Promise<RequestResult<E>>;

/** What the room tells moderation about the local participant. */
export interface ModerationHost {
  /** The local participant's id. */
  localId(): string;
  /** Whether the local participant is an owner or moderator now. */
  isHost(): boolean;
  /** Turns the sources off because a host muted them. */
  comply(sources: readonly MuteSource[]): Promise<void>;
  /** Turns off what the permissions no longer allow. */
  enforce(permissions: ParticipantPermissions): Promise<void>;
}

/**
 * What hosts do in a room's call, and what everyone sees of it: `room.moderation`. Hosts (owners
 * and moderators) mute, remove, change grants, lock, run the lobby and end the call; everyone
 * raises hands and hears of what hosts did to them. The server refuses a host action of anyone
 * else with `forbidden`. The room feeds server events in through the `handleX()` methods.
 */
export class RoomModeration extends TypedEmitter<ModerationCallbacks> {
  private currentSettings: RoomModerationSettings = { locked: false, lobby: false };
  private currentHands: RaisedHand[] = [];
  private currentLobby: LobbyEntry[] = [];

  /** @internal */
  constructor(
    private readonly roomId: string,
    private readonly request: ModerationRequest,
    private readonly host: ModerationHost,
  ) {
    super();
  }

  /** The room's lock and lobby settings as last heard. */
  get settings(): RoomModerationSettings {
    return { ...this.currentSettings };
  }

  /** Raised hands in the order they went up. */
  get raisedHands(): readonly RaisedHand[] {
    return this.currentHands;
  }

  /** Hosts: who waits in the lobby, longest first. */
  get lobby(): readonly LobbyEntry[] {
    return this.currentLobby;
  }

  /** Whether the local participant's hand is up. */
  get isHandRaised(): boolean {
    const id = this.host.localId();
    return this.currentHands.some((h) => h.participantId === id);
  }

  /** Hosts: mutes sources of a participant; resolves with how many tracks were marked muted. */
  async mute(participantId: string, sources: MuteSource[] = ['microphone']): Promise<number> {
    return (await this.request('moderation_mute', { roomId: this.roomId, participantId, sources }))
      .muted;
  }

  /** Hosts: mutes sources of everyone but the hosts; resolves with how many were muted. */
  async muteAll(sources: MuteSource[] = ['microphone']): Promise<number> {
    return (await this.request('moderation_mute_all', { roomId: this.roomId, sources })).muted;
  }

  /** Hosts: asks a participant to unmute; never forced. */
  async askToUnmute(participantId: string, sources: MuteSource[] = ['microphone']): Promise<void> {
    await this.request('moderation_ask_unmute', { roomId: this.roomId, participantId, sources });
  }

  /** Hosts: removes a participant, optionally barred for `banSeconds`. */
  async remove(
    participantId: string,
    options: { banSeconds?: number; reason?: string } = {},
  ): Promise<void> {
    await this.request('moderation_remove', { roomId: this.roomId, participantId, ...options });
  }

  /** Hosts: changes a participant's grants; the server enforces them at once. */
  async setGrants(participantId: string, grants: ModerationGrants): Promise<void> {
    await this.request('moderation_grants', { roomId: this.roomId, participantId, grants });
  }

  /** Hosts: locks (or unlocks) the room. */
  async setLocked(locked: boolean): Promise<void> {
    this.applySettings(
      await this.request('moderation_room', { roomId: this.roomId, locked }),
      null,
    );
  }

  /** Hosts: turns the lobby on or off. */
  async setLobbyEnabled(lobby: boolean): Promise<void> {
    this.applySettings(await this.request('moderation_room', { roomId: this.roomId, lobby }), null);
  }

  /** Hosts: lets a waiter in. */
  async admit(entryId: string): Promise<void> {
    await this.request('lobby_admit', { roomId: this.roomId, entryId });
  }

  /** Hosts: turns a waiter away. */
  async deny(entryId: string): Promise<void> {
    await this.request('lobby_deny', { roomId: this.roomId, entryId });
  }

  /** Hosts: ends the call for everyone. */
  async endCall(): Promise<void> {
    await this.request('moderation_end_call', { roomId: this.roomId });
  }

  /** Raises or lowers the local participant's hand. */
  async setHandRaised(raised: boolean): Promise<void> {
    await this.request('hand_raise', { roomId: this.roomId, raised });
  }

  /** Hosts: lowers someone's hand. */
  async lowerHand(participantId: string): Promise<void> {
    await this.request('hand_lower', { roomId: this.roomId, participantId });
  }

  /** Loads the settings, hands and (for hosts) the lobby; the room calls it on join and resume. */
  async refresh(): Promise<void> {
    this.applySettings(await this.request('moderation_state', { roomId: this.roomId }), null);
    if (this.host.isHost()) {
      this.handleLobby(await this.request('lobby_list', { roomId: this.roomId }));
    }
  }

  /** @internal */
  handleMuted(event: MutedEvent): void {
    void this.host
      .comply(event.sources)
      .finally(() => this.emit(ModerationEvent.MutedByHost, event.sources, event.by));
  }

  /** @internal */
  handleUnmuteRequested(event: UnmuteRequestedEvent): void {
    this.emit(ModerationEvent.UnmuteRequested, event.sources, event.by);
  }

  /** @internal */
  handleGrantsChanged(event: GrantsChangedEvent): void {
    void this.host
      .enforce(event.permissions)
      .finally(() => this.emit(ModerationEvent.GrantsChanged, event.permissions, event.by));
  }

  /** @internal */
  handleRemoved(event: RemovedEvent): void {
    this.emit(ModerationEvent.Removed, event);
  }

  /** @internal */
  handleCallEnded(event: CallEndedEvent): void {
    this.emit(ModerationEvent.CallEnded, event.by);
  }

  /** @internal */
  handleSettings(event: RoomModerationUpdatedEvent): void {
    this.currentSettings = { ...event.moderation };
    this.emit(ModerationEvent.SettingsChanged, this.settings, event.by);
  }

  /** @internal */
  handleHands(event: Pick<HandsUpdatedEvent, 'hands'>): void {
    this.currentHands = event.hands;
    this.emit(ModerationEvent.HandsChanged, this.currentHands);
  }

  /** @internal */
  handleLobby(event: Pick<LobbySnapshot, 'entries'>): void {
    this.currentLobby = event.entries;
    this.emit(ModerationEvent.LobbyChanged, this.currentLobby);
  }

  /** @internal */
  handleData(event: RoomDataEvent): void {
    this.emit(ModerationEvent.DataReceived, event.data, event.topic);
  }

  private applySettings(result: ModerationStateResult, by: ModerationActor | null): void {
    this.currentSettings = { ...result.moderation };
    this.emit(ModerationEvent.SettingsChanged, this.settings, by);
    this.handleHands(result);
  }
}
