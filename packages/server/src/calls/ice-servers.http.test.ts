import { createHmac } from 'node:crypto';
import type { CreatedJoinToken, IceServersResponse } from '@minimeet/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../main.js';
import {
  api,
  basicAuth,
  createApiKey,
  expectError,
  registerUser,
  startTestServer,
} from '../test/harness.js';

const TURN_SECRET = 'a-secret-shared-with-coturn';

describe('GET /api/ice-servers', () => {
  let server: RunningServer;
  let bare: RunningServer;
  let user: Awaited<ReturnType<typeof registerUser>>;
  let joinToken: string;

  beforeAll(async () => {
    [server, bare] = await Promise.all([
      startTestServer({
        ICE_STUN_URLS: 'stun:stun.example.test:3478',
        TURN_URLS: 'turn:turn.example.test:3478?transport=udp',
        TURN_SECRET,
        TURN_CREDENTIAL_TTL: '86400',
        RATE_LIMIT_CONNECT: '5/60',
      }),
      startTestServer(),
    ]);
    user = await registerUser(server, { displayName: 'Ada' });
    const key = await createApiKey(server, user.accessToken);
    const minted = await api<CreatedJoinToken>(server, 'POST', '/api/join-tokens', {
      json: { identity: 'patient-42', name: 'Grace', grants: { room: 'visit-1001' } },
      headers: basicAuth(key.id, key.secret),
    });
    joinToken = minted.body.token;
  });

  afterAll(async () => {
    await server?.close();
    await bare?.close();
  });

  const get = (token?: string, on: RunningServer = server) =>
    api<IceServersResponse>(on, 'GET', '/api/ice-servers', { token });

  /** The expiry and user of a TURN REST username, after checking its HMAC. */
  function turnUser(res: IceServersResponse): { expiresIn: number; user: string } {
    const turn = res.iceServers.find((s) => s.urls[0]?.startsWith('turn:'));
    expect(turn?.username).toBeDefined();
    expect(turn!.credential).toBe(
      createHmac('sha1', TURN_SECRET).update(turn!.username!).digest('base64'),
    );
    const [expiry, ...rest] = turn!.username!.split(':');
    return { expiresIn: Number(expiry) - Date.now() / 1000, user: rest.join(':') };
  }

  it('answers a signed-in user STUN, then TURN with credentials minted as at join, for 5 minutes', async () => {
    const res = await get(user.accessToken);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
    expect(res.body.iceServers[0]).toEqual({ urls: ['stun:stun.example.test:3478'] });
    expect(res.body.iceServers[1]?.urls).toEqual(['turn:turn.example.test:3478?transport=udp']);
    expect(res.body.ttlSeconds).toBe(300);
    const { expiresIn, user: name } = turnUser(res.body);
    expect(expiresIn).toBeGreaterThan(290);
    expect(expiresIn).toBeLessThanOrEqual(301);
    expect(name).toBe(user.user.id);
  });

  it('answers a host app’s guest with a join token', async () => {
    const res = await get(joinToken);
    expect(res.status).toBe(200);
    expect(turnUser(res.body).user).toMatch(/^guest:.*patient-42$/);
  });

  it('refuses a request without a token, or with one that is not valid', async () => {
    expectError(await get(), 401, 'unauthorized');
    expectError(await get('not-a-token'), 401, 'token_invalid');
  });

  it('answers an empty list where no STUN or TURN is configured', async () => {
    const other = await registerUser(bare);
    const res = await get(other.accessToken, bare);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ iceServers: [], ttlSeconds: 0 });
  });

  it('is rate limited per principal, like connections', async () => {
    const guest = await registerUser(server, { displayName: 'Hasty' });
    const answers: number[] = [];
    for (let i = 0; i < 6; i++) answers.push((await get(guest.accessToken)).status);
    expect(answers.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expectError(await get(guest.accessToken), 429, 'rate_limited');
  });
});
