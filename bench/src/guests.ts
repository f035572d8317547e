/** Guest join tokens for benchmarks: one host account and API key per server, tokens signed offline. */
import { createJoinToken } from '@minimeet/host';

/** Signs a join token for one guest of one room. */
export type GuestTokens = (identity: string, room: string) => Promise<string>;

/** Registers a host account on `serverUrl`, creates an API key, and returns a join-token signer. */
export async function guestTokens(serverUrl: string): Promise<GuestTokens> {
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
  return (identity, room) =>
    createJoinToken(key, { identity, name: identity, grants: { room }, ttlSeconds: 3600 });
}
