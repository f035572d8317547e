/** Registered users and rooms for benches, made over the real REST API. */
import type { AuthSession, RoomDetails } from '@minimeet/protocol';

/** Server settings that let a bench make many accounts quickly from one address. */
export const FAST_ACCOUNTS_ENV: Record<string, string> = {
  // Cheap argon2id: the benches measure chat and presence, not password hashing.
  PASSWORD_HASH_MEMORY_KIB: '1024',
  PASSWORD_HASH_ITERATIONS: '1',
  RATE_LIMIT_REGISTER: '1000000/60',
  RATE_LIMIT_LOGIN: '1000000/60',
  RATE_LIMIT_LOGIN_IP: '1000000/60',
  RATE_LIMIT_CONNECT: '1000000/60',
  // Every request of a bench socket must measure the request, never the per-connection budget.
  RATE_LIMIT_SOCKET_REQUESTS: '1000000/1',
  // Access tokens outlive the run, so no socket is ended half-way.
  ACCESS_TOKEN_TTL: '7200',
};

/** A signed-in bench user. */
export interface BenchUser {
  /** User id. */
  id: string;
  /** Access token for REST and the socket handshake. */
  accessToken: string;
}

async function call<T>(
  url: string,
  method: string,
  path: string,
  body: unknown,
  token?: string,
): Promise<T> {
  const res = await fetch(`${url}/api${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** Registers user number `n` of this run. */
export async function registerUser(url: string, run: string, n: number): Promise<BenchUser> {
  const session = await call<AuthSession>(url, 'POST', '/auth/register', {
    email: `bench-${run}-${n}@example.test`,
    password: 'benchmark password 1',
    displayName: `Bench user ${n}`,
  });
  return { id: session.user.id, accessToken: session.accessToken };
}

/** Creates a public room owned by `owner`. */
export async function createRoom(url: string, owner: BenchUser, name: string): Promise<string> {
  const room = await call<RoomDetails>(
    url,
    'POST',
    '/rooms',
    { name, visibility: 'public' },
    owner.accessToken,
  );
  return room.id;
}

/** Makes `user` a member of the public room `roomId`. */
export async function joinRoom(url: string, user: BenchUser, roomId: string): Promise<void> {
  await call<RoomDetails>(
    url,
    'POST',
    `/rooms/${encodeURIComponent(roomId)}/join`,
    {},
    user.accessToken,
  );
}
