import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiKeyInfo, CreatedApiKey, CreatedJoinToken } from '@minimeet/protocol';
import type { RunningServer } from '../main.js';
import {
  api,
  basicAuth,
  createApiKey,
  expectError,
  registerUser,
  startTestServer,
} from '../test/harness.js';

const MAX_TTL = 3600;

describe('POST /api/join-tokens', () => {
  let server: RunningServer;
  let owner: Awaited<ReturnType<typeof registerUser>>;
  let key: CreatedApiKey;

  beforeAll(async () => {
    server = await startTestServer({ JOIN_TOKEN_MAX_TTL: String(MAX_TTL) });
    owner = await registerUser(server);
    key = await createApiKey(server, owner.accessToken, 'host app');
  });
  afterAll(() => server.close());

  const mint = (body: unknown, headers: Record<string, string> = basicAuth(key.id, key.secret)) =>
    api<CreatedJoinToken>(server, 'POST', '/api/join-tokens', { json: body, headers });

  it('mints a JWT whose claims carry the identity, name and grants, with defaults for omitted grants', async () => {
    const res = await mint({ identity: 'patient-42', name: 'Ada', grants: { room: 'visit-1001' } });
    expect(res.status).toBe(201);
    expect(decodeProtectedHeader(res.body.token)).toMatchObject({ alg: 'HS256', typ: 'JWT' });
    const claims = decodeJwt(res.body.token);
    expect(claims).toMatchObject({
      typ: 'join',
      sub: 'patient-42',
      name: 'Ada',
      iss: key.id,
      aud: 'minimeet',
      grants: {
        room: 'visit-1001',
        role: 'member',
        canPublish: true,
        canSubscribe: true,
        canChat: true,
      },
    });
    expect(claims).not.toHaveProperty('avatar');
    // Ten minutes unless told otherwise; expiresAt says the same as the token.
    expect(claims.exp! - claims.iat!).toBe(600);
    expect(Date.parse(res.body.expiresAt)).toBe(claims.exp! * 1000);
  });

  it('carries explicit grants, an avatar and a ttl into the token', async () => {
    const res = await mint({
      identity: 'host-user-7',
      name: 'Lin',
      avatarUrl: 'https://cdn.example.test/lin.png',
      grants: { room: 'standup', role: 'moderator', canPublish: false, canChat: false },
      ttlSeconds: 120,
    });
    expect(res.status).toBe(201);
    const claims = decodeJwt(res.body.token);
    expect(claims).toMatchObject({
      avatar: 'https://cdn.example.test/lin.png',
      grants: {
        room: 'standup',
        role: 'moderator',
        canPublish: false,
        canSubscribe: true,
        canChat: false,
      },
    });
    expect(claims.exp! - claims.iat!).toBe(120);
  });

  it('accepts a ttl of exactly JOIN_TOKEN_MAX_TTL and refuses one above it with 400 naming ttlSeconds', async () => {
    const grants = { room: 'r1' };
    expect((await mint({ identity: 'a', name: 'A', grants, ttlSeconds: MAX_TTL })).status).toBe(
      201,
    );
    const error = expectError(
      await mint({ identity: 'a', name: 'A', grants, ttlSeconds: MAX_TTL + 1 }),
      400,
      'validation_failed',
    );
    expect(error.details?.issues?.map((i) => i.path)).toEqual(['ttlSeconds']);
  });

  it('records the use of the key in lastUsedAt', async () => {
    const fresh = await createApiKey(server, owner.accessToken, 'unused so far');
    expect(
      (
        await mint(
          { identity: 'x', name: 'X', grants: { room: 'r' } },
          basicAuth(fresh.id, fresh.secret),
        )
      ).status,
    ).toBe(201);
    const listed = await api<ApiKeyInfo[]>(server, 'GET', '/api/api-keys', {
      token: owner.accessToken,
    });
    expect(listed.body.find((k) => k.id === fresh.id)?.lastUsedAt).toEqual(expect.any(String));
  });

  const body = { identity: 'someone', name: 'Someone', grants: { room: 'r1' } };

  it('answers 401 unauthorized without an Authorization header', async () => {
    expectError(await mint(body, {}), 401, 'unauthorized');
  });

  it('answers 401 unauthorized for a wrong secret, with the same answer as for an unknown key', async () => {
    const wrongSecret = await mint(body, basicAuth(key.id, `mks_${'A'.repeat(43)}`));
    const unknownKey = await mint(body, basicAuth('mk_unknown', key.secret));
    expect(expectError(wrongSecret, 401, 'unauthorized')).toEqual(
      expectError(unknownKey, 401, 'unauthorized'),
    );
  });

  it('answers 401 unauthorized for malformed Basic credentials or a bearer token', async () => {
    for (const authorization of [
      'Basic',
      'Basic !!!not-base64!!!',
      `Basic ${Buffer.from('no-colon-here').toString('base64')}`,
      `Basic ${Buffer.from(`:${key.secret}`).toString('base64')}`,
      `Bearer ${owner.accessToken}`,
    ]) {
      expectError(await mint(body, { authorization }), 401, 'unauthorized');
    }
  });

  it('answers 401 unauthorized for a revoked key', async () => {
    const doomed = await createApiKey(server, owner.accessToken, 'doomed');
    const auth = basicAuth(doomed.id, doomed.secret);
    expect((await mint(body, auth)).status).toBe(201);
    const revoked = await api(server, 'DELETE', `/api/api-keys/${doomed.id}`, {
      token: owner.accessToken,
    });
    expect(revoked.status).toBe(204);
    expectError(await mint(body, auth), 401, 'unauthorized');
  });
});
