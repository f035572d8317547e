import { decodeJwt, SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthSession, CreatedJoinToken, ErrorBody, UserProfile } from '@minimeet/protocol';
import type { RunningServer } from '../main.js';
import { DATABASE_TARGETS, type TestDatabase } from '../test/databases.js';
import {
  api,
  basicAuth,
  createApiKey,
  expectError,
  registerUser,
  startTestServer,
  uniqueEmail,
  waitUntil,
} from '../test/harness.js';
import { createJoinToken } from '@minimeet/host';

const PASSWORD = 'correct horse battery';

const refresh = (server: RunningServer, refreshToken: string) =>
  api<AuthSession>(server, 'POST', '/api/auth/refresh', { json: { refreshToken } });
const login = (server: RunningServer, email: string, password: string) =>
  api<AuthSession>(server, 'POST', '/api/auth/login', { json: { email, password } });
const me = (server: RunningServer, token: string) =>
  api<UserProfile>(server, 'GET', '/api/users/me', { token });

describe('accounts over HTTP', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('POST /api/auth/register answers 201 with a session whose access token opens GET /api/users/me', async () => {
    const email = uniqueEmail('register');
    const res = await api<AuthSession>(server, 'POST', '/api/auth/register', {
      json: { email, password: PASSWORD, displayName: 'Ada Lovelace' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      accessToken: expect.any(String) as unknown,
      refreshToken: expect.stringMatching(/^mmr_/) as unknown,
      user: { email, displayName: 'Ada Lovelace', avatarUrl: null },
    });
    expect(Date.parse(res.body.accessTokenExpiresAt)).toBeGreaterThan(Date.now());
    expect(Date.parse(res.body.refreshTokenExpiresAt)).toBeGreaterThan(
      Date.parse(res.body.accessTokenExpiresAt),
    );
    expect(JSON.stringify(res.body)).not.toMatch(/password/i);

    const profile = await me(server, res.body.accessToken);
    expect(profile.status).toBe(200);
    expect(profile.body).toEqual(res.body.user);
  });

  it('POST /api/auth/register stores an argon2id hash, never the password', async () => {
    const session = await registerUser(server, { password: 'a password nobody guesses' });
    const rows = await server.app
      .get(DataSource)
      .query<Array<{ password_hash: string }>>('SELECT password_hash FROM users WHERE id = ?', [
        session.user.id,
      ]);
    expect(rows).toHaveLength(1);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$/);
    expect(rows[0].password_hash).not.toContain('a password nobody guesses');
  });

  it('POST /api/auth/register normalises the email (case and whitespace) and login accepts any case', async () => {
    const local = `Mixed.Case-${Date.now()}`;
    const res = await api<AuthSession>(server, 'POST', '/api/auth/register', {
      json: { email: `  ${local}@Example.TEST \t`, password: PASSWORD, displayName: 'Mixed' },
    });
    expect(res.status).toBe(201);
    expect(res.body.user.email).toBe(`${local.toLowerCase()}@example.test`);

    const again = await login(server, ` ${local.toUpperCase()}@EXAMPLE.test `, PASSWORD);
    expect(again.status).toBe(200);
    expect(again.body.user.id).toBe(res.body.user.id);
  });

  it('POST /api/auth/register answers 409 email_taken for an email registered in another case', async () => {
    const email = uniqueEmail('taken');
    await registerUser(server, { email });
    const res = await api(server, 'POST', '/api/auth/register', {
      json: { email: ` ${email.toUpperCase()} `, password: PASSWORD, displayName: 'Second' },
    });
    expectError(res, 409, 'email_taken');
  });

  it('POST /api/auth/login answers 200 with a new session for the right password', async () => {
    const user = await registerUser(server);
    const res = await login(server, user.user.email, user.password);
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual(user.user);
    expect(res.body.refreshToken).not.toBe(user.refreshToken);
    expect((await me(server, res.body.accessToken)).status).toBe(200);
  });

  it('POST /api/auth/login answers invalid_credentials alike for an unknown email and a wrong password', async () => {
    const user = await registerUser(server);
    const wrongPassword = await login(server, user.user.email, 'not the password');
    const unknownEmail = await login(server, uniqueEmail('nobody'), user.password);
    const a = expectError(wrongPassword, 401, 'invalid_credentials');
    const b = expectError(unknownEmail, 401, 'invalid_credentials');
    expect(a).toEqual(b);
  });

  it('POST /api/auth/logout answers 204, after which the refresh token is refused', async () => {
    const user = await registerUser(server);
    const out = await api(server, 'POST', '/api/auth/logout', {
      json: { refreshToken: user.refreshToken },
    });
    expect(out.status).toBe(204);
    expect(out.body).toBeUndefined();
    expectError(await refresh(server, user.refreshToken), 401, 'token_invalid');
  });

  it('POST /api/auth/logout of an unknown refresh token is a quiet 204', async () => {
    const out = await api(server, 'POST', '/api/auth/logout', {
      json: { refreshToken: 'mmr_never-issued' },
    });
    expect(out.status).toBe(204);
  });

  it('POST /api/auth/logout revokes every token rotated from the same login', async () => {
    const user = await registerUser(server);
    const rotated = await refresh(server, user.refreshToken);
    expect(rotated.status).toBe(200);
    // Logging out with the older token still ends the family.
    await api(server, 'POST', '/api/auth/logout', { json: { refreshToken: user.refreshToken } });
    expect((await refresh(server, rotated.body.refreshToken)).status).toBe(401);
  });
});

describe('refresh token rotation', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('POST /api/auth/refresh answers a new refresh token and a working access token each time', async () => {
    const user = await registerUser(server);
    const seen = new Set([user.refreshToken]);
    let current = user.refreshToken;
    for (let i = 0; i < 3; i += 1) {
      const res = await refresh(server, current);
      expect(res.status).toBe(200);
      expect(seen.has(res.body.refreshToken)).toBe(false);
      expect(res.body.user.id).toBe(user.user.id);
      expect((await me(server, res.body.accessToken)).status).toBe(200);
      seen.add(res.body.refreshToken);
      current = res.body.refreshToken;
    }
  });

  it('reusing a rotated refresh token answers token_reused and revokes the newest token of its family', async () => {
    const user = await registerUser(server);
    const second = await refresh(server, user.refreshToken);
    const third = await refresh(server, second.body.refreshToken);
    expect(third.status).toBe(200);

    expectError(await refresh(server, user.refreshToken), 401, 'token_reused');
    expectError(await refresh(server, third.body.refreshToken), 401, 'token_invalid');
  });

  it('reuse in one family leaves the refresh tokens of another login working', async () => {
    const user = await registerUser(server);
    const otherLogin = await login(server, user.user.email, user.password);
    const rotated = await refresh(server, user.refreshToken);
    expect(rotated.status).toBe(200);

    expectError(await refresh(server, user.refreshToken), 401, 'token_reused');
    const other = await refresh(server, otherLogin.body.refreshToken);
    expect(other.status).toBe(200);
    expect((await refresh(server, other.body.refreshToken)).status).toBe(200);
  });

  it('POST /api/auth/refresh refuses a token it never issued with token_invalid', async () => {
    expectError(await refresh(server, 'mmr_made-up'), 401, 'token_invalid');
  });
});

// The race needs a store with real concurrency to show, so this runs on every supported store.
describe.each(DATABASE_TARGETS)('concurrent refresh on $name', (target) => {
  let db: TestDatabase;
  let server: RunningServer;

  beforeAll(async () => {
    db = await target.create();
    server = await startTestServer({ DATABASE_URL: db.url });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('the same refresh token presented concurrently succeeds at most once, and its family ends', async () => {
    for (let round = 0; round < 10; round += 1) {
      const user = await registerUser(server);
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => refresh(server, user.refreshToken)),
      );
      const won = answers.filter((a) => a.status === 200);
      expect(won.length).toBeLessThanOrEqual(1);
      for (const lost of answers.filter((a) => a.status !== 200)) {
        expect(lost.status).toBe(401);
        expect(['token_reused', 'token_invalid']).toContain(
          (lost.body as unknown as ErrorBody).error.code,
        );
      }
      // A token presented twice has leaked: no token of its family lives on, the winner's included.
      for (const w of won) {
        expectError(await refresh(server, w.body.refreshToken), 401, 'token_invalid');
      }
    }
  });
});

describe('access tokens', () => {
  let server: RunningServer;
  let user: Awaited<ReturnType<typeof registerUser>>;

  beforeAll(async () => {
    server = await startTestServer();
    user = await registerUser(server);
  });
  afterAll(() => server.close());

  it('a protected route without a token answers 401 unauthorized', async () => {
    expectError(await api(server, 'GET', '/api/users/me'), 401, 'unauthorized');
    expectError(
      await api(server, 'GET', '/api/users/me', { headers: { authorization: 'Bearer' } }),
      401,
      'unauthorized',
    );
    expectError(
      await api(server, 'GET', '/api/api-keys', { headers: { authorization: 'Token abc' } }),
      401,
      'unauthorized',
    );
  });

  it('a garbage bearer token answers 401 token_invalid', async () => {
    for (const token of ['garbage', 'a.b.c', `${'x'.repeat(4000)}.y.z`]) {
      expectError(await me(server, token), 401, 'token_invalid');
    }
  });

  it('a tampered access token answers 401 token_invalid', async () => {
    const [header, payload, signature] = user.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString(
      'base64url',
    );
    expectError(await me(server, `${header}.${forged}.${signature}`), 401, 'token_invalid');

    const flipped = signature.slice(0, -2) + (signature.endsWith('AA') ? 'BB' : 'AA');
    expectError(await me(server, `${header}.${payload}.${flipped}`), 401, 'token_invalid');
  });

  it('an access token signed with another secret or with alg none answers token_invalid', async () => {
    const claims = decodeJwt(user.accessToken);
    const otherKey = new TextEncoder().encode('not-the-server-secret-not-the-server-secret');
    const foreign = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(otherKey);
    expectError(await me(server, foreign), 401, 'token_invalid');

    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${user.accessToken.split('.')[1]}.`;
    expectError(await me(server, none), 401, 'token_invalid');
  });

  it('a refresh token used as a bearer token is refused', async () => {
    expectError(await me(server, user.refreshToken), 401, 'token_invalid');
  });

  it('a join token used as a bearer token is refused, however it was signed', async () => {
    const key = await createApiKey(server, user.accessToken);
    const minted = await api<CreatedJoinToken>(server, 'POST', '/api/join-tokens', {
      json: { identity: 'guest-1', name: 'Guest', grants: { room: 'lobby' } },
      headers: basicAuth(key.id, key.secret),
    });
    expect(minted.status).toBe(201);
    expectError(await me(server, minted.body.token), 401, 'token_invalid');

    const offline = await createJoinToken(key, {
      identity: 'guest-2',
      name: 'Guest',
      grants: { room: 'lobby' },
    });
    expectError(await me(server, offline), 401, 'token_invalid');
  });

  it('an expired access token answers 401 token_expired', async () => {
    const shortLived = await startTestServer({ ACCESS_TOKEN_TTL: '1' });
    try {
      const session = await registerUser(shortLived);
      expect((await me(shortLived, session.accessToken)).status).toBe(200);
      let last: Awaited<ReturnType<typeof me>> | undefined;
      await waitUntil(
        'the access token to expire',
        async () => {
          last = await me(shortLived, session.accessToken);
          return last.status !== 200;
        },
        { timeoutMs: 5000, intervalMs: 100 },
      );
      expectError(last!, 401, 'token_expired');
      // The refresh token outlives the access token and gets a fresh one.
      const renewed = await refresh(shortLived, session.refreshToken);
      expect(renewed.status).toBe(200);
    } finally {
      await shortLived.close();
    }
  });
});

describe('rate limits', () => {
  it('the 4th login attempt for one email within the window answers 429 rate_limited with Retry-After', async () => {
    const server = await startTestServer({ RATE_LIMIT_LOGIN: '3/60' });
    try {
      const user = await registerUser(server);
      for (let i = 0; i < 3; i += 1) {
        expectError(
          await login(server, user.user.email, 'wrong password'),
          401,
          'invalid_credentials',
        );
      }
      // Even the right password waits, and the limit follows the normalised email.
      const limited = await login(server, ` ${user.user.email.toUpperCase()} `, user.password);
      const error = expectError(limited, 429, 'rate_limited');
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(error.details?.retryAfterSeconds).toBe(retryAfter);

      // Another email is counted on its own.
      const other = await login(server, uniqueEmail('other'), 'wrong password');
      expectError(other, 401, 'invalid_credentials');
    } finally {
      await server.close();
    }
  });

  it('the 4th registration from one address within the window answers 429 rate_limited with Retry-After', async () => {
    const server = await startTestServer({ RATE_LIMIT_REGISTER: '3/60' });
    try {
      for (let i = 0; i < 3; i += 1) await registerUser(server);
      const limited = await api(server, 'POST', '/api/auth/register', {
        json: { email: uniqueEmail('burst'), password: PASSWORD, displayName: 'Burst' },
      });
      expectError(limited, 429, 'rate_limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    } finally {
      await server.close();
    }
  });
});
