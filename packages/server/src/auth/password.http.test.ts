import type { AuthSession } from '@minimeet/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../main.js';
import { api, expectError, registerUser, startTestServer } from '../test/harness.js';

describe('POST /api/auth/password', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterAll(() => server.close());

  it('changes the password, signs out every other session and returns a new one', async () => {
    const first = await registerUser(server);
    const email = first.user.email;
    const second = await api<AuthSession>(server, 'POST', '/api/auth/login', {
      json: { email, password: first.password },
    });
    const changed = await api<AuthSession>(server, 'POST', '/api/auth/password', {
      token: first.accessToken,
      json: { currentPassword: first.password, newPassword: 'a completely new passphrase' },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.user.id).toBe(first.user.id);

    // Every refresh token issued before the change is dead, on every device.
    for (const refreshToken of [first.refreshToken, second.body.refreshToken]) {
      expectError(
        await api(server, 'POST', '/api/auth/refresh', { json: { refreshToken } }),
        401,
        'token_invalid',
      );
    }
    // The session returned by the change keeps working.
    const refreshed = await api<AuthSession>(server, 'POST', '/api/auth/refresh', {
      json: { refreshToken: changed.body.refreshToken },
    });
    expect(refreshed.status).toBe(200);

    expectError(
      await api(server, 'POST', '/api/auth/login', { json: { email, password: first.password } }),
      401,
      'invalid_credentials',
    );
    const login = await api(server, 'POST', '/api/auth/login', {
      json: { email, password: 'a completely new passphrase' },
    });
    expect(login.status).toBe(200);
  });

  it('refuses a wrong current password with invalid_credentials and changes nothing', async () => {
    const user = await registerUser(server);
    const res = await api(server, 'POST', '/api/auth/password', {
      token: user.accessToken,
      json: {
        currentPassword: 'not my password at all',
        newPassword: 'a completely new passphrase',
      },
    });
    expectError(res, 401, 'invalid_credentials');
    const refreshed = await api(server, 'POST', '/api/auth/refresh', {
      json: { refreshToken: user.refreshToken },
    });
    expect(refreshed.status).toBe(200);
  });

  it('needs an access token and a new password of at least 10 characters', async () => {
    const user = await registerUser(server);
    expectError(
      await api(server, 'POST', '/api/auth/password', {
        json: { currentPassword: user.password, newPassword: 'x'.repeat(12) },
      }),
      401,
      'unauthorized',
    );
    const short = await api(server, 'POST', '/api/auth/password', {
      token: user.accessToken,
      json: { currentPassword: user.password, newPassword: 'short' },
    });
    expect(
      expectError(short, 400, 'validation_failed').details?.issues?.map((i) => i.path),
    ).toEqual(['newPassword']);
  });
});
