import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserProfile } from '@minimeet/protocol';
import type { RunningServer } from '../main.js';
import { api, expectError, registerUser, startTestServer } from '../test/harness.js';

describe('the signed-in user over HTTP', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const patch = (token: string, json: unknown) =>
    api<UserProfile>(server, 'PATCH', '/api/users/me', { token, json });
  const me = (token: string) => api<UserProfile>(server, 'GET', '/api/users/me', { token });

  it('GET /api/users/me answers the profile of the token holder, without the password hash', async () => {
    const user = await registerUser(server, { displayName: 'Grace Hopper' });
    const res = await me(user.accessToken);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: user.user.id,
      email: user.user.email,
      displayName: 'Grace Hopper',
      avatarUrl: null,
      createdAt: user.user.createdAt,
    });
  });

  it('GET /api/users/me tells two users apart by their tokens', async () => {
    const a = await registerUser(server, { displayName: 'A' });
    const b = await registerUser(server, { displayName: 'B' });
    expect((await me(a.accessToken)).body.id).toBe(a.user.id);
    expect((await me(b.accessToken)).body.id).toBe(b.user.id);
  });

  it('PATCH /api/users/me changes the display name and avatar, and GET shows the change', async () => {
    const user = await registerUser(server);
    const res = await patch(user.accessToken, {
      displayName: '  Ada  ',
      avatarUrl: 'https://cdn.example.test/ada.png',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: user.user.id,
      displayName: 'Ada',
      avatarUrl: 'https://cdn.example.test/ada.png',
    });
    expect((await me(user.accessToken)).body).toEqual(res.body);
  });

  it('PATCH /api/users/me changes only the fields given, and avatarUrl null clears the avatar', async () => {
    const user = await registerUser(server, { displayName: 'Keep Me' });
    await patch(user.accessToken, { avatarUrl: 'http://example.test/a.png' });
    const cleared = await patch(user.accessToken, { avatarUrl: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ displayName: 'Keep Me', avatarUrl: null });
  });

  it('PATCH /api/users/me stores markup and emoji in a display name byte for byte', async () => {
    const user = await registerUser(server);
    for (const name of [
      '<script>alert(1)</script>',
      "Robert'); DROP TABLE users;--",
      'Zoë 🎥 测试 👩🏽‍💻',
    ]) {
      const res = await patch(user.accessToken, { displayName: name });
      expect(res.status).toBe(200);
      expect(res.body.displayName).toBe(name);
      expect((await me(user.accessToken)).body.displayName).toBe(name);
    }
  });

  it('PATCH /api/users/me answers validation_failed for an empty patch', async () => {
    const user = await registerUser(server);
    expectError(await patch(user.accessToken, {}), 400, 'validation_failed');
  });

  it('PATCH /api/users/me refuses a javascript: avatar URL and a control character in the name', async () => {
    const user = await registerUser(server);
    const url = expectError(
      await patch(user.accessToken, { avatarUrl: 'javascript:alert(1)' }),
      400,
      'validation_failed',
    );
    expect(url.details?.issues?.map((i) => i.path)).toEqual(['avatarUrl']);
    const name = expectError(
      await patch(user.accessToken, { displayName: 'evil\u202Eexe.txt' }),
      400,
      'validation_failed',
    );
    expect(name.details?.issues?.map((i) => i.path)).toEqual(['displayName']);
    expect((await me(user.accessToken)).body.displayName).toBe(user.user.displayName);
  });

  it('PATCH /api/users/me without a token answers 401 and changes nothing', async () => {
    expectError(
      await api(server, 'PATCH', '/api/users/me', { json: { displayName: 'Nobody' } }),
      401,
      'unauthorized',
    );
  });
});
