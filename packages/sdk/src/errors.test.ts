import { ErrorCode, type ConnectErrorCode } from '@minimeet/protocol';
import { describe, expect, it } from 'vitest';
import {
  ConnectionError,
  ConnectionErrorReason,
  InvalidStateError,
  MinimeetError,
  UnsupportedError,
  connectionErrorReasonOf,
} from './errors.js';

describe('errors', () => {
  it('maps every code of a refused handshake to the reason of the same name', () => {
    const codes: ConnectErrorCode[] = [
      ErrorCode.TokenMissing,
      ErrorCode.TokenInvalid,
      ErrorCode.TokenExpired,
      ErrorCode.ProtocolMismatch,
      ErrorCode.RateLimited,
      ErrorCode.ServerShutdown,
      ErrorCode.InternalError,
    ];
    for (const code of codes) expect(connectionErrorReasonOf(code)).toBe(code);
  });

  it('treats a code it does not know as an internal error', () => {
    expect(connectionErrorReasonOf('from_the_future')).toBe(ConnectionErrorReason.Internal);
    expect(connectionErrorReasonOf('toString')).toBe(ConnectionErrorReason.Internal);
  });

  it('every error class is a MinimeetError with a code and its own name', () => {
    const errors = [
      new ConnectionError(ConnectionErrorReason.Timeout, 'slow'),
      new InvalidStateError('closed'),
      new UnsupportedError('no WebRTC'),
    ];
    expect(errors.map((e) => [e instanceof MinimeetError, e.name, e.code])).toEqual([
      [true, 'ConnectionError', 'timeout'],
      [true, 'InvalidStateError', 'invalid_state'],
      [true, 'UnsupportedError', 'unsupported'],
    ]);
  });

  it('MinimeetError.fromInfo() keeps the server code, message, details and status', () => {
    const error = MinimeetError.fromInfo(
      { code: ErrorCode.RateLimited, message: 'Slow down.', details: { retryAfterSeconds: 3 } },
      429,
    );
    expect(error).toMatchObject({
      code: 'rate_limited',
      message: 'Slow down.',
      status: 429,
      details: { retryAfterSeconds: 3 },
    });
  });
});
