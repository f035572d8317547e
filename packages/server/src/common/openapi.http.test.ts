import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, type AuthSession } from '@minimeet/protocol';
import type { RunningServer } from '../main.js';
import {
  api,
  basicAuth,
  createApiKey,
  registerUser,
  startTestServer,
  uniqueEmail,
  type ApiResponse,
} from '../test/harness.js';

/** The parts of an OpenAPI 3.0 schema object these tests read. */
interface Schema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  nullable?: boolean;
  pattern?: string;
}

interface ResponseDoc {
  description: string;
  content?: Record<string, { schema?: Schema }>;
  headers?: Record<string, unknown>;
}

interface Operation {
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, ResponseDoc>;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
}

const ERROR_CODES: readonly string[] = Object.values(ErrorCode);

/**
 * Where a value breaks a documented schema: missing required properties, wrong types, values
 * outside an enum, strings that miss a pattern. Recursive over objects and arrays.
 */
function problemsOf(schema: Schema, value: unknown, at = 'body'): string[] {
  if (value === null) return schema.nullable ? [] : [`${at} is null`];
  if (value === undefined) return [`${at} is missing`];
  if (schema.enum && !schema.enum.includes(value)) {
    return [`${at} is ${JSON.stringify(value)}, not one of ${schema.enum.join(', ')}`];
  }
  switch (schema.type) {
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${at} is not an object`];
      const record = value as Record<string, unknown>;
      return [
        ...(schema.required ?? [])
          .filter((k) => !(k in record))
          .map((k) => `${at}.${k} is missing`),
        ...Object.entries(schema.properties ?? {}).flatMap(([k, property]) =>
          k in record ? problemsOf(property, record[k], `${at}.${k}`) : [],
        ),
      ];
    }
    case 'array':
      if (!Array.isArray(value)) return [`${at} is not an array`];
      return schema.items
        ? value.flatMap((item, i) => problemsOf(schema.items!, item, `${at}[${i}]`))
        : [];
    case 'string':
      if (typeof value !== 'string') return [`${at} is not a string`];
      return schema.pattern && !new RegExp(schema.pattern, 'u').test(value)
        ? [`${at} (${value}) does not match ${schema.pattern}`]
        : [];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${at} is not an integer`];
    case 'number':
      return typeof value === 'number' ? [] : [`${at} is not a number`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at} is not a boolean`];
    case undefined:
      return [];
  }
}

/** Problems with a documented error answer: it must be `{ error: { code, message, details? } }`. */
function errorSchemaProblems(response: ResponseDoc): string[] {
  const schema = response.content?.['application/json']?.schema;
  const error = schema?.properties?.error;
  const codes = error?.properties?.code?.enum;
  const problems: string[] = [];
  if (!schema?.required?.includes('error')) problems.push('`error` is not required');
  if (!error?.required?.includes('code') || !error.required.includes('message'))
    problems.push('`error.code` and `error.message` are not both required');
  if (error?.properties?.message?.type !== 'string') problems.push('`message` is not a string');
  if (error?.properties?.details?.type !== 'object') problems.push('`details` is not an object');
  if (!codes?.length) problems.push('`error.code` lists no codes');
  for (const code of codes ?? []) {
    if (!ERROR_CODES.includes(code as string)) problems.push(`${String(code)} is not an ErrorCode`);
    if (!response.description.includes(`\`${String(code)}\``))
      problems.push(`the description does not name ${String(code)}`);
  }
  return problems;
}

const operationsOf = (doc: OpenApiDocument) =>
  Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
  );

describe('OpenAPI document', () => {
  let server: RunningServer;
  let doc: OpenApiDocument;

  const operation = (name: string): Operation => {
    const [method, path] = name.split(' ');
    const op = doc.paths[path]?.[method.toLowerCase()];
    if (!op) throw new Error(`${name} is not in the document`);
    return op;
  };

  /** Asserts that the document lists the real answer's status for the route, and its body fits. */
  const expectDocumented = (name: string, res: ApiResponse): void => {
    const documented = operation(name).responses[String(res.status)];
    expect(
      documented,
      `${name} answered ${res.status}, which is not documented: ${JSON.stringify(res.body)}`,
    ).toBeDefined();
    const [mediaType, media] = Object.entries(documented.content ?? {})[0] ?? [];
    if (!mediaType || !media) {
      expect(res.body, `${name} ${res.status} is documented without a body`).toBeUndefined();
      return;
    }
    expect(res.headers.get('content-type')).toContain(mediaType.split(';')[0]);
    expect(media.schema, `${name} ${res.status} has no schema`).toBeDefined();
    expect(problemsOf(media.schema!, res.body), `${name} ${res.status}`).toEqual([]);
  };

  beforeAll(async () => {
    // A small login limit (per email) lets one test reach a real 429 without slowing the others.
    server = await startTestServer({ RATE_LIMIT_LOGIN: '2/60' });
    const res = await api<OpenApiDocument>(server, 'GET', '/api/docs/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(() => server.close());

  it('documents the successful answer of every operation, with a schema unless it is a 204', () => {
    const problems = operationsOf(doc).flatMap(({ name, op }) => {
      const successes = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
      if (successes.length === 0) return [`${name}: no 2xx answer`];
      return successes.flatMap(([status, response]) => {
        const schemas = Object.values(response.content ?? {}).map((media) => media.schema);
        if (status === '204')
          return schemas.length === 0 ? [] : [`${name} 204: documents a body it never has`];
        if (!response.description) return [`${name} ${status}: no description`];
        return schemas.length > 0 && schemas.every((schema) => schema?.type)
          ? []
          : [`${name} ${status}: no schema`];
      });
    });
    expect(problems).toEqual([]);
  });

  it('documents at least one 4xx for every operation but health and metrics, each with the error schema naming its codes', () => {
    const withoutClientErrors: string[] = [];
    const problems = operationsOf(doc).flatMap(({ name, op }) => {
      const failures = Object.entries(op.responses).filter(([status]) => /^4\d\d$/.test(status));
      if (failures.length === 0) withoutClientErrors.push(name);
      return failures.flatMap(([status, response]) =>
        errorSchemaProblems(response).map((p) => `${name} ${status}: ${p}`),
      );
    });
    expect(problems).toEqual([]);
    // Neither takes input or credentials, so no client error is possible; any new route must list its own.
    expect(withoutClientErrors.sort()).toEqual(['GET /api/health', 'GET /api/metrics']);
  });

  it('documents 400, 413 and 415 on every operation that reads a JSON body', () => {
    const withBody = operationsOf(doc).filter(({ op }) => op.requestBody);
    expect(withBody.length).toBeGreaterThanOrEqual(7);
    for (const { name, op } of withBody) {
      expect(Object.keys(op.responses), name).toEqual(
        expect.arrayContaining(['400', '413', '415']),
      );
    }
  });

  it('POST /api/auth/login documents 200 with an AuthSession, 400, 401 invalid_credentials and 429 with Retry-After', () => {
    const { responses } = operation('POST /api/auth/login');
    expect(Object.keys(responses).sort()).toEqual([
      '200',
      '400',
      '401',
      '413',
      '415',
      '429',
      '500',
    ]);
    const session = responses['200'].content!['application/json'].schema!;
    expect(session.required).toEqual(
      expect.arrayContaining(['accessToken', 'refreshToken', 'user']),
    );
    expect(session.properties!.accessToken.type).toBe('string');
    expect(session.properties!.user.required).toEqual(expect.arrayContaining(['id', 'email']));
    const codesOf = (status: string) =>
      responses[status].content!['application/json'].schema!.properties!.error.properties!.code
        .enum;
    expect(codesOf('400')).toEqual(['validation_failed', 'invalid_json']);
    expect(codesOf('401')).toEqual(['invalid_credentials']);
    expect(codesOf('429')).toEqual(['rate_limited']);
    expect(responses['429'].headers).toHaveProperty('Retry-After');
  });

  it('the checker reports a documented property that a body lacks', () => {
    const session =
      operation('POST /api/auth/register').responses['201'].content!['application/json'].schema!;
    expect(
      problemsOf(session, {
        refreshToken: 'mmr_x',
        accessTokenExpiresAt: 'soon',
        user: { id: 1, email: 'a@b.test', avatarUrl: null },
      }),
    ).toEqual(
      expect.arrayContaining([
        'body.accessToken is missing',
        'body.user.displayName is missing',
        'body.user.id is not a string',
        expect.stringContaining('body.accessTokenExpiresAt (soon) does not match') as unknown,
      ]),
    );
  });

  it('real successful answers have the status and every required property the document gives', async () => {
    const email = uniqueEmail('openapi');
    const password = 'correct horse battery';
    const register = await api<AuthSession>(server, 'POST', '/api/auth/register', {
      json: { email, password, displayName: 'Doc Reader' },
    });
    expect(register.status).toBe(201);
    expectDocumented('POST /api/auth/register', register);

    const login = await api<AuthSession>(server, 'POST', '/api/auth/login', {
      json: { email, password },
    });
    expectDocumented('POST /api/auth/login', login);
    const refreshed = await api<AuthSession>(server, 'POST', '/api/auth/refresh', {
      json: { refreshToken: login.body.refreshToken },
    });
    expectDocumented('POST /api/auth/refresh', refreshed);
    const token = refreshed.body.accessToken;

    expectDocumented('GET /api/users/me', await api(server, 'GET', '/api/users/me', { token }));
    expectDocumented(
      'PATCH /api/users/me',
      await api(server, 'PATCH', '/api/users/me', {
        token,
        json: { avatarUrl: 'https://example.test/a.png' },
      }),
    );

    const created = await api<{ id: string; secret: string }>(server, 'POST', '/api/api-keys', {
      token,
      json: { name: 'Docs' },
    });
    expectDocumented('POST /api/api-keys', created);
    expectDocumented(
      'POST /api/join-tokens',
      await api(server, 'POST', '/api/join-tokens', {
        headers: basicAuth(created.body.id, created.body.secret),
        json: { identity: 'u1', name: 'Guest', grants: { room: 'docs' } },
      }),
    );
    expectDocumented(
      'DELETE /api/api-keys/{id}',
      await api(server, 'DELETE', `/api/api-keys/${created.body.id}`, { token }),
    );
    // Listed after revoking, so that `revokedAt` is a timestamp rather than null.
    expectDocumented('GET /api/api-keys', await api(server, 'GET', '/api/api-keys', { token }));
    expectDocumented(
      'POST /api/auth/logout',
      await api(server, 'POST', '/api/auth/logout', {
        json: { refreshToken: refreshed.body.refreshToken },
      }),
    );
    expectDocumented('GET /api/health', await api(server, 'GET', '/api/health'));
    expectDocumented('GET /api/metrics', await api(server, 'GET', '/api/metrics'));
  });

  it('real failures have a documented status, and their code is one it lists', async () => {
    const user = await registerUser(server);
    const key = await createApiKey(server, user.accessToken);
    const login = (password: string) =>
      api(server, 'POST', '/api/auth/login', { json: { email: user.user.email, password } });

    const failures: [string, ApiResponse][] = [
      ['POST /api/auth/login', await api(server, 'POST', '/api/auth/login', { json: {} })],
      [
        'POST /api/auth/login',
        await api(server, 'POST', '/api/auth/login', {
          raw: '{',
          headers: { 'content-type': 'application/json' },
        }),
      ],
      ['POST /api/auth/login', await api(server, 'POST', '/api/auth/login', { raw: 'email=a' })],
      [
        'POST /api/auth/login',
        await api(server, 'POST', '/api/auth/login', { json: { email: 'x'.repeat(100_000) } }),
      ],
      ['POST /api/auth/login', await login('wrong password 1')],
      ['POST /api/auth/login', await login('wrong password 2')],
      ['POST /api/auth/login', await login('wrong password 3')],
      [
        'POST /api/auth/register',
        await api(server, 'POST', '/api/auth/register', {
          json: { email: user.user.email, password: 'another password', displayName: 'Twin' },
        }),
      ],
      [
        'POST /api/auth/refresh',
        await api(server, 'POST', '/api/auth/refresh', { json: { refreshToken: 'mmr_unknown' } }),
      ],
      ['GET /api/users/me', await api(server, 'GET', '/api/users/me')],
      ['GET /api/users/me', await api(server, 'GET', '/api/users/me', { token: 'not.a.jwt' })],
      [
        'PATCH /api/users/me',
        await api(server, 'PATCH', '/api/users/me', { token: user.accessToken, json: {} }),
      ],
      ['GET /api/api-keys', await api(server, 'GET', '/api/api-keys')],
      [
        'DELETE /api/api-keys/{id}',
        await api(server, 'DELETE', '/api/api-keys/mk_nothing', { token: user.accessToken }),
      ],
      [
        'POST /api/join-tokens',
        await api(server, 'POST', '/api/join-tokens', {
          json: { identity: 'u1', name: 'Guest', grants: { room: 'docs' } },
        }),
      ],
      [
        'POST /api/join-tokens',
        await api(server, 'POST', '/api/join-tokens', {
          headers: basicAuth(key.id, key.secret),
          json: { identity: 'u1', name: 'Guest', grants: { room: '../etc' } },
        }),
      ],
    ];

    expect(failures.map(([, res]) => res.status)).toEqual([
      400, 400, 415, 413, 401, 401, 429, 409, 401, 401, 401, 400, 401, 404, 401, 400,
    ]);
    for (const [name, res] of failures) expectDocumented(name, res);
    const limited = failures[6][1];
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});
