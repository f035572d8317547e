import { ErrorCode, type AckResult } from '@minimeet/protocol';
import type { Logger } from 'pino';
import type { ZodType } from 'zod';
import { AppError } from '../common/app-error.js';

/** The acknowledgement callback Socket.IO hands a listener when the client asked for an answer. */
export type AckCallback = (result: AckResult) => void;

/** A client request as it arrived: its payload, its acknowledgement, and what is wrong with its shape. */
export interface RequestArguments {
  /** The payload: the first argument, or undefined when the client sent none. */
  payload: unknown;
  /** The acknowledgement, when the client asked for one. */
  ack: AckCallback | undefined;
  /** Set when the arguments cannot be a request of this event (more than one payload). */
  refusal: AppError | undefined;
}

/**
 * Splits the arguments of a client event. A function can only come last, and only when the client
 * asked for an acknowledgement (Socket.IO appends it; JSON cannot carry one), so a function last is
 * the ack and is never mistaken for the payload, whatever came before it. What is left is the
 * payload: nothing (undefined, for the schema to judge), one value, or too many.
 */
export function splitArguments(event: string, args: readonly unknown[]): RequestArguments {
  const last = args.at(-1);
  const ack = typeof last === 'function' ? (last as AckCallback) : undefined;
  const values = ack ? args.slice(0, -1) : args;
  const refusal =
    values.length > 1
      ? new AppError(
          ErrorCode.ValidationFailed,
          `${event} takes one payload and an acknowledgement; it got ${values.length} values before the acknowledgement.`,
          {
            issues: [
              { path: '', message: `Expected one payload; got ${values.length} arguments.` },
            ],
          },
        )
      : undefined;
  return { payload: values[0], ack, refusal };
}

/** What a value is, in the words of a validation message. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Validates a payload against its schema. A payload that is not an object at all (missing, null,
 * an array, a string…) is refused with one issue that says so, rather than a list of missing
 * fields; a schema that accepts such a payload (an event without one) is simply satisfied.
 */
function parsePayload<P>(event: string, schema: ZodType<P>, payload: unknown) {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed;
  if (payload === undefined) {
    return new AppError(
      ErrorCode.ValidationFailed,
      `${event} payload is missing: send an object before the acknowledgement.`,
      { issues: [{ path: '', message: 'Required: the payload object.' }] },
    );
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return new AppError(
      ErrorCode.ValidationFailed,
      `${event} payload must be an object; got ${kindOf(payload)}.`,
      { issues: [{ path: '', message: `Expected an object; got ${kindOf(payload)}.` }] },
    );
  }
  return AppError.fromZod(parsed.error, `${event} payload`);
}

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
  const parsed = parsePayload(event, schema, payload);
  if (parsed instanceof AppError) return { ok: false, error: parsed.toInfo() };
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
