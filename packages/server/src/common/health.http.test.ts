import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type HealthResponse } from '@minimeet/protocol';
import type { RunningServer } from '../main.js';
import { api, expectError, registerUser, startTestServer } from '../test/harness.js';
import { SERVER_VERSION } from './version.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('health, docs and request plumbing', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('GET /api/health answers 200 ok with the database up on sqlite', async () => {
    const res = await api<HealthResponse>(server, 'GET', '/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ok',
      version: SERVER_VERSION,
      protocolVersion: PROTOCOL_VERSION,
      uptimeSeconds: expect.any(Number) as unknown,
      database: { status: 'up', driver: 'sqlite', latencyMs: expect.any(Number) as unknown },
      // The worker starts with the first SFU call: none yet, and no failure either.
      sfu: { status: 'available', workers: 0, rooms: 0 },
    });
  });

  it('GET /api/docs/openapi.json lists every REST path with its method, and the schemas of bodies', async () => {
    const res = await api<{ paths: Record<string, Record<string, unknown>> }>(
      server,
      'GET',
      '/api/docs/openapi.json',
    );
    expect(res.status).toBe(200);
    const routes = Object.entries(res.body.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /api/auth/register',
        'POST /api/auth/login',
        'POST /api/auth/refresh',
        'POST /api/auth/logout',
        'GET /api/users/me',
        'PATCH /api/users/me',
        'POST /api/api-keys',
        'GET /api/api-keys',
        'DELETE /api/api-keys/{id}',
        'POST /api/join-tokens',
        'GET /api/health',
        'GET /api/metrics',
      ]),
    );
    const register = res.body.paths['/api/auth/register'].post as {
      requestBody: { content: { 'application/json': { schema: { properties: object } } } };
    };
    expect(
      Object.keys(register.requestBody.content['application/json'].schema.properties).sort(),
    ).toEqual(['displayName', 'email', 'password']);
  });

  it('GET /api/docs serves the Swagger UI page', async () => {
    const res = await api<string>(server, 'GET', '/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.body).toContain('swagger-ui');
  });

  it.each([
    ['GET', '/api/no-such-route'],
    ['POST', '/api/no-such-route'],
    ['PUT', '/api/health'],
    ['DELETE', '/api/users/me'],
    ['GET', '/no-such-page'],
  ])('%s %s answers 404 not_found', async (method, path) => {
    expectError(await api(server, method, path), 404, 'not_found');
  });

  it('every response carries an X-Request-Id, each one different', async () => {
    const user = await registerUser(server);
    const answers = await Promise.all([
      api(server, 'GET', '/api/health'),
      api(server, 'GET', '/api/users/me', { token: user.accessToken }),
      api(server, 'POST', '/api/auth/logout', { json: { refreshToken: 'mmr_x' } }),
      api(server, 'GET', '/api/users/me'),
      api(server, 'GET', '/api/nowhere'),
      api(server, 'POST', '/api/auth/login', { json: {} }),
      api(server, 'POST', '/api/auth/login', {
        raw: '{',
        headers: { 'content-type': 'application/json' },
      }),
      api(server, 'POST', '/api/auth/login', { raw: 'email=a' }),
      api(server, 'POST', '/api/auth/login', { json: { email: 'x'.repeat(100_000) } }),
      api(server, 'GET', '/api/metrics'),
    ]);
    expect(answers.map((a) => a.status)).toEqual([
      200, 200, 204, 401, 404, 400, 400, 415, 413, 200,
    ]);
    const ids = answers.map((a) => a.headers.get('x-request-id'));
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('echoes a well-formed incoming X-Request-Id, on success and on failure', async () => {
    for (const [path, status] of [
      ['/api/health', 200],
      ['/api/users/me', 401],
    ] as const) {
      const res = await api(server, 'GET', path, { headers: { 'x-request-id': 'trace-Abc_1.2' } });
      expect(res.status).toBe(status);
      expect(res.headers.get('x-request-id')).toBe('trace-Abc_1.2');
    }
  });

  it.each([
    ['spaces', 'has spaces'],
    ['markup', '<script>'],
    ['65 characters', 'x'.repeat(65)],
    ['a header-splitting attempt', 'a%0d%0aSet-Cookie:x=1'],
  ])('replaces an incoming X-Request-Id with %s by its own', async (_what, given) => {
    const res = await api(server, 'GET', '/api/health', { headers: { 'x-request-id': given } });
    expect(res.headers.get('x-request-id')).toMatch(UUID);
  });

  it('sends nosniff and no X-Powered-By', async () => {
    const res = await api(server, 'GET', '/api/health');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});

describe('health with the database gone', () => {
  it('GET /api/health answers 503 degraded when the database does not answer', async () => {
    const server = await startTestServer();
    try {
      await server.app.get(DataSource).destroy();
      const res = await api<HealthResponse>(server, 'GET', '/api/health');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({
        status: 'degraded',
        database: { status: 'down', driver: 'sqlite', latencyMs: null },
      });
    } finally {
      await server.close();
    }
  });
});
