import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiKeyInfo, CreatedApiKey } from '@minimeet/protocol';
import type { RunningServer } from '../main.js';
import { api, createApiKey, expectError, registerUser, startTestServer } from '../test/harness.js';

describe('API keys over HTTP', () => {
  let server: RunningServer;
  let owner: Awaited<ReturnType<typeof registerUser>>;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await registerUser(server);
  });
  afterAll(() => server.close());

  const list = (token: string) => api<ApiKeyInfo[]>(server, 'GET', '/api/api-keys', { token });

  it('POST /api/api-keys answers 201 with the key and its secret', async () => {
    const res = await api<CreatedApiKey>(server, 'POST', '/api/api-keys', {
      json: { name: 'Backend' },
      token: owner.accessToken,
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^mk_[A-Za-z0-9_-]+$/) as unknown,
      name: 'Backend',
      secret: expect.stringMatching(/^mks_[A-Za-z0-9_-]{43}$/) as unknown,
      createdAt: expect.any(String) as unknown,
      lastUsedAt: null,
      revokedAt: null,
    });
  });

  it('GET /api/api-keys lists the keys without their secrets, newest first', async () => {
    const user = await registerUser(server);
    const first = await createApiKey(server, user.accessToken, 'first');
    const second = await createApiKey(server, user.accessToken, 'second');
    const res = await list(user.accessToken);
    expect(res.status).toBe(200);
    expect(res.body.map((k) => k.id).sort()).toEqual([first.id, second.id].sort());
    for (const key of res.body) expect(key).not.toHaveProperty('secret');
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(first.secret);
    expect(text).not.toContain(second.secret);
  });

  it('GET /api/api-keys shows only the caller’s own keys', async () => {
    const a = await registerUser(server);
    const b = await registerUser(server);
    const keyOfA = await createApiKey(server, a.accessToken);
    const keysOfB = await list(b.accessToken);
    expect(keysOfB.status).toBe(200);
    expect(keysOfB.body.map((k) => k.id)).not.toContain(keyOfA.id);
  });

  it('the database keeps no copy of the secret in any column of the key’s row', async () => {
    const key = await createApiKey(server, owner.accessToken, 'audited');
    const rows = await server.app
      .get(DataSource)
      .query<Array<Record<string, unknown>>>('SELECT * FROM api_keys WHERE id = ?', [key.id]);
    expect(rows).toHaveLength(1);
    const seed = key.secret.slice('mks_'.length);
    for (const [column, value] of Object.entries(rows[0])) {
      const text = String(value);
      expect(text, `column ${column}`).not.toContain(key.secret);
      expect(text, `column ${column}`).not.toContain(seed);
    }
    expect(rows[0].secret_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('DELETE /api/api-keys/:id answers 204, and the list then shows revokedAt', async () => {
    const key = await createApiKey(server, owner.accessToken, 'to revoke');
    const res = await api(server, 'DELETE', `/api/api-keys/${key.id}`, {
      token: owner.accessToken,
    });
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    const listed = (await list(owner.accessToken)).body.find((k) => k.id === key.id);
    expect(listed?.revokedAt).toEqual(expect.any(String));
    expect(Date.parse(listed!.revokedAt!)).toBeGreaterThanOrEqual(Date.parse(key.createdAt));
  });

  it('DELETE /api/api-keys/:id answers 404 for a key already revoked', async () => {
    const key = await createApiKey(server, owner.accessToken);
    const path = `/api/api-keys/${key.id}`;
    expect((await api(server, 'DELETE', path, { token: owner.accessToken })).status).toBe(204);
    expectError(await api(server, 'DELETE', path, { token: owner.accessToken }), 404, 'not_found');
  });

  it('DELETE /api/api-keys/:id answers 404 for someone else’s key and leaves it alive', async () => {
    const other = await registerUser(server);
    const key = await createApiKey(server, other.accessToken);
    expectError(
      await api(server, 'DELETE', `/api/api-keys/${key.id}`, { token: owner.accessToken }),
      404,
      'not_found',
    );
    const listed = (await list(other.accessToken)).body.find((k) => k.id === key.id);
    expect(listed?.revokedAt).toBeNull();
  });

  it('DELETE /api/api-keys/:id answers 404 for a key that never existed', async () => {
    expectError(
      await api(server, 'DELETE', '/api/api-keys/mk_doesNotExist', { token: owner.accessToken }),
      404,
      'not_found',
    );
  });

  it('every API key route answers 401 without an access token', async () => {
    expectError(await api(server, 'GET', '/api/api-keys'), 401, 'unauthorized');
    expectError(
      await api(server, 'POST', '/api/api-keys', { json: { name: 'x' } }),
      401,
      'unauthorized',
    );
    expectError(await api(server, 'DELETE', '/api/api-keys/mk_x'), 401, 'unauthorized');
  });
});
