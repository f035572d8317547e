/** REST request and response bodies under `/api`, shared by the server and the SDK. */
import type { IceServerInfo } from './signalling.js';

/** A user's public profile, as `GET /api/users/me` returns it. */
export interface UserProfile {
  /** Stable user id (UUID). */
  id: string;
  /** Normalised (lower-case, trimmed) email address. */
  email: string;
  /** The name other people see. */
  displayName: string;
  /** An https or http URL of the avatar image, or null. */
  avatarUrl: string | null;
  /** ISO 8601 time the account was created. */
  createdAt: string;
}

/** `POST /api/auth/register` body. */
export interface RegisterRequest {
  /** Email address; normalised to lower case and must be unique. */
  email: string;
  /** 10 to 256 characters. */
  password: string;
  /** 1 to 80 characters shown to others. */
  displayName: string;
}

/** `POST /api/auth/login` body. */
export interface LoginRequest {
  /** Email address, any case. */
  email: string;
  /** The account password. */
  password: string;
}

/** `POST /api/auth/password` body. */
export interface ChangePasswordRequest {
  /** The password the account has now. */
  currentPassword: string;
  /** The new password, 10 to 256 characters. */
  newPassword: string;
}

/** `POST /api/auth/refresh` and `POST /api/auth/logout` body. */
export interface RefreshRequest {
  /** The refresh token from the last login or refresh. */
  refreshToken: string;
}

/** The answer to register, login and refresh. */
export interface AuthSession {
  /** Short-lived signed access token for `Authorization: Bearer` and the socket handshake. */
  accessToken: string;
  /** ISO 8601 expiry of the access token. */
  accessTokenExpiresAt: string;
  /** Opaque single-use refresh token; each refresh returns a new one. */
  refreshToken: string;
  /** ISO 8601 expiry of the refresh token. */
  refreshTokenExpiresAt: string;
  /** The signed-in user. */
  user: UserProfile;
}

/** An account as an operator sees it (`/api/admin/users/…`): the profile and whether it is disabled. */
export interface AdminUserInfo extends UserProfile {
  /** ISO 8601 time an operator disabled the account, or null while it may sign in. */
  disabledAt: string | null;
}

/** `PATCH /api/users/me` body: at least one field. */
export interface UpdateProfileRequest {
  /** New display name, 1 to 80 characters. */
  displayName?: string;
  /** New avatar URL (http or https), or null to clear it. */
  avatarUrl?: string | null;
}

/** `POST /api/api-keys` body. */
export interface CreateApiKeyRequest {
  /** A label to recognise the key by, 1 to 80 characters. */
  name: string;
}

/** An API key as listed: never includes the secret. */
export interface ApiKeyInfo {
  /** Public key id, e.g. `mk_3f9a…`; sent with every use of the key. */
  id: string;
  /** The label given at creation. */
  name: string;
  /** ISO 8601 creation time. */
  createdAt: string;
  /** ISO 8601 time of the last REST use or join-token verification, or null. */
  lastUsedAt: string | null;
  /** ISO 8601 time the key was revoked, or null while it is active. */
  revokedAt: string | null;
}

/** `POST /api/api-keys` answer: the only time the secret is shown. */
export interface CreatedApiKey extends ApiKeyInfo {
  /** The secret (`mks_…`). Store it in the host app's backend; minimeet keeps only a hash of it. */
  secret: string;
}

/** Roles a participant can hold in a room. */
export type RoomRole = 'owner' | 'moderator' | 'member';

/** What a join token lets its bearer do. */
export interface JoinGrants {
  /** The room id the token admits to. */
  room: string;
  /** The participant's role in that room. */
  role: RoomRole;
  /** May publish camera, microphone and screen. */
  canPublish: boolean;
  /** May receive others' media. */
  canSubscribe: boolean;
  /** May send chat messages. */
  canChat: boolean;
  /**
   * Wait in the room's lobby until a host admits the bearer. Absent: wait only when the room's
   * lobby is on and the role is `member`; `false`: never wait.
   */
  lobby?: boolean;
}

/** `POST /api/join-tokens` body (authenticated with an API key). */
export interface CreateJoinTokenRequest {
  /** The host app's id for its user, 1 to 128 characters. */
  identity: string;
  /** Display name, 1 to 80 characters. */
  name: string;
  /** Avatar URL (http or https). */
  avatarUrl?: string;
  /** Grants; only `room` is required, the rest default to a member who may do everything. */
  grants: Pick<JoinGrants, 'room'> & Partial<Omit<JoinGrants, 'room'>>;
  /** Lifetime in seconds, 30 to the server's maximum (default 600). */
  ttlSeconds?: number;
}

/** `POST /api/join-tokens` answer. */
export interface CreatedJoinToken {
  /** The signed join token, for the SDK's `connect()`. */
  token: string;
  /** ISO 8601 expiry. */
  expiresAt: string;
}

/**
 * `GET /api/ice-servers` answer: the STUN/TURN servers a client may test before it joins, with
 * TURN credentials minted for this request (as at join) and as short-lived.
 */
export interface IceServersResponse {
  /** STUN, then TURN with ephemeral credentials; empty when the server configures none. */
  iceServers: IceServerInfo[];
  /** Seconds the TURN credentials stay valid (0 without TURN). */
  ttlSeconds: number;
}

/** `GET /api/health` answer. */
export interface HealthResponse {
  /** `ok` when every dependency answers, `degraded` otherwise (HTTP 503). */
  status: 'ok' | 'degraded';
  /** Server package version. */
  version: string;
  /** Wire protocol version. */
  protocolVersion: number;
  /** Seconds since the process started. */
  uptimeSeconds: number;
  /** The relational store. */
  database: {
    status: 'up' | 'down';
    driver: 'sqlite' | 'mysql' | 'postgres';
    latencyMs: number | null;
  };
  /**
   * The SFU (media server). `unavailable` does not make the server `degraded`: mesh rooms work,
   * `sfu` rooms are refused with `sfu_unavailable`, and `reason` says why.
   */
  sfu: {
    status: 'available' | 'unavailable';
    /** Why the SFU is unavailable; absent while it is available. */
    reason?: string;
    /** Running worker processes (0 until the first SFU call starts them). */
    workers: number;
    /** Rooms with a media router on this node. */
    rooms: number;
  };
}
