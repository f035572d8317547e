import type { ConnectErrorCode, ErrorCode, ErrorInfo } from '@minimeet/protocol';

/** Codes the SDK raises itself, beside the server's {@link ErrorCode}s. */
export const SdkErrorCode = {
  /** The server did not answer in time. */
  Timeout: 'timeout',
  /** The request never reached the server, or its answer never came back. */
  NetworkError: 'network_error',
  /** The connection closed while the request was waiting for its answer. */
  Disconnected: 'disconnected',
  /** The server answered with something that is not the documented shape. */
  InvalidResponse: 'invalid_response',
  /** The object is not in a state that allows the call. */
  InvalidState: 'invalid_state',
  /** The environment lacks something the call needs. */
  Unsupported: 'unsupported',
  /** A host turned this client away from the room's lobby. */
  LobbyDenied: 'lobby_denied',
} as const;

/** One of the {@link SdkErrorCode} values. */
export type SdkErrorCode = (typeof SdkErrorCode)[keyof typeof SdkErrorCode];

/** Why a connection could not be opened, or why an open one ended. */
export enum ConnectionErrorReason {
  /** No token was given, or the token provider returned an empty one. */
  TokenMissing = 'token_missing',
  /** The server refused the token: malformed, forged, revoked, or for an account that is gone. */
  TokenInvalid = 'token_invalid',
  /** The token has expired and no fresh one could be had. */
  TokenExpired = 'token_expired',
  /** The token provider threw, or did not answer in time. */
  TokenProviderFailed = 'token_provider_failed',
  /** The server does not speak this SDK's protocol version. */
  ProtocolMismatch = 'protocol_mismatch',
  /** The server refused the connection for now because of too many attempts. */
  RateLimited = 'rate_limited',
  /** The server could not be reached at all. */
  ServerUnreachable = 'server_unreachable',
  /** The server is shutting down. */
  ServerShutdown = 'server_shutdown',
  /** An open connection dropped without the server saying why (network loss, server crash). */
  ConnectionLost = 'connection_lost',
  /** `disconnect()` was called before the connection opened. */
  Cancelled = 'cancelled',
  /** The server did not accept the connection in time. */
  Timeout = 'timeout',
  /** The server failed internally while accepting the connection. */
  Internal = 'internal_error',
}

/** Every code a {@link MinimeetError} can carry. */
export type MinimeetErrorCode = ErrorCode | SdkErrorCode | `${ConnectionErrorReason}`;

/** Extra facts a {@link MinimeetError} may carry. */
export interface MinimeetErrorOptions {
  /** HTTP status of the failed response, when the error came from the REST API. */
  status?: number;
  /** Structured details from the server, such as validation issues or a retry delay. */
  details?: ErrorInfo['details'];
  /** The underlying error. */
  cause?: unknown;
}

/** The base class of every error the SDK raises, with a stable machine-readable code. */
export class MinimeetError extends Error {
  override readonly name: string = 'MinimeetError';
  /** A stable code: one of the server's `ErrorCode`s or one of the SDK's own. */
  readonly code: MinimeetErrorCode;
  /** HTTP status, when the error came from the REST API. */
  readonly status: number | undefined;
  /** Structured details from the server. */
  readonly details: ErrorInfo['details'] | undefined;

  /** Creates an error with a code and a human sentence. */
  constructor(code: MinimeetErrorCode, message: string, options: MinimeetErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.details = options.details;
  }

  /** Wraps the `{ code, message, details }` object the server sends in failed answers. */
  static fromInfo(info: ErrorInfo, status?: number): MinimeetError {
    return new MinimeetError(info.code, info.message, { status, details: info.details });
  }
}

/** A connection that could not be opened or that ended, with the {@link ConnectionErrorReason}. */
export class ConnectionError extends MinimeetError {
  override readonly name: string = 'ConnectionError';
  /** Why the connection failed or ended. */
  readonly reason: ConnectionErrorReason;

  /** Creates a connection error; its `code` is the reason's value. */
  constructor(reason: ConnectionErrorReason, message: string, options: { cause?: unknown } = {}) {
    super(reason, message, options);
    this.reason = reason;
  }
}

/** A method was called while its object was in a state that does not allow it. */
export class InvalidStateError extends MinimeetError {
  override readonly name: string = 'InvalidStateError';

  /** Creates the error with a sentence saying which state forbade which call. */
  constructor(message: string) {
    super(SdkErrorCode.InvalidState, message);
  }
}

/** The browser or runtime lacks a capability the call needs. */
export class UnsupportedError extends MinimeetError {
  override readonly name: string = 'UnsupportedError';

  /** Creates the error with a sentence naming the missing capability. */
  constructor(message: string) {
    super(SdkErrorCode.Unsupported, message);
  }
}

const REASON_OF_CODE: Readonly<Record<ConnectErrorCode, ConnectionErrorReason>> = {
  token_missing: ConnectionErrorReason.TokenMissing,
  token_invalid: ConnectionErrorReason.TokenInvalid,
  token_expired: ConnectionErrorReason.TokenExpired,
  // A revoked session or a disabled account: this token will never work again; sign in again.
  session_revoked: ConnectionErrorReason.TokenInvalid,
  account_disabled: ConnectionErrorReason.TokenInvalid,
  protocol_mismatch: ConnectionErrorReason.ProtocolMismatch,
  rate_limited: ConnectionErrorReason.RateLimited,
  server_shutdown: ConnectionErrorReason.ServerShutdown,
  internal_error: ConnectionErrorReason.Internal,
};

/**
 * The {@link ConnectionErrorReason} for a code the server sent in a refused handshake or in
 * `session_ended`; a code this SDK does not know yet counts as an internal error.
 */
export function connectionErrorReasonOf(code: string): ConnectionErrorReason {
  return Object.hasOwn(REASON_OF_CODE, code)
    ? REASON_OF_CODE[code as ConnectErrorCode]
    : ConnectionErrorReason.Internal;
}
