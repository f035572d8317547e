import { ErrorCode, type AckResult } from '@minimeet/protocol';
import type { Logger } from 'pino';
import type { ZodType } from 'zod';
import { AppError } from '../common/app-error.js';

/**
 * Runs one socket request: validates its payload against the schema, calls the handler, and turns
 * every outcome into an {@link AckResult}. A handler that throws never takes the connection or the
 * server down; unexpected failures are logged and answered with `internal_error`.
 */
export async function runRequest<P, R extends object>(
  event: string,
  schema: ZodType<P>,
  payload: unknown,
  handler: (payload: P) => Promise<R> | R,
  logger: Logger,
): Promise<AckResult<R>> {
  const parsed = schema.safeParse(payload);
  if (!parsed.success)
    return { ok: false, error: AppError.fromZod(parsed.error, `${event} payload`).toInfo() };
  try {
    return { ok: true, ...(await handler(parsed.data)) };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, error: err.toInfo() };
    logger.error({ err, event }, 'socket request failed');
    return {
      ok: false,
      error: { code: ErrorCode.InternalError, message: 'Something went wrong on the server.' },
    };
  }
}
