import type {
  ErrorBody,
  LiveParticipantsResponse,
  LobbySnapshot,
  ModerationGrants,
  ModerationStateResult,
  MuteSource,
  RemoveRequest,
  UpdateRoomModerationRequest,
} from '@minimeet/protocol';
import type { ApiKeyCredentials } from './join-token.js';

/** Thrown by {@link RoomService} when the server refuses; carries its error code and HTTP status. */
export class RoomServiceError extends Error {
  override name = 'RoomServiceError';

  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * A room's live call, managed from a host app's backend with its API key (like LiveKit's room
 * service): list the participants, mute, remove, change grants, lock, the lobby, end the call,
 * send a data message. The key acts as its owner, who must own or moderate the room.
 *
 * @example
 * const rooms = new RoomService('https://meet.example.com', { id: KEY_ID, secret: KEY_SECRET });
 * const { participants } = await rooms.listParticipants('visit-1001');
 * await rooms.muteParticipant('visit-1001', participants[0].id, ['microphone']);
 */
export class RoomService {
  private readonly authorization: string;

  constructor(
    private readonly serverUrl: string,
    key: ApiKeyCredentials,
  ) {
    this.authorization = `Basic ${Buffer.from(`${key.id}:${key.secret}`).toString('base64')}`;
  }

  /** Everyone in the call now, the room's lock and lobby settings, and raised hands. */
  listParticipants(roomId: string): Promise<LiveParticipantsResponse> {
    return this.call('GET', roomId, '/participants');
  }

  /** Mutes sources of a participant; resolves with how many tracks were marked muted. */
  muteParticipant(
    roomId: string,
    participantId: string,
    sources: MuteSource[],
  ): Promise<{ muted: number }> {
    return this.call('POST', roomId, `/participants/${enc(participantId)}/mute`, { sources });
  }

  /** Mutes sources of everyone but the hosts; resolves with how many participants were muted. */
  muteAll(roomId: string, sources: MuteSource[]): Promise<{ muted: number }> {
    return this.call('POST', roomId, '/mute-all', { sources });
  }

  /** Removes a participant, optionally barred from joining again for `banSeconds`. */
  async removeParticipant(
    roomId: string,
    participantId: string,
    options: RemoveRequest = {},
  ): Promise<void> {
    await this.call('POST', roomId, `/participants/${enc(participantId)}/remove`, options);
  }

  /** Changes a participant's grants; the server enforces them at once. */
  async updateGrants(
    roomId: string,
    participantId: string,
    grants: ModerationGrants,
  ): Promise<void> {
    await this.call('PATCH', roomId, `/participants/${enc(participantId)}/grants`, grants);
  }

  /** Locks or unlocks the room, turns its lobby on or off. */
  updateModeration(
    roomId: string,
    settings: UpdateRoomModerationRequest,
  ): Promise<ModerationStateResult> {
    return this.call('PATCH', roomId, '/moderation', settings);
  }

  /** Who waits in the room's lobby, longest first. */
  listLobby(roomId: string): Promise<LobbySnapshot> {
    return this.call('GET', roomId, '/lobby');
  }

  /** Lets a waiter in. */
  async admit(roomId: string, entryId: string): Promise<void> {
    await this.call('POST', roomId, `/lobby/${enc(entryId)}/admit`);
  }

  /** Turns a waiter away. */
  async deny(roomId: string, entryId: string): Promise<void> {
    await this.call('POST', roomId, `/lobby/${enc(entryId)}/deny`);
  }

  /** Ends the call for everyone. */
  async endCall(roomId: string): Promise<void> {
    await this.call('POST', roomId, '/end');
  }

  /** Sends a data message (any JSON value up to 16 KiB) to everyone in the call. */
  async sendData(roomId: string, data: unknown, topic?: string): Promise<void> {
    await this.call('POST', roomId, '/data', topic === undefined ? { data } : { topic, data });
  }

  private async call<T>(method: string, roomId: string, path: string, body?: unknown): Promise<T> {
    const url = new URL(`/api/calls/${enc(roomId)}${path}`, this.serverUrl);
    const res = await fetch(url, {
      method,
      headers: {
        authorization: this.authorization,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as T | ErrorBody) : undefined;
    if (!res.ok) {
      const error =
        parsed && typeof parsed === 'object' && 'error' in parsed ? parsed.error : undefined;
      throw new RoomServiceError(
        error?.code ?? 'internal_error',
        error?.message ?? `The server answered ${res.status}.`,
        res.status,
      );
    }
    return parsed as T;
  }
}

const enc = encodeURIComponent;
