import type { AuthSession } from '@minimeet/protocol';
import { describe, expect, it, vi } from 'vitest';
import { AuthEvent } from '../events.js';
import type { FetchLike } from '../options.js';
import { AuthClient } from './AuthClient.js';
import type { AuthStorage } from './AuthStorage.js';

// Unit tests of the client's own logic with a scripted fetch; AuthClient.server.test.ts runs the
// same client against the real server.

const SERVER = 'https://meet.example.test';

function session(n: number, accessTtlMs: number): AuthSession {
  return {
    accessToken: `access-${n}`,
    accessTokenExpiresAt: new Date(Date.now() + accessTtlMs).toISOString(),
    refreshToken: `refresh-${n}`,
    refreshTokenExpiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    user: {
      id: 'u1',
      email: 'ada@example.test',
      displayName: 'Ada',
      avatarUrl: null,
      createdAt: new Date().toISOString(),
    },
  };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

/** A fetch that answers each path from a handler and records every call. */
function scriptedFetch(handlers: Record<string, (body: unknown) => Response | Promise<Response>>) {
  const calls: { path: string; body: unknown; authorization: string | undefined }[] = [];
  const fetch = vi.fn<FetchLike>(async (input, init) => {
    const path = new URL(input).pathname;
    const body: unknown = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    const headers = init.headers as Record<string, string>;
    calls.push({ path, body, authorization: headers.authorization });
    const handler = handlers[`${init.method} ${path}`];
    if (!handler) return json(404, { error: { code: 'not_found', message: 'No such route.' } });
    return handler(body);
  });
  return { fetch, calls };
}

function memoryStorage(initial: Record<string, string> = {}): AuthStorage & {
  data: Map<string, string>;
} {
  const data = new Map(Object.entries(initial));
  return {
    data,
    get: (key) => data.get(key),
    set: (key, value) => void data.set(key, value),
    remove: (key) => void data.delete(key),
  };
}

describe('AuthClient (scripted fetch)', () => {
  it('tokenProvider() hands out the current token without a request while it is far from expiry', async () => {
    const { fetch, calls } = scriptedFetch({
      'POST /api/auth/login': () => json(200, session(1, 600_000)),
    });
    const auth = new AuthClient(SERVER, { fetch });
    await auth.login({ email: 'ada@example.test', password: 'pw' });

    await expect(auth.tokenProvider()).resolves.toBe('access-1');
    expect(calls.map((c) => c.path)).toEqual(['/api/auth/login']);
  });

  it('concurrent tokenProvider() calls near expiry share one refresh request', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { fetch, calls } = scriptedFetch({
      'POST /api/auth/login': () => json(200, session(1, 10_000)),
      'POST /api/auth/refresh': async () => {
        await gate;
        return json(200, session(2, 600_000));
      },
    });
    const auth = new AuthClient(SERVER, { fetch, refreshMarginMs: 30_000 });
    await auth.login({ email: 'ada@example.test', password: 'pw' });

    const tokens = Promise.all([auth.tokenProvider(), auth.tokenProvider(), auth.tokenProvider()]);
    release();

    await expect(tokens).resolves.toEqual(['access-2', 'access-2', 'access-2']);
    expect(calls.filter((c) => c.path === '/api/auth/refresh')).toEqual([
      { path: '/api/auth/refresh', body: { refreshToken: 'refresh-1' }, authorization: undefined },
    ]);
    await expect(auth.tokenProvider()).resolves.toBe('access-2');
    expect(calls).toHaveLength(2);
  });

  it('signs out when the server says the refresh token was already used', async () => {
    const { fetch } = scriptedFetch({
      'POST /api/auth/login': () => json(200, session(1, 0)),
      'POST /api/auth/refresh': () =>
        json(401, { error: { code: 'token_reused', message: 'Sign in again.' } }),
    });
    const auth = new AuthClient(SERVER, { fetch });
    const changes: (AuthSession | null)[] = [];
    auth.on(AuthEvent.SessionChanged, (s) => changes.push(s));
    await auth.login({ email: 'ada@example.test', password: 'pw' });

    await expect(auth.tokenProvider()).rejects.toMatchObject({
      name: 'MinimeetError',
      code: 'token_reused',
      status: 401,
    });
    expect(auth.session).toBeUndefined();
    expect(changes.map((s) => s?.accessToken ?? null)).toEqual(['access-1', null]);
    await expect(auth.tokenProvider()).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('keeps the session when a refresh fails for a network error', async () => {
    const { fetch } = scriptedFetch({
      'POST /api/auth/login': () => json(200, session(1, 0)),
      'POST /api/auth/refresh': () => Promise.reject(new TypeError('fetch failed')),
    });
    const auth = new AuthClient(SERVER, { fetch });
    await auth.login({ email: 'ada@example.test', password: 'pw' });

    await expect(auth.refresh()).rejects.toMatchObject({ code: 'network_error' });
    expect(auth.session?.refreshToken).toBe('refresh-1');
  });

  it('turns an error body into a MinimeetError with the code, message, details and status', async () => {
    const { fetch } = scriptedFetch({
      'POST /api/auth/register': () =>
        json(400, {
          error: {
            code: 'validation_failed',
            message: 'The body is not valid.',
            details: { issues: [{ path: 'password', message: 'Too short.' }] },
          },
        }),
    });
    const auth = new AuthClient(SERVER, { fetch });

    await expect(
      auth.register({ email: 'ada@example.test', password: 'x', displayName: 'Ada' }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      message: 'The body is not valid.',
      status: 400,
      details: { issues: [{ path: 'password', message: 'Too short.' }] },
    });
  });

  it('rejects with code timeout when the server does not answer in time', async () => {
    const fetch: FetchLike = (_input, init) =>
      new Promise((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(new Error('aborted')));
      });
    const auth = new AuthClient(SERVER, { fetch, requestTimeoutMs: 20 });

    await expect(auth.login({ email: 'ada@example.test', password: 'pw' })).rejects.toMatchObject({
      code: 'timeout',
    });
  });

  it('sends requests under the path of a server mounted behind a prefix', async () => {
    const { fetch, calls } = scriptedFetch({
      'POST /minimeet/api/auth/login': () => json(200, session(1, 600_000)),
    });
    const auth = new AuthClient(`${SERVER}/minimeet/`, { fetch });
    await auth.login({ email: 'ada@example.test', password: 'pw' });
    expect(calls[0].path).toBe('/minimeet/api/auth/login');
  });

  it('with storage, restores a saved session, saves new ones and forgets it on logout', async () => {
    const storage = memoryStorage({ 'minimeet.session': JSON.stringify(session(1, 0)) });
    const { fetch, calls } = scriptedFetch({
      'POST /api/auth/refresh': () => json(200, session(2, 600_000)),
      'POST /api/auth/logout': () => new Response(null, { status: 204 }),
    });
    const auth = new AuthClient(SERVER, { fetch, storage });

    await expect(auth.restore()).resolves.toMatchObject({ accessToken: 'access-1' });
    await expect(auth.tokenProvider()).resolves.toBe('access-2');
    expect(JSON.parse(storage.data.get('minimeet.session')!)).toMatchObject({
      refreshToken: 'refresh-2',
    });

    await auth.logout();
    expect(storage.data.has('minimeet.session')).toBe(false);
    expect(calls.at(-1)).toMatchObject({
      path: '/api/auth/logout',
      body: { refreshToken: 'refresh-2' },
    });
  });

  it('ignores a stored value that is not a session', async () => {
    const storage = memoryStorage({ 'minimeet.session': '{"not":"a session"' });
    const auth = new AuthClient(SERVER, { fetch: scriptedFetch({}).fetch, storage });
    await expect(auth.restore()).resolves.toBeUndefined();
  });

  it('throws TypeError for a server URL that is not http or https', () => {
    expect(() => new AuthClient('ftp://example.test')).toThrow(TypeError);
    expect(() => new AuthClient('not a url')).toThrow(TypeError);
  });
});
