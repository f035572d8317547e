/**
 * Stable error codes. Every error that leaves the server, over HTTP or Socket.IO, carries one of
 * these codes and a human sentence; the codes never change meaning between releases.
 */
export const ErrorCode = {
  /** A body, query or payload did not match its schema; `details` lists each problem. */
  ValidationFailed: 'validation_failed',
  /** The HTTP body was not valid JSON. */
  InvalidJson: 'invalid_json',
  /** The HTTP body was larger than the server accepts. */
  PayloadTooLarge: 'payload_too_large',
  /** The HTTP body was not `application/json`. */
  UnsupportedMediaType: 'unsupported_media_type',
  /** No such route or resource. */
  NotFound: 'not_found',
  /** The request needs an access token (or API key) and had none, or a bad one. */
  Unauthorized: 'unauthorized',
  /** Unknown email or wrong password: deliberately the same answer for both. */
  InvalidCredentials: 'invalid_credentials',
  /** The handshake or request carried no token. */
  TokenMissing: 'token_missing',
  /** The token is malformed, forged, of the wrong kind, or for a revoked key. */
  TokenInvalid: 'token_invalid',
  /** The token was valid once and has expired. */
  TokenExpired: 'token_expired',
  /** A refresh token was used twice; its whole family is now revoked. */
  TokenReused: 'token_reused',
  /**
   * The session the access token belongs to has ended (logout, a password change on another
   * session, or a reused refresh token); sign in again.
   */
  SessionRevoked: 'session_revoked',
  /** An operator disabled the account: it cannot sign in, refresh or connect until enabled. */
  AccountDisabled: 'account_disabled',
  /** Authenticated, but not allowed to do this. */
  Forbidden: 'forbidden',
  /** The email address already belongs to an account. */
  EmailTaken: 'email_taken',
  /** Too many requests; retry after `details.retryAfterSeconds`. */
  RateLimited: 'rate_limited',
  /** The client speaks a protocol version the server does not. */
  ProtocolMismatch: 'protocol_mismatch',
  /** The server is shutting down; reconnect to another node or later. */
  ServerShutdown: 'server_shutdown',
  /** A dependency (such as the database) is unavailable. */
  ServiceUnavailable: 'service_unavailable',
  /** An unexpected failure inside the server; the request id in the logs finds it. */
  InternalError: 'internal_error',
  /** The request conflicts with the resource's current state (e.g. removing the room's owner). */
  Conflict: 'conflict',
  /** The room needs a password (or an invite) and none, or a wrong one, was given. */
  RoomPasswordRequired: 'room_password_required',
  /** The invite code is unknown, expired, revoked or used up. */
  InviteInvalid: 'invite_invalid',
  /** The room already holds as many participants as its capacity allows. */
  RoomFull: 'room_full',
  /** The caller has not joined that room (or has left it) on this connection. */
  NotInRoom: 'not_in_room',
  /** The addressed participant is not in the caller's room. */
  ParticipantNotFound: 'participant_not_found',
  /** This server does not offer the feature. */
  FeatureUnavailable: 'feature_unavailable',
  /** A host locked the room: only its owners and moderators may join the call now. */
  RoomLocked: 'room_locked',
  /** The room admits the caller only through its lobby: send `lobby_knock` and wait for a host. */
  LobbyRequired: 'lobby_required',
  /**
   * The room needs the SFU (its topology is `sfu`, or an `auto` room outgrew the mesh) and this
   * server has no media worker running; `/api/health` says why. Mesh rooms still work.
   */
  SfuUnavailable: 'sfu_unavailable',
} as const;

/** One of the {@link ErrorCode} values. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** One problem found while validating a body or payload. */
export interface ValidationIssue {
  /** Where the problem is, as a dotted path (`grants.room`), or `''` for the whole value. */
  path: string;
  /** What is wrong, in a sentence. */
  message: string;
}

/** The error object carried by every failed HTTP response and every failed acknowledgement. */
export interface ErrorInfo {
  /** A stable machine-readable code. */
  code: ErrorCode;
  /** A human sentence; safe to show, never a stack trace. */
  message: string;
  /** Extra structured facts, such as validation issues or a retry delay. */
  details?: {
    /** With `validation_failed`: every problem found. */
    issues?: ValidationIssue[];
    /** With `rate_limited`: seconds to wait, as in the Retry-After header. */
    retryAfterSeconds?: number;
    /** With `internal_error` over HTTP: the request's id, which finds it in the server logs. */
    requestId?: string;
    /** With `error_notice`: the client event whose request failed (or the unknown event's name). */
    event?: string;
  };
}

/** The body of every failed HTTP response: `{ error: { code, message } }`. */
export interface ErrorBody {
  /** What went wrong. */
  error: ErrorInfo;
}

/**
 * The typed answer to every client request over Socket.IO: `{ ok: true, …result }` or
 * `{ ok: false, error }`.
 */
export type AckResult<T extends object = object> =
  ({ ok: true } & T) | { ok: false; error: ErrorInfo };

/** Codes the server puts in `connect_error.data.code` when it refuses a Socket.IO handshake. */
export type ConnectErrorCode =
  | typeof ErrorCode.TokenMissing
  | typeof ErrorCode.TokenInvalid
  | typeof ErrorCode.TokenExpired
  | typeof ErrorCode.SessionRevoked
  | typeof ErrorCode.AccountDisabled
  | typeof ErrorCode.ProtocolMismatch
  | typeof ErrorCode.RateLimited
  | typeof ErrorCode.ServerShutdown
  | typeof ErrorCode.InternalError;

/** The `data` of a refused handshake's `connect_error`. */
export interface ConnectErrorData {
  /** Why the server refused the connection. */
  code: ConnectErrorCode;
  /** A human sentence. */
  message: string;
}

/** Reasons the server gives in `session_ended` before it closes a connection itself. */
export type SessionEndReason =
  | typeof ErrorCode.TokenExpired
  | typeof ErrorCode.TokenInvalid
  | typeof ErrorCode.SessionRevoked
  | typeof ErrorCode.AccountDisabled
  | typeof ErrorCode.ServerShutdown;
