// The rooms REST API, as this page uses it: every call carries the signed-in user's access token.
import { MinimeetError } from '/sdk/minimeet-sdk.js';

/**
 * A room as `GET /api/rooms` lists it (the fields this page reads).
 *
 * @typedef {object} RoomSummary
 * @property {string} id
 * @property {string} name
 * @property {'public' | 'private'} visibility
 * @property {boolean} hasPassword
 * @property {number} capacity
 * @property {'owner' | 'moderator' | 'member' | null} myRole
 * @property {number} participantCount
 */

/**
 * An invite link (the fields this page reads).
 *
 * @typedef {object} RoomInvite
 * @property {string} code
 * @property {string} url
 * @property {string} expiresAt
 */

/**
 * A member of a room, as `GET /api/rooms/{id}/members` lists it (the fields this page reads).
 *
 * @typedef {object} RoomMember
 * @property {string} userId
 * @property {string} displayName
 * @property {'owner' | 'moderator' | 'member'} role
 */

/**
 * @typedef {object} RoomsApi
 * @property {() => Promise<RoomSummary[]>} listRooms
 * @property {(id: string) => Promise<RoomSummary>} getRoom
 * @property {(input: { name: string, visibility: 'public' | 'private', password?: string }) => Promise<RoomSummary>} createRoom
 * @property {(roomId: string) => Promise<RoomInvite>} createInvite
 * @property {(code: string) => Promise<RoomSummary>} acceptInvite
 * @property {(roomId: string) => Promise<RoomMember[]>} listMembers the first 100 members
 */

/**
 * The rooms API of `serverUrl`, authorised by `getAccessToken`.
 *
 * @param {string} serverUrl
 * @param {() => Promise<string>} getAccessToken
 * @returns {RoomsApi}
 */
export function createRoomsApi(serverUrl, getAccessToken) {
  /**
   * @param {'GET' | 'POST'} method
   * @param {string} path
   * @param {object} [body]
   * @returns {Promise<any>}
   */
  async function request(method, path, body) {
    /** @type {Record<string, string>} */
    const headers = { authorization: `Bearer ${await getAccessToken()}` };
    if (body) headers['content-type'] = 'application/json';
    const res = await fetch(`${serverUrl}${path}`, {
      method,
      headers,
      body: body ? JSON.stringify(body) : undefined,
    });
    const answer = res.status === 204 ? undefined : await res.json().catch(() => undefined);
    if (!res.ok) {
      const info = answer?.error;
      if (info && typeof info.code === 'string' && typeof info.message === 'string')
        throw MinimeetError.fromInfo(info, res.status);
      throw new MinimeetError('internal_error', `The server answered ${res.status}.`, {
        status: res.status,
      });
    }
    return answer;
  }

  return {
    async listRooms() {
      const page = await request('GET', '/api/rooms?scope=all&limit=50');
      return page.items;
    },
    getRoom: (id) => request('GET', `/api/rooms/${encodeURIComponent(id)}`),
    createRoom: (input) => request('POST', '/api/rooms', input),
    createInvite: (roomId) =>
      request('POST', `/api/rooms/${encodeURIComponent(roomId)}/invites`, {}),
    async acceptInvite(code) {
      const accepted = await request('POST', `/api/invites/${encodeURIComponent(code)}/accept`);
      return accepted.room;
    },
    async listMembers(roomId) {
      const page = await request(
        'GET',
        `/api/rooms/${encodeURIComponent(roomId)}/members?limit=100`,
      );
      return page.items;
    },
  };
}
