import {
  ConnectionError,
  ConnectionErrorReason,
  ErrorCode,
  MinimeetError,
  SdkErrorCode,
  type RoomDisconnectReason,
} from '@minimeet/sdk';
import type { RoomErrorCode } from '../events/room-events.js';
import { isPermissionDenied } from '../internal/media-actions.js';
import type { MessageKey } from '../i18n/types.js';

/** The state a failed connection shows. */
export function errorOfConnection(error: unknown): RoomErrorCode {
  if (!(error instanceof ConnectionError)) return errorOfJoin(error);
  switch (error.reason) {
    case ConnectionErrorReason.TokenExpired:
      return 'token_expired';
    case ConnectionErrorReason.TokenInvalid:
    case ConnectionErrorReason.TokenMissing:
    case ConnectionErrorReason.TokenProviderFailed:
      return 'token_invalid';
    case ConnectionErrorReason.ServerUnreachable:
    case ConnectionErrorReason.Timeout:
    case ConnectionErrorReason.ConnectionLost:
    case ConnectionErrorReason.ServerShutdown:
    case ConnectionErrorReason.RateLimited:
      return 'server_unreachable';
    case ConnectionErrorReason.ProtocolMismatch:
    case ConnectionErrorReason.Cancelled:
    case ConnectionErrorReason.Internal:
      return 'unknown';
  }
}

/** The state a refused join shows. */
export function errorOfJoin(error: unknown): RoomErrorCode {
  if (isPermissionDenied(error)) return 'permission_denied';
  if (error instanceof ConnectionError) return errorOfConnection(error);
  if (!(error instanceof MinimeetError)) return 'unknown';
  if (error.code === SdkErrorCode.LobbyDenied) return 'lobby_denied';
  // Codes not listed here have no state of their own.
  // eslint-disable-next-line @typescript-eslint/switch-exhaustiveness-check
  switch (error.code) {
    case ErrorCode.RoomFull:
      return 'room_full';
    case ErrorCode.RoomLocked:
      return 'room_locked';
    case ErrorCode.RoomPasswordRequired:
      return 'password_required';
    case ErrorCode.Forbidden:
    case ErrorCode.InviteInvalid:
      return 'forbidden';
    case ErrorCode.NotFound:
      return 'not_found';
    case ErrorCode.TokenExpired:
      return 'token_expired';
    case ErrorCode.TokenInvalid:
    case ErrorCode.Unauthorized:
      return 'token_invalid';
  }
  return 'unknown';
}

/** The state a call that ended by itself shows; undefined when the user left. */
export function errorOfDisconnect(
  reason: RoomDisconnectReason,
  connectionError: ConnectionError | undefined,
): RoomErrorCode | undefined {
  switch (reason) {
    case 'left':
      return undefined;
    case 'removed':
      return 'removed';
    case 'room_closed':
      return 'room_closed';
    case 'timeout':
      return 'timeout';
    case 'client_closed':
      return connectionError ? errorOfConnection(connectionError) : 'server_unreachable';
  }
}

/** The title and text of each error state. */
export const ERROR_TEXT: Readonly<Record<RoomErrorCode, readonly [MessageKey, MessageKey]>> = {
  room_full: ['room.full.title', 'room.full.body'],
  password_required: ['room.password.title', 'room.password.body'],
  permission_denied: ['room.permission.title', 'room.permission.body'],
  token_expired: ['room.tokenExpired.title', 'room.tokenExpired.body'],
  token_invalid: ['room.tokenInvalid.title', 'room.tokenInvalid.body'],
  server_unreachable: ['room.unreachable.title', 'room.unreachable.body'],
  removed: ['room.removed.title', 'room.removed.body'],
  room_locked: ['room.locked.title', 'room.locked.body'],
  lobby_denied: ['room.lobbyDenied.title', 'room.lobbyDenied.body'],
  room_closed: ['room.closed.title', 'room.closed.body'],
  timeout: ['room.timeout.title', 'room.timeout.body'],
  forbidden: ['room.forbidden.title', 'room.forbidden.body'],
  not_found: ['room.notFound.title', 'room.notFound.body'],
  missing_config: ['room.error.title', 'room.missingConfig'],
  unknown: ['room.error.title', 'room.error.body'],
};
