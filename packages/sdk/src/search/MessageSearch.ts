import {
  ErrorCode,
  type ErrorBody,
  type MessageSearchHit,
  type MessageSearchPage,
} from '@minimeet/protocol';
import { MinimeetError, SdkErrorCode } from '../errors.js';
import type { FetchLike, MessageSearchOptions } from '../options.js';

/** One page of search results, newest first unless `relevance` was asked for. */
export interface MessageSearchResults extends MessageSearchPage {
  /** Fetches the next page with the same query and options; resolves with null after the last. */
  next(): Promise<MessageSearchResults | null>;
}

/** What a search needs from the client: where the API is, a token, and a `fetch`. @internal */
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

const SORTS: readonly string[] = ['newest', 'relevance'];

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

function isHit(value: unknown): value is MessageSearchHit {
  if (typeof value !== 'object' || value === null) return false;
  const hit = value as Partial<MessageSearchHit>;
  return (
    typeof hit.message === 'object' &&
    hit.message !== null &&
    typeof hit.snippet === 'string' &&
    Array.isArray(hit.highlights)
  );
}

function isPage(value: unknown): value is MessageSearchPage {
  if (typeof value !== 'object' || value === null) return false;
  const page = value as Partial<MessageSearchPage>;
  return (
    Array.isArray(page.items) &&
    page.items.every(isHit) &&
    (page.nextCursor === null || typeof page.nextCursor === 'string')
  );
}

function time(name: string, value: Date | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  if (typeof value !== 'string' && !(value instanceof Date)) {
    throw new TypeError(`${name} must be a Date or an ISO 8601 string.`);
  }
  if (Number.isNaN(date.getTime())) throw new TypeError(`${name} must be a valid time.`);
  return date.toISOString();
}

function optionalId(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`${name} must be a non-empty string.`);
  }
  return value;
}

/** Checks the arguments and builds the query string of `GET /api/search/messages`. */
export function searchParams(query: string, options: MessageSearchOptions): URLSearchParams {
  if (typeof query !== 'string') throw new TypeError('query must be a string.');
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('options must be an object.');
  }
  const { sort, limit } = options;
  if (sort !== undefined && !SORTS.includes(sort)) {
    throw new TypeError(`sort must be one of ${SORTS.join(', ')}.`);
  }
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 100)) {
    throw new TypeError('limit must be an integer from 1 to 100.');
  }
  const entries: [string, string | undefined][] = [
    ['q', query],
    ['roomId', optionalId('roomId', options.roomId)],
    ['senderId', optionalId('senderId', options.senderId)],
    ['from', time('from', options.from)],
    ['to', time('to', options.to)],
    ['sort', sort],
    ['limit', limit === undefined ? undefined : String(limit)],
    ['cursor', optionalId('cursor', options.cursor)],
  ];
  const params = new URLSearchParams();
  for (const [key, value] of entries) if (value !== undefined) params.set(key, value);
  return params;
}

/**
 * Searches the messages of the rooms the caller belongs to, through `GET /api/search/messages`;
 * `client.search()` is the public way in. A blank query finds nothing, without asking the server.
 */
export async function searchMessages(
  rest: RestContext,
  query: string,
  options: MessageSearchOptions = {},
): Promise<MessageSearchResults> {
  const params = searchParams(query, options);
  if (query.trim().length === 0) {
    return { items: [], nextCursor: null, next: () => Promise.resolve(null) };
  }
  const path = `/search/messages?${params.toString()}`;
  let body: unknown;
  try {
    body = await getJson(rest, path, await rest.token(false), options.signal);
  } catch (error) {
    // The server's clock may run ahead of the token's: get a fresh one and try once more.
    if (!(error instanceof MinimeetError) || error.code !== ErrorCode.TokenExpired) throw error;
    body = await getJson(rest, path, await rest.token(true), options.signal);
  }
  if (!isPage(body)) {
    throw new MinimeetError(
      SdkErrorCode.InvalidResponse,
      'The server sent malformed search results.',
    );
  }
  const { items, nextCursor } = body;
  return {
    items,
    nextCursor,
    next: () =>
      nextCursor === null
        ? Promise.resolve(null)
        : searchMessages(rest, query, { ...options, cursor: nextCursor }),
  };
}

async function getJson(
  rest: RestContext,
  path: string,
  token: string,
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
          `The server did not answer the search within ${rest.timeoutMs} ms.`,
          { cause: error },
        );
      }
      throw new MinimeetError(SdkErrorCode.NetworkError, 'Could not reach the server to search.', {
        cause: error,
      });
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
      `The server answered the search with HTTP ${response.status}.`,
      { status: response.status },
    );
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', abort);
  }
}
