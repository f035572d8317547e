import { MinimeetError, type ErrorInfo } from '@minimeet/sdk';

/** A room as `GET /api/rooms` lists it (the fields the demo reads). */
export interface RoomSummary {
  id: string;
  name: string;
  visibility: 'public' | 'private';
  hasPassword: boolean;
  capacity: number;
  myRole: 'owner' | 'moderator' | 'member' | null;
  participantCount: number;
}

/** An invite link (the fields the demo reads). */
export interface RoomInvite {
  code: string;
  url: string;
  expiresAt: string;
}

/** A member of a room (the fields the demo reads). */
export interface RoomMember {
  userId: string;
  displayName: string;
  role: 'owner' | 'moderator' | 'member';
}

/** What creating a room asks for. */
export interface CreateRoomInput {
  name: string;
  visibility: 'public' | 'private';
  password?: string;
}

/** The rooms REST API as the demo uses it, each call authorised by the signed-in user's token. */
export interface RoomsApi {
  /** The rooms this user may join: their own and the public ones. */
  listRooms(): Promise<RoomSummary[]>;
  /** One room. */
  getRoom(id: string): Promise<RoomSummary>;
  /** Creates a room owned by this user. */
  createRoom(input: CreateRoomInput): Promise<RoomSummary>;
  /** Creates an invite link to a room. */
  createInvite(roomId: string): Promise<RoomInvite>;
  /** Accepts an invite code: this user becomes a member; resolves with the room. */
  acceptInvite(code: string): Promise<RoomSummary>;
  /** The first 100 members of a room. */
  listMembers(roomId: string): Promise<RoomMember[]>;
}

function errorInfoOf(body: unknown): ErrorInfo | undefined {
  const info = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  return info && typeof info.code === 'string' && typeof info.message === 'string'
    ? (info as ErrorInfo)
    : undefined;
}

/** The rooms API of `serverUrl`, authorised by `getAccessToken`. */
export function createRoomsApi(serverUrl: string, getAccessToken: () => Promise<string>): RoomsApi {
  async function request<T>(method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${await getAccessToken()}`,
    };
    if (body) headers['content-type'] = 'application/json';
    const res = await fetch(`${serverUrl}${path}`, {
      method,
      headers,
      body: body ? JSON.stringify(body) : null,
    });
    const answer: unknown =
      res.status === 204 ? undefined : await res.json().catch(() => undefined);
    if (!res.ok) {
      const info = errorInfoOf(answer);
      if (info) throw MinimeetError.fromInfo(info, res.status);
      throw new MinimeetError('internal_error', `The server answered ${res.status}.`, {
        status: res.status,
      });
    }
    return answer as T;
  }

  const room = (id: string) => `/api/rooms/${encodeURIComponent(id)}`;
  return {
    async listRooms() {
      const page = await request<{ items: RoomSummary[] }>('GET', '/api/rooms?scope=all&limit=50');
      return page.items;
    },
    getRoom: (id) => request('GET', room(id)),
    createRoom: (input) => request('POST', '/api/rooms', input),
    createInvite: (roomId) => request('POST', `${room(roomId)}/invites`, {}),
    async acceptInvite(code) {
      const accepted = await request<{ room: RoomSummary }>(
        'POST',
        `/api/invites/${encodeURIComponent(code)}/accept`,
      );
      return accepted.room;
    },
    async listMembers(roomId) {
      const page = await request<{ items: RoomMember[] }>(
        'GET',
        `${room(roomId)}/members?limit=100`,
      );
      return page.items;
    },
  };
}

/** An error in words for the page, with what the server found invalid, if it said. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error) || !error.message) return 'Something went wrong. Please try again.';
  const issues = error instanceof MinimeetError ? error.details?.issues : undefined;
  if (!issues?.length) return error.message;
  return [error.message, ...issues.map((issue) => issue.message)].join(' ');
}
