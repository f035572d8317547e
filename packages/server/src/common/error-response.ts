import { HttpException } from '@nestjs/common';
import { ErrorCode, type ErrorBody } from '@minimeet/protocol';
import { AppError } from './app-error.js';

const BY_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.ValidationFailed,
  401: ErrorCode.Unauthorized,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  405: ErrorCode.NotFound,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.UnsupportedMediaType,
  429: ErrorCode.RateLimited,
  503: ErrorCode.ServiceUnavailable,
};

// body-parser marks its errors with a `type`; these are the client's fault, never a 500.
const BODY_PARSER: Record<string, [number, ErrorCode, string]> = {
  'entity.parse.failed': [400, ErrorCode.InvalidJson, 'The request body is not valid JSON.'],
  'entity.too.large': [413, ErrorCode.PayloadTooLarge, 'The request body is too large.'],
  'encoding.unsupported': [
    415,
    ErrorCode.UnsupportedMediaType,
    'The request body encoding is not supported.',
  ],
  'charset.unsupported': [
    415,
    ErrorCode.UnsupportedMediaType,
    'The request body charset is not supported.',
  ],
  'entity.verify.failed': [400, ErrorCode.InvalidJson, 'The request body could not be read.'],
  'request.aborted': [400, ErrorCode.InvalidJson, 'The request body was cut off.'],
  'request.size.invalid': [400, ErrorCode.InvalidJson, 'The request body length is wrong.'],
  'stream.encoding.set': [500, ErrorCode.InternalError, 'Internal error.'],
};

/**
 * The 4xx status body-parser gave an error of its own without a `type` (it wraps stream errors such
 * as zlib's with http-errors, which marks them `expose`), or undefined for any other value.
 */
function bodyReadFailure(err: unknown): number | undefined {
  if (err instanceof HttpException || typeof err !== 'object' || err === null) return undefined;
  const { status, expose } = err as { status?: unknown; expose?: unknown };
  return expose === true && typeof status === 'number' && status >= 400 && status < 500
    ? status
    : undefined;
}

/** The HTTP status and `{ error }` body for anything thrown while serving a request. */
export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  /** True when the failure is the server's own and must be logged with its stack. */
  unexpected: boolean;
}

/** Maps any thrown value to the documented error shape, hiding internals of unexpected failures. */
export function toErrorResponse(err: unknown, requestId?: string): ErrorResponse {
  if (err instanceof AppError) {
    return { status: err.status, body: { error: err.toInfo() }, unexpected: false };
  }
  const bodyParserType = (err as { type?: unknown } | null)?.type;
  if (typeof bodyParserType === 'string' && bodyParserType in BODY_PARSER) {
    const [status, code, message] = BODY_PARSER[bodyParserType];
    return { status, body: { error: { code, message } }, unexpected: status >= 500 };
  }
  const clientStatus = bodyReadFailure(err);
  if (clientStatus !== undefined) {
    // A body that cannot be read at all (a corrupt gzip stream, say) is the client's fault too.
    const code =
      clientStatus === 400
        ? ErrorCode.InvalidJson
        : (BY_STATUS[clientStatus] ?? ErrorCode.ValidationFailed);
    return {
      status: clientStatus,
      body: { error: { code, message: 'The request body could not be read.' } },
      unexpected: false,
    };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    if (status < 500) {
      const code = BY_STATUS[status] ?? ErrorCode.ValidationFailed;
      const message = status === 404 ? 'No such route or resource.' : err.message;
      return { status, body: { error: { code, message } }, unexpected: false };
    }
  }
  return {
    status: 500,
    body: {
      error: {
        code: ErrorCode.InternalError,
        message: 'Something went wrong on the server.',
        ...(requestId ? { details: { requestId } } : {}),
      },
    },
    unexpected: true,
  };
}
