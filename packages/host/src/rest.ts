import type { CreatedJoinToken, CreateJoinTokenRequest, ErrorBody } from '@minimeet/protocol';
import type { ApiKeyCredentials } from './join-token.js';

/** Thrown by {@link mintJoinToken} when the server refuses; carries its error code. */
export class MintJoinTokenError extends Error {
  override name = 'MintJoinTokenError';

  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * Asks a minimeet server to mint a join token (`POST /api/join-tokens`, HTTP Basic with the API
 * key). Use it when the backend prefers the server's own signature and TTL checks to signing
 * offline with {@link createJoinToken}.
 */
export async function mintJoinToken(
  serverUrl: string,
  key: ApiKeyCredentials,
  request: CreateJoinTokenRequest,
  init: { signal?: AbortSignal } = {},
): Promise<CreatedJoinToken> {
  const url = new URL('/api/join-tokens', serverUrl);
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${key.id}:${key.secret}`).toString('base64')}`,
    },
    body: JSON.stringify(request),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  const body = (await res.json().catch(() => undefined)) as
    CreatedJoinToken | ErrorBody | undefined;
  if (res.status !== 201 || !body || 'error' in body) {
    const error = body && 'error' in body ? body.error : undefined;
    throw new MintJoinTokenError(
      error?.code ?? 'internal_error',
      error?.message ?? `The server answered ${res.status}.`,
      res.status,
    );
  }
  return body;
}
