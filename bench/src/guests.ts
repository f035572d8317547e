/** Guest join tokens for benchmarks: one host account and API key per server, tokens signed offline. */
import { createJoinToken } from '@minimeet/host';

/** Signs a join token for one guest of one room. */
export type GuestTokens = (identity: string, room: string) => Promise<string>;

/** A bench host account: its access token (to create rooms) and its join-token signer. */
export interface HostAccount {
  accessToken: string;
  sign: GuestTokens;
}

/** Registers a host account on `serverUrl`, creates an API key, and returns a join-token signer. */
export async function guestTokens(serverUrl: string): Promise<GuestTokens> {
  return (await hostAccount(serverUrl)).sign;
}

/** Registers a host account on `serverUrl` and creates an API key for it. */
export async function hostAccount(serverUrl: string): Promise<HostAccount> {
  const reg = await fetch(`${serverUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `host-${process.pid}-${Date.now()}@example.test`,
      password: 'benchmark password 1',
      displayName: 'Host',
    }),
  });
  if (!reg.ok) throw new Error(`registering the bench host failed: ${reg.status}`);
  const { accessToken } = (await reg.json()) as { accessToken: string };
  const keyRes = await fetch(`${serverUrl}/api/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({ name: 'bench' }),
  });
  if (!keyRes.ok) throw new Error(`creating the bench API key failed: ${keyRes.status}`);
  const key = (await keyRes.json()) as { id: string; secret: string };
  return {
    accessToken,
    sign: (identity, room) =>
      createJoinToken(key, { identity, name: identity, grants: { room }, ttlSeconds: 3600 }),
  };
}
