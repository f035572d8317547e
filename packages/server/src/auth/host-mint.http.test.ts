import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type RunningServer } from '../testing.js';
import type { CreatedApiKey } from '@minimeet/protocol';
import { MintJoinTokenError, mintJoinToken } from '@minimeet/host';

describe('@minimeet/host mintJoinToken against the real server', () => {
  let server: RunningServer;
  let key: CreatedApiKey;

  beforeAll(async () => {
    server = await startTestServer();
    const post = async <T>(path: string, body: object, token?: string) => {
      const res = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
      return (await res.json()) as T;
    };
    const session = await post<{ accessToken: string }>('/api/auth/register', {
      email: `host-${Date.now()}@example.test`,
      password: 'correct horse battery',
      displayName: 'Host',
    });
    key = await post<CreatedApiKey>('/api/api-keys', { name: 'backend' }, session.accessToken);
  });

  afterAll(() => server.close());

  it('returns a server-signed join token with the requested grants', async () => {
    const minted = await mintJoinToken(server.url, key, {
      identity: 'student-9',
      name: 'Ben',
      grants: { room: 'lesson-1', canChat: false },
      ttlSeconds: 120,
    });
    const claims = decodeJwt(minted.token);
    expect(claims).toMatchObject({
      sub: 'student-9',
      iss: key.id,
      grants: { room: 'lesson-1', canChat: false },
    });
    expect(Date.parse(minted.expiresAt) - Date.now()).toBeLessThanOrEqual(120_000);
  });

  it('rejects with the server’s code for a wrong secret and for a bad request', async () => {
    await expect(
      mintJoinToken(
        server.url,
        { id: key.id, secret: `${key.secret}x` },
        { identity: 'a', name: 'A', grants: { room: 'r' } },
      ),
    ).rejects.toMatchObject({ name: 'MintJoinTokenError', code: 'unauthorized', status: 401 });
    const bad = mintJoinToken(server.url, key, {
      identity: 'a',
      name: 'A',
      grants: { room: 'no spaces allowed' },
    });
    await expect(bad).rejects.toBeInstanceOf(MintJoinTokenError);
    await expect(bad).rejects.toMatchObject({ code: 'validation_failed', status: 400 });
  });
});
