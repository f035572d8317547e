import type { MessageSearchHit, MessageSearchPage } from '@minimeet/protocol';
import { MinimeetError, SdkErrorCode } from '../errors.js';
import type { MessageSearchOptions } from '../options.js';
import { getJson, type RestContext } from '../utils/rest.js';

/** One page of search results, newest first unless `relevance` was asked for. */
export interface MessageSearchResults extends MessageSearchPage {
  /** Fetches the next page with the same query and options; resolves with null after the last. */
  next(): Promise<MessageSearchResults | null>;
}

const SORTS: readonly string[] = ['newest', 'relevance'];

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
  const body = await getJson(rest, path, 'the search', options.signal);
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
