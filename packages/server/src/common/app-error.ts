import { ErrorCode, type ErrorInfo, type ValidationIssue } from '@minimeet/protocol';
import type { ZodError } from 'zod';

const MAX_ISSUES = 20;

const STATUS: Record<ErrorCode, number> = {
  [ErrorCode.ValidationFailed]: 400,
  [ErrorCode.InvalidJson]: 400,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.UnsupportedMediaType]: 415,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Unauthorized]: 401,
  [ErrorCode.InvalidCredentials]: 401,
  [ErrorCode.TokenMissing]: 401,
  [ErrorCode.TokenInvalid]: 401,
  [ErrorCode.TokenExpired]: 401,
  [ErrorCode.TokenReused]: 401,
  [ErrorCode.SessionRevoked]: 401,
  [ErrorCode.AccountDisabled]: 403,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.EmailTaken]: 409,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.ProtocolMismatch]: 400,
  [ErrorCode.ServerShutdown]: 503,
  [ErrorCode.ServiceUnavailable]: 503,
  [ErrorCode.InternalError]: 500,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.RoomPasswordRequired]: 403,
  [ErrorCode.InviteInvalid]: 404,
  [ErrorCode.RoomFull]: 409,
  [ErrorCode.NotInRoom]: 409,
  [ErrorCode.ParticipantNotFound]: 404,
  [ErrorCode.FeatureUnavailable]: 501,
  [ErrorCode.RoomLocked]: 403,
  [ErrorCode.LobbyRequired]: 403,
  [ErrorCode.SfuUnavailable]: 503,
};

/**
 * The one error type services throw. It carries a stable code and a sentence that is safe to show;
 * the HTTP filter and the gateway turn it into `{ error: { code, message } }`.
 */
export class AppError extends Error {
  override name = 'AppError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorInfo['details'],
  ) {
    super(message);
  }

  /** The HTTP status that goes with the code. */
  get status(): number {
    return STATUS[this.code];
  }

  /** The wire form of this error. */
  toInfo(): ErrorInfo {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }

  /** A `validation_failed` error listing every issue zod found. */
  static fromZod(error: ZodError, what = 'Request'): AppError {
    // An unknown field is reported at its own path, so that clients can point at it like any other.
    const issues: ValidationIssue[] = error.issues.flatMap((i) =>
      i.code === 'unrecognized_keys'
        ? i.keys.map((key) => ({
            path: [...i.path, key].map(String).join('.'),
            message: 'Unknown field.',
          }))
        : [{ path: i.path.map(String).join('.'), message: i.message }],
    );
    // A payload with thousands of bad fields must not earn a reply many times its own size.
    if (issues.length > MAX_ISSUES) {
      const more = issues.length - MAX_ISSUES;
      issues.splice(MAX_ISSUES, more, { path: '', message: `…and ${more} more problems.` });
    }
    const first = issues[0];
    const summary = first
      ? `${first.path ? `${first.path}: ` : ''}${first.message}`
      : 'invalid value';
    return new AppError(ErrorCode.ValidationFailed, `${what} is invalid: ${summary}`, { issues });
  }
}

/** HTTP status for an error code. */
export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}
