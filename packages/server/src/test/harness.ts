import type { AuthSession, CreatedApiKey, ErrorBody, ErrorInfo } from '@minimeet/protocol';
import { expect } from 'vitest';
import type { RunningServer } from '../main.js';

export { startTestServer, TEST_SERVER_ENV as TEST_ENV } from '../testing.js';

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
  const input = {
    email: uniqueEmail(),
    password: 'correct horse battery',
    displayName: 'Test User',
    ...overrides,
  };
  const res = await api<AuthSession>(server, 'POST', '/api/auth/register', { json: input });
  if (res.status !== 201)
    throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...res.body, password: input.password };
}

/** `Authorization: Basic` for an API key (key id as user, secret as password). */
export function basicAuth(id: string, secret: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` };
}

/** Creates an API key for the holder of `accessToken` and returns it with its secret. */
export async function createApiKey(
  server: Pick<RunningServer, 'url'>,
  accessToken: string,
  name = 'Test key',
) {
  const res = await api<CreatedApiKey>(server, 'POST', '/api/api-keys', {
    json: { name },
    token: accessToken,
  });
  if (res.status !== 201)
    throw new Error(`creating an API key failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * Polls `check` until it returns true; rejects naming `what` once `timeoutMs` has passed. For
 * waiting on a condition the server will reach, never for a fixed delay.
 */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  { timeoutMs = 5000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() >= deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

// A stack frame (`at fn (file.js:1:2)`) or a server path must never leave the server.
const LEAK = /\bat\s+\S.*:\d+:\d+|node_modules|\/work\/|\.ts:\d+|"stack"/;

/**
 * Asserts that a response is the documented error: the status, `{ error: { code, message } }` with
 * the code, and no stack trace or server path anywhere in it. Returns the error for further checks.
 */
export function expectError(res: ApiResponse, status: number, code: string): ErrorInfo {
  const text = typeof res.body === 'string' ? res.body : (JSON.stringify(res.body) ?? '');
  expect({ status: res.status, body: res.body }, `answer: ${res.status} ${text}`).toMatchObject({
    status,
    body: { error: { code, message: expect.any(String) as unknown } },
  });
  expect(text).not.toMatch(LEAK);
  return (res.body as ErrorBody).error;
}

/** Asserts that a response, whatever its status, is not a server failure and leaks nothing. */
export function expectNoServerFailure(res: ApiResponse): void {
  const text = typeof res.body === 'string' ? res.body : (JSON.stringify(res.body) ?? '');
  expect(res.status, `answer: ${res.status} ${text}`).toBeLessThan(500);
  expect(text).not.toMatch(LEAK);
  if (res.status >= 400) {
    expect(res.body).toMatchObject({
      error: { code: expect.any(String) as unknown, message: expect.any(String) as unknown },
    });
  }
}
