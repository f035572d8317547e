/** REST bodies of rooms, memberships and invites under `/api/rooms` and `/api/invites`. */
import type { RoomRole } from './http.js';

/** How a room carries media: `mesh` (browser to browser, small rooms), `sfu` (through the server), or `auto`. */
export type RoomTopology = 'auto' | 'mesh' | 'sfu';

/** Who can find a room: `public` rooms are listed to every user; `private` rooms only to members. */
export type RoomVisibility = 'public' | 'private';

/** A room as the REST API returns it. */
export interface RoomDetails {
  /** Room id: letters, digits and `._:-`; generated for rooms created over REST. */
  id: string;
  /** Display name. */
  name: string;
  /** Public (listed to everyone) or private (members and invitees only). */
  visibility: RoomVisibility;
  /** True when joining as a non-member needs the room password. */
  hasPassword: boolean;
  /** Most participants in a call at once. */
  capacity: number;
  /** The media topology requested for the room. */
  topology: RoomTopology;
  /** The owner's user id, or null for a room created by a join token without an owning user. */
  ownerId: string | null;
  /** The caller's role in the room, or null when the caller is not a member. */
  myRole: RoomRole | null;
  /** How many people are in the call right now. */
  participantCount: number;
  /** ISO 8601 creation time. */
  createdAt: string;
  /** ISO 8601 time of the last change. */
  updatedAt: string;
}

/** `POST /api/rooms` body. */
export interface CreateRoomRequest {
  /** Display name, 1 to 80 characters. */
  name: string;
  /** Default `private`. */
  visibility?: RoomVisibility;
  /** Optional password (4 to 128 characters) that non-members must give to join. */
  password?: string;
  /** Most participants at once, 2 to the server's maximum (default: the mesh maximum, 4). */
  capacity?: number;
  /** Default `auto`. */
  topology?: RoomTopology;
}

/** `PATCH /api/rooms/:id` body: at least one field. `password: null` removes the password. */
export interface UpdateRoomRequest {
  /** New display name. */
  name?: string;
  /** New visibility. */
  visibility?: RoomVisibility;
  /** New password, or null to remove it. */
  password?: string | null;
  /** New capacity; lowering it does not remove people already in the call. */
  capacity?: number;
  /** New topology. */
  topology?: RoomTopology;
}

/** A page of items with an opaque cursor for the next page. */
export interface Page<T> {
  /** The items of this page. */
  items: T[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
}

/** A member of a room. */
export interface RoomMember {
  /** The member's user id. */
  userId: string;
  /** Display name. */
  displayName: string;
  /** Avatar URL or null. */
  avatarUrl: string | null;
  /** Role in the room. */
  role: RoomRole;
  /** ISO 8601 time the user became a member. */
  joinedAt: string;
}

/** `PATCH /api/rooms/:id/members/:userId` body. */
export interface UpdateMemberRequest {
  /** `moderator` or `member`; ownership is not transferable this way. */
  role: Exclude<RoomRole, 'owner'>;
}

/** `POST /api/rooms/:id/join` body: joins a room as a member. */
export interface JoinRoomRequest {
  /** The room password, when the room has one. */
  password?: string;
}

/** `POST /api/rooms/:id/invites` body. */
export interface CreateInviteRequest {
  /** Lifetime in seconds, 60 to 30 days (default 7 days). */
  ttlSeconds?: number;
  /** How many people may use it (default unlimited). */
  maxUses?: number;
  /** The role the invite grants, `member` (default) or `moderator`. */
  role?: Exclude<RoomRole, 'owner'>;
}

/** An invite link to a room. */
export interface RoomInvite {
  /** The secret code; whoever holds it may join until it expires. */
  code: string;
  /** The room it admits to. */
  roomId: string;
  /** The role it grants. */
  role: Exclude<RoomRole, 'owner'>;
  /** ISO 8601 expiry. */
  expiresAt: string;
  /** Use limit, or null for unlimited. */
  maxUses: number | null;
  /** How many times it has been used. */
  uses: number;
  /** The user who created it. */
  createdBy: string;
  /** ISO 8601 creation time. */
  createdAt: string;
  /** A link to share, `<PUBLIC_URL>/?invite=<code>` (relative when no PUBLIC_URL is set). */
  url: string;
}

/** `POST /api/invites/:code/accept` answer: the room the caller is now a member of. */
export interface AcceptedInvite {
  /** The room. */
  room: RoomDetails;
}
