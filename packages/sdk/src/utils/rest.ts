import { ErrorCode, type ErrorBody } from '@minimeet/protocol';
import { MinimeetError, SdkErrorCode } from '../errors.js';
import type { FetchLike } from '../options.js';

/** What a REST call needs from the client: where the API is, a token, and a `fetch`. @internal */
export interface RestContext {
  /** The API's base URL, such as `https://meet.example.com/api`. */
  apiBase: string;
  /** An access token; with `fresh`, one that outlives the one the server just called expired. */
  token(fresh: boolean): Promise<string>;
  /** The `fetch` to use. */
  fetch: FetchLike;
  /** How long one request may take. */
  timeoutMs: number;
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const { error } = value as { error?: unknown };
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

/**
 * GETs `path` under the API as JSON with the client's token, and once more with a fresh token when
 * the server calls it expired (its clock may run ahead of the token's). Rejects with the server's
 * {@link MinimeetError}, or the SDK's `timeout` / `network_error` / `invalid_response` naming
 * `what` ("the search"). @internal
 */
export async function getJson(
  rest: RestContext,
  path: string,
  what: string,
  signal?: AbortSignal,
): Promise<unknown> {
  try {
    return await getOnce(rest, path, await rest.token(false), what, signal);
  } catch (error) {
    if (!(error instanceof MinimeetError) || error.code !== ErrorCode.TokenExpired) throw error;
    return getOnce(rest, path, await rest.token(true), what, signal);
  }
}

async function getOnce(
  rest: RestContext,
  path: string,
  token: string,
  what: string,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), rest.timeoutMs);
  const abort = () => controller.abort();
  signal?.addEventListener('abort', abort);
  if (signal?.aborted) controller.abort();
  try {
    let response: Response;
    let text: string;
    try {
      response = await rest.fetch(`${rest.apiBase}${path}`, {
        method: 'GET',
        headers: { accept: 'application/json', authorization: `Bearer ${token}` },
        signal: controller.signal,
      });
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw error;
      if (controller.signal.aborted) {
        throw new MinimeetError(
          SdkErrorCode.Timeout,
          `The server did not answer ${what} within ${rest.timeoutMs} ms.`,
          { cause: error },
        );
      }
      throw new MinimeetError(
        SdkErrorCode.NetworkError,
        `Could not reach the server for ${what}.`,
        {
          cause: error,
        },
      );
    }
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (response.ok) return parsed;
    if (isErrorBody(parsed)) throw MinimeetError.fromInfo(parsed.error, response.status);
    throw new MinimeetError(
      SdkErrorCode.InvalidResponse,
      `The server answered ${what} with HTTP ${response.status}.`,
      { status: response.status },
    );
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', abort);
  }
}
