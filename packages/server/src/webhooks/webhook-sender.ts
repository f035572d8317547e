/** What one POST to an endpoint came to. */
export interface SendResult {
  ok: boolean;
  /** The HTTP status, or null when no answer came (timeout, connection error, refused address). */
  statusCode: number | null;
  /** Why it failed, for the delivery log (never the secret or the body). */
  error: string | null;
}

/**
 * POSTs a signed webhook message with a timeout, never following redirects (a redirect could lead
 * to an address the URL check refused). A 2xx answer is a success; anything else a failure.
 */
export async function sendWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<SendResult> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'minimeet-webhooks',
        ...headers,
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel().catch(() => undefined);
    if (res.status >= 200 && res.status < 300)
      return { ok: true, statusCode: res.status, error: null };
    return { ok: false, statusCode: res.status, error: `HTTP ${res.status}` };
  } catch (err) {
    const name = err instanceof Error ? err.name : '';
    if (name === 'TimeoutError' || name === 'AbortError')
      return { ok: false, statusCode: null, error: `No answer within ${timeoutMs} ms.` };
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return {
      ok: false,
      statusCode: null,
      error: `Connection failed${cause ? ` (${cause})` : ''}.`,
    };
  }
}
