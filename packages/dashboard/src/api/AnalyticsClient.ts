import { MinimeetError, type MinimeetErrorCode, type TokenProvider } from '@minimeet/sdk';
import type {
  AnalyticsCallsPage,
  AnalyticsCallTimeline,
  AnalyticsLiveCalls,
  AnalyticsSummary,
} from '@minimeet/protocol';

/** A time range `[from, to)`. */
export interface TimeRange {
  readonly from: Date;
  readonly to: Date;
}

interface ErrorBody {
  error: { code: string; message: string };
}

function isErrorBody(value: unknown): value is ErrorBody {
  const error = (value as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return typeof error?.code === 'string' && typeof error.message === 'string';
}

/**
 * Reads the analytics REST API for the dashboard, typed by the protocol's answers with the signed-in user's access token; what it
 * answers is what that user may see (their rooms, or everything for an operator).
 */
export class AnalyticsClient {
  private readonly base: string;

  /** Creates a client of the server at `serverUrl` that authorises each call with `token`. */
  constructor(
    serverUrl: string,
    private readonly token: TokenProvider,
    private readonly fetchFn: typeof fetch = (...args) => fetch(...args),
  ) {
    this.base = `${new URL(serverUrl).origin}/api/analytics`;
  }

  /** Totals over `range`: calls, participant-minutes, quality, failed joins, per day. */
  summary(range: TimeRange): Promise<AnalyticsSummary> {
    return this.get('/summary', rangeQuery(range));
  }

  /** A page of calls in `range`, newest first; pass the previous page's cursor for the next. */
  calls(range: TimeRange, cursor?: string, limit = 20): Promise<AnalyticsCallsPage> {
    const query = rangeQuery(range);
    query.set('limit', String(limit));
    if (cursor) query.set('cursor', cursor);
    return this.get('/calls', query);
  }

  /** One call with its legs and their quality over time; rejects `not_found` when hidden. */
  timeline(callId: string): Promise<AnalyticsCallTimeline> {
    return this.get(`/calls/${encodeURIComponent(callId)}`);
  }

  /** The calls going on now, with how many are in each. */
  live(): Promise<AnalyticsLiveCalls> {
    return this.get('/live');
  }

  private async get<T>(path: string, query?: URLSearchParams): Promise<T> {
    const token = await this.token({ reason: 'api' });
    const url = `${this.base}${path}${query ? `?${query.toString()}` : ''}`;
    const res = await this.fetchFn(url, { headers: { authorization: `Bearer ${token}` } });
    const body: unknown = await res.json().catch(() => undefined);
    if (!res.ok) {
      const status = { status: res.status };
      if (isErrorBody(body)) {
        throw new MinimeetError(body.error.code as MinimeetErrorCode, body.error.message, status);
      }
      throw new MinimeetError('internal_error', `The server answered ${res.status}.`, status);
    }
    return body as T;
  }
}

function rangeQuery(range: TimeRange): URLSearchParams {
  return new URLSearchParams({ from: range.from.toISOString(), to: range.to.toISOString() });
}
