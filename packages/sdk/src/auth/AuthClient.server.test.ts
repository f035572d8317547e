import { startServer } from '@minimeet/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionState } from '../client/ConnectionState.js';
import { MinimeetClient } from '../client/MinimeetClient.js';
import { ClientEvent } from '../events.js';
import { nextEvent, PASSWORD, TEST_SERVER_ENV, uniqueEmail } from '../test/helpers.js';
import { AuthClient } from './AuthClient.js';
import type { AuthStorage } from './AuthStorage.js';

type Server = Awaited<ReturnType<typeof startServer>>;

describe('AuthClient against the real server', () => {
  let server: Server;

  beforeAll(async () => {
    server = await startServer({ env: TEST_SERVER_ENV });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('register() signs the new user in, and getProfile() returns the same user', async () => {
    const auth = new AuthClient(server.url);
    const email = uniqueEmail();
    const session = await auth.register({ email, password: PASSWORD, displayName: 'Ada' });

    expect(session.user).toMatchObject({ email, displayName: 'Ada', avatarUrl: null });
    expect(auth.user?.id).toBe(session.user.id);
    await expect(auth.getProfile()).resolves.toMatchObject({ id: session.user.id, email });
  });

  it('updateProfile() changes the display name and the cached user', async () => {
    const auth = new AuthClient(server.url);
    await auth.register({ email: uniqueEmail(), password: PASSWORD, displayName: 'Before' });

    const profile = await auth.updateProfile({ displayName: 'After' });

    expect(profile.displayName).toBe('After');
    expect(auth.user?.displayName).toBe('After');
  });

  it('rejects a second account with the same email with email_taken', async () => {
    const email = uniqueEmail();
    await new AuthClient(server.url).register({ email, password: PASSWORD, displayName: 'A' });

    await expect(
      new AuthClient(server.url).register({ email, password: PASSWORD, displayName: 'B' }),
    ).rejects.toMatchObject({ name: 'MinimeetError', code: 'email_taken', status: 409 });
  });

  it('changePassword() keeps this client signed in with the new session', async () => {
    const auth = new AuthClient(server.url);
    const email = uniqueEmail();
    const before = await auth.register({ email, password: PASSWORD, displayName: 'Ada' });

    const after = await auth.changePassword({
      currentPassword: PASSWORD,
      newPassword: 'an entirely new passphrase',
    });

    expect(after.refreshToken).not.toBe(before.refreshToken);
    await expect(auth.refresh()).resolves.toMatchObject({ user: { email } });
    await expect(
      new AuthClient(server.url).login({ email, password: PASSWORD }),
    ).rejects.toMatchObject({ code: 'invalid_credentials' });
  });

  it('login() with a wrong password rejects with invalid_credentials', async () => {
    const email = uniqueEmail();
    await new AuthClient(server.url).register({ email, password: PASSWORD, displayName: 'A' });

    await expect(
      new AuthClient(server.url).login({ email, password: 'wrong password!' }),
    ).rejects.toMatchObject({ code: 'invalid_credentials', status: 401 });
    await expect(
      new AuthClient(server.url).login({ email, password: PASSWORD }),
    ).resolves.toMatchObject({ user: { email } });
  });

  it('refresh() rotates both tokens and the new access token works', async () => {
    const auth = new AuthClient(server.url);
    const first = await auth.register({
      email: uniqueEmail(),
      password: PASSWORD,
      displayName: 'A',
    });

    const second = await auth.refresh();

    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    await expect(auth.getProfile()).resolves.toMatchObject({ id: first.user.id });
  });

  it('logout() revokes the refresh token on the server, not only here', async () => {
    const saved = new Map<string, string>();
    const storage: AuthStorage = {
      get: (key) => saved.get(key),
      set: (key, value) => void saved.set(key, value),
      remove: (key) => void saved.delete(key),
    };
    const auth = new AuthClient(server.url, { storage });
    await auth.register({ email: uniqueEmail(), password: PASSWORD, displayName: 'A' });
    const copy = saved.get('minimeet.session')!;

    await auth.logout();
    expect(auth.session).toBeUndefined();

    // A second client still holding the old session, as another tab might.
    const stale = new AuthClient(server.url, {
      storage: { ...storage, get: () => copy },
    });
    await stale.restore();
    await expect(stale.refresh()).rejects.toMatchObject({ code: 'token_invalid' });
    expect(stale.session).toBeUndefined();
  });

  it('getProfile() without a session rejects with unauthorized before any request', async () => {
    await expect(new AuthClient(server.url).getProfile()).rejects.toMatchObject({
      code: 'unauthorized',
    });
  });
});

describe('AuthClient as the token provider of an open connection', () => {
  let server: Server;

  beforeAll(async () => {
    server = await startServer({
      env: { ...TEST_SERVER_ENV, ACCESS_TOKEN_TTL: '4', SESSION_REFRESH_LEAD: '2' },
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('hands a refresh a newer token even while the current one is outside its margin', async () => {
    // A margin of 0 would make a naive provider return the same token the connection already has.
    const auth = new AuthClient(server.url, { refreshMarginMs: 0 });
    await auth.register({ email: uniqueEmail(), password: PASSWORD, displayName: 'Ada' });
    const client = new MinimeetClient();
    const session = await client.connect(server.url, auth.tokenProvider);
    try {
      const [renewedUntil] = await nextEvent(client, ClientEvent.TokenRefreshed, 8000);
      expect(renewedUntil.getTime()).toBeGreaterThan(Date.parse(session.tokenExpiresAt));
      expect(client.state).toBe(ConnectionState.Connected);
    } finally {
      await client.disconnect();
    }
  });
});
