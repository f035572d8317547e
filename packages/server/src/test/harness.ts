import type { AuthSession } from '@minimeet/protocol';
import { startServer, type RunningServer } from '../main.js';

/** Environment for tests: in-memory SQLite, quiet logs, cheap password hashing, generous limits. */
export const TEST_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  HOST: '127.0.0.1',
  PORT: '0',
  DATABASE_URL: 'sqlite::memory:',
  LOG_LEVEL: 'silent',
  SERVE_DEMO: 'false',
  PASSWORD_HASH_MEMORY_KIB: '1024',
  PASSWORD_HASH_ITERATIONS: '1',
  RATE_LIMIT_LOGIN: '1000/60',
  RATE_LIMIT_LOGIN_IP: '1000/60',
  RATE_LIMIT_REGISTER: '1000/60',
  RATE_LIMIT_REFRESH: '1000/60',
};

/** Starts a real server on a free loopback port with {@link TEST_ENV} plus overrides. */
export function startTestServer(overrides: Record<string, string> = {}): Promise<RunningServer> {
  return startServer({ env: { ...TEST_ENV, ...overrides } });
}

/** A parsed HTTP answer. */
export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** Calls the server's REST API with a JSON body (or a raw string body when `raw` is given). */
export async function api<T = unknown>(
  server: Pick<RunningServer, 'url'>,
  method: string,
  path: string,
  options: { json?: unknown; raw?: string; token?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] ??= 'application/json';
  } else if (options.raw !== undefined) {
    body = options.raw;
  }
  const res = await fetch(`${server.url}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Non-JSON bodies (metrics, HTML) stay as text.
  }
  return { status: res.status, headers: res.headers, body: parsed as T };
}

let counter = 0;

/** A unique email for a test account. */
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now()}-${counter}@example.test`;
}

/** Registers an account and returns its session. */
export async function registerUser(
  server: Pick<RunningServer, 'url'>,
  overrides: Partial<{ email: string; password: string; displayName: string }> = {},
) {
  const input = { email: uniqueEmail(), password: 'correct horse battery', displayName: 'Test User', ...overrides };
  const res = await api<AuthSession>(server, 'POST', '/api/auth/register', { json: input });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...res.body, password: input.password };
}
