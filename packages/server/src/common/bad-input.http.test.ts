import { gzipSync } from 'node:zlib';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AuthSession,
  CreatedApiKey,
  CreatedJoinToken,
  RoomDetails,
  RoomInvite,
  UserProfile,
} from '@minimeet/protocol';
import type { RunningServer } from '../main.js';
import {
  api,
  basicAuth,
  createApiKey,
  expectError,
  expectNoServerFailure,
  registerUser,
  startTestServer,
  uniqueEmail,
} from '../test/harness.js';

const BODY_LIMIT_BYTES = 64 * 1024;

/**
 * What every endpoint below needs: a signed-in user, one of their API keys, a public room they own
 * and a second member of it.
 */
interface Context {
  user: Awaited<ReturnType<typeof registerUser>>;
  key: CreatedApiKey;
  room: RoomDetails;
  memberId: string;
}

/** An endpoint that takes a JSON body, with a valid body to vary. */
interface BodyEndpoint {
  name: string;
  method: 'POST' | 'PATCH';
  /** As OpenAPI writes it: `{id}`, `{roomId}` stand for the context's room, `{userId}` for its member. */
  path: string;
  headers: (ctx: Context) => Record<string, string>;
  valid: (ctx: Context) => Record<string, unknown>;
  /** Fields whose absence the schema refuses. */
  required: string[];
  /** Fields that hold strings, as dotted paths (none: the body limit is probed with a padding field). */
  strings: string[];
  /** String fields for which `null` is a legal value (it clears them). */
  nullable?: string[];
  /** True when `{}` is a valid body: every field is optional and none is demanded. */
  emptyIsValid?: boolean;
  /** The status a valid body gets when not a 2xx: 404 for a participant in no call. */
  validStatus?: number;
}

/** The endpoint's path with the context's ids in place of its parameters. */
const pathOf = (ep: BodyEndpoint, ctx: Context): string =>
  ep.path
    .replace(/\{(id|roomId)\}/g, ctx.room.id)
    .replace('{userId}', ctx.memberId)
    .replace('{participantId}', 'pa_notinthecall01');

const bearer = (ctx: Context) => ({ authorization: `Bearer ${ctx.user.accessToken}` });
const apiKey = (ctx: Context) => basicAuth(ctx.key.id, ctx.key.secret);

const ENDPOINTS: BodyEndpoint[] = [
  {
    name: 'POST /api/auth/register',
    method: 'POST',
    path: '/api/auth/register',
    headers: () => ({}),
    valid: () => ({
      email: uniqueEmail('bad-input'),
      password: 'correct horse battery',
      displayName: 'Valid',
    }),
    required: ['email', 'password', 'displayName'],
    strings: ['email', 'password', 'displayName'],
  },
  {
    name: 'POST /api/auth/login',
    method: 'POST',
    path: '/api/auth/login',
    headers: () => ({}),
    valid: (ctx) => ({ email: ctx.user.user.email, password: ctx.user.password }),
    required: ['email', 'password'],
    strings: ['email', 'password'],
  },
  {
    name: 'POST /api/auth/refresh',
    method: 'POST',
    path: '/api/auth/refresh',
    headers: () => ({}),
    valid: () => ({ refreshToken: 'mmr_not-a-real-token' }),
    required: ['refreshToken'],
    strings: ['refreshToken'],
  },
  {
    name: 'POST /api/auth/logout',
    method: 'POST',
    path: '/api/auth/logout',
    headers: () => ({}),
    valid: () => ({ refreshToken: 'mmr_not-a-real-token' }),
    required: ['refreshToken'],
    strings: ['refreshToken'],
  },
  {
    name: 'POST /api/auth/password',
    method: 'POST',
    path: '/api/auth/password',
    headers: bearer,
    // A wrong current password keeps the shared user's real one intact for the other endpoints.
    valid: () => ({ currentPassword: 'not the current one', newPassword: 'a brand new password' }),
    required: ['currentPassword', 'newPassword'],
    strings: ['currentPassword', 'newPassword'],
  },
  {
    name: 'PATCH /api/users/me',
    method: 'PATCH',
    path: '/api/users/me',
    headers: bearer,
    valid: () => ({ displayName: 'Valid', avatarUrl: 'https://cdn.example.test/a.png' }),
    required: [],
    strings: ['displayName', 'avatarUrl'],
    nullable: ['avatarUrl'],
  },
  {
    name: 'POST /api/api-keys',
    method: 'POST',
    path: '/api/api-keys',
    headers: bearer,
    valid: () => ({ name: 'Valid key' }),
    required: ['name'],
    strings: ['name'],
  },
  {
    name: 'POST /api/join-tokens',
    method: 'POST',
    path: '/api/join-tokens',
    headers: (ctx) => basicAuth(ctx.key.id, ctx.key.secret),
    valid: () => ({
      identity: 'guest-1',
      name: 'Guest',
      grants: { room: 'lobby' },
      ttlSeconds: 60,
    }),
    required: ['identity', 'name', 'grants', 'grants.room'],
    strings: ['identity', 'name', 'avatarUrl', 'grants.room', 'grants.role'],
  },
  {
    name: 'POST /api/rooms',
    method: 'POST',
    path: '/api/rooms',
    headers: bearer,
    valid: () => ({ name: 'Valid room', visibility: 'private', capacity: 2, topology: 'auto' }),
    required: ['name'],
    strings: ['name', 'password', 'visibility', 'topology'],
  },
  {
    name: 'PATCH /api/rooms/{id}',
    method: 'PATCH',
    path: '/api/rooms/{id}',
    headers: bearer,
    // The room stays public and without a password: other endpoints need it so.
    valid: () => ({ name: 'Renamed', visibility: 'public' }),
    required: [],
    strings: ['name', 'password', 'visibility', 'topology'],
    nullable: ['password'],
  },
  {
    name: 'POST /api/rooms/{id}/join',
    method: 'POST',
    path: '/api/rooms/{id}/join',
    headers: bearer,
    valid: () => ({ password: 'not needed' }),
    required: [],
    strings: ['password'],
    emptyIsValid: true,
  },
  {
    name: 'PATCH /api/rooms/{id}/members/{userId}',
    method: 'PATCH',
    path: '/api/rooms/{id}/members/{userId}',
    headers: bearer,
    valid: () => ({ role: 'member' }),
    required: ['role'],
    strings: ['role'],
  },
  {
    name: 'POST /api/rooms/{id}/invites',
    method: 'POST',
    path: '/api/rooms/{id}/invites',
    headers: bearer,
    valid: () => ({ ttlSeconds: 3600, maxUses: 3, role: 'member' }),
    required: [],
    strings: ['role'],
    emptyIsValid: true,
  },
  {
    name: 'POST /api/rooms/{roomId}/messages',
    method: 'POST',
    path: '/api/rooms/{roomId}/messages',
    headers: bearer,
    valid: () => ({ clientId: 'bad-input-0001', text: 'Valid message' }),
    required: ['clientId', 'text'],
    strings: ['clientId', 'text'],
  },
  {
    name: 'POST /api/webhooks',
    method: 'POST',
    path: '/api/webhooks',
    headers: bearer,
    // A loopback receiver, which the test server allows; no event is ever sent to it here.
    valid: () => ({ url: 'http://127.0.0.1:9/hook', eventTypes: ['room.started'] }),
    required: ['url'],
    strings: ['url', 'description'],
  },
  {
    name: 'PATCH /api/webhooks/{id}',
    method: 'PATCH',
    path: '/api/webhooks/{id}',
    headers: bearer,
    valid: () => ({ description: 'Renamed' }),
    required: [],
    strings: ['url', 'description'],
  },
  {
    name: 'POST /api/calls/{roomId}/participants/{participantId}/mute',
    method: 'POST',
    path: '/api/calls/{roomId}/participants/{participantId}/mute',
    headers: apiKey,
    valid: () => ({ sources: ['microphone'] }),
    required: ['sources'],
    strings: [],
  },
  {
    name: 'POST /api/calls/{roomId}/mute-all',
    method: 'POST',
    path: '/api/calls/{roomId}/mute-all',
    headers: apiKey,
    valid: () => ({ sources: ['microphone', 'camera'] }),
    required: ['sources'],
    strings: [],
  },
  {
    name: 'POST /api/calls/{roomId}/participants/{participantId}/remove',
    method: 'POST',
    path: '/api/calls/{roomId}/participants/{participantId}/remove',
    headers: apiKey,
    valid: () => ({ banSeconds: 60, reason: 'Bad input test.' }),
    required: [],
    strings: ['reason'],
    emptyIsValid: true,
    validStatus: 404,
  },
  {
    name: 'PATCH /api/calls/{roomId}/participants/{participantId}/grants',
    method: 'PATCH',
    path: '/api/calls/{roomId}/participants/{participantId}/grants',
    headers: apiKey,
    valid: () => ({ canPublishAudio: false }),
    required: [],
    strings: [],
  },
  {
    name: 'PATCH /api/calls/{roomId}/moderation',
    method: 'PATCH',
    path: '/api/calls/{roomId}/moderation',
    headers: apiKey,
    valid: () => ({ locked: false }),
    required: [],
    strings: [],
  },
  {
    name: 'POST /api/calls/{roomId}/data',
    method: 'POST',
    path: '/api/calls/{roomId}/data',
    headers: apiKey,
    valid: () => ({ topic: 'bad-input', data: { n: 1 } }),
    required: ['data'],
    strings: ['topic'],
  },
];

/** That a valid body was taken: a 2xx, or the endpoint's {@link BodyEndpoint.validStatus}. */
function expectValid(ep: BodyEndpoint, status: number): void {
  if (ep.validStatus !== undefined) expect(status).toBe(ep.validStatus);
  else expect(status).toBeLessThan(300);
}

/** A copy of `body` with the value at a dotted path replaced (or removed when `value` is `REMOVE`). */
const REMOVE = Symbol('remove');
function withValue(
  body: Record<string, unknown>,
  path: string,
  value: unknown,
): Record<string, unknown> {
  const copy = structuredClone(body);
  const keys = path.split('.');
  let target = copy;
  for (const key of keys.slice(0, -1)) {
    target[key] ??= {};
    target = target[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (value === REMOVE) delete target[last];
  else target[last] = value;
  return copy;
}

/** Strings that probe for injection and encoding bugs. */
const HOSTILE_STRINGS: Array<[string, string]> = [
  ['SQL injection', "' OR 1=1 --"],
  ['a stacked SQL statement', 'x"; DROP TABLE users; --'],
  ['a script tag', '<script>alert(1)</script>'],
  ['a path traversal', '../../etc/passwd'],
  ['a URL-encoded traversal', '%2e%2e%2f%2e%2e%2fetc%2fpasswd'],
  ['a template expression', '{{7*7}}${7*7}'],
  ['a very long string', 'A'.repeat(20_000)],
  ['a NUL character', 'nul\u0000byte'],
  ['control characters and an ANSI escape', 'bell\u0007\u001b[31mred'],
  ['a CRLF header injection', 'x\r\nSet-Cookie: stolen=1'],
  ['a bidi override', 'evil\u202Etxt.exe'],
  ['a lone surrogate', 'half\uD800'],
  ['emoji', 'Zoë 🎥 👩🏽‍💻'],
  ['an empty string', ''],
  ['whitespace only', ' \t '],
];

/** Non-string values sent where a string belongs, including NoSQL operators. */
const HOSTILE_VALUES: Array<[string, unknown]> = [
  ['a NoSQL $gt operator', { $gt: '' }],
  ['a NoSQL $ne operator', { $ne: null }],
  ['a number', 12345],
  ['a boolean', true],
  ['an array', ['a', 'b']],
  ['null', null],
];

describe('bad input', () => {
  let server: RunningServer;
  let ctx: Context;

  beforeAll(async () => {
    server = await startTestServer({ HTTP_BODY_LIMIT: '64kb' });
    const user = await registerUser(server, { password: "' OR 1=1 -- is my password" });
    const room = await api<RoomDetails>(server, 'POST', '/api/rooms', {
      json: { name: 'Bad input', visibility: 'public' },
      token: user.accessToken,
    });
    const member = await registerUser(server);
    const invite = await api<RoomInvite>(server, 'POST', `/api/rooms/${room.body.id}/invites`, {
      json: {},
      token: user.accessToken,
    });
    expect(
      (
        await api(server, 'POST', `/api/invites/${invite.body.code}/accept`, {
          token: member.accessToken,
        })
      ).status,
    ).toBe(200);
    ctx = {
      user,
      key: await createApiKey(server, user.accessToken),
      room: room.body,
      memberId: member.user.id,
    };
  });
  afterAll(() => server.close());

  const send = (
    ep: BodyEndpoint,
    options: { json?: unknown; raw?: string; headers?: Record<string, string> },
  ) =>
    api(server, ep.method, pathOf(ep, ctx), {
      ...options,
      headers: { ...ep.headers(ctx), ...options.headers },
    });
  const sendRaw = (ep: BodyEndpoint, raw: string, contentType = 'application/json') =>
    send(ep, { raw, headers: { 'content-type': contentType } });

  describe.each(ENDPOINTS)('$name', (ep) => {
    it.each([
      ['an unterminated object', '{"a":'],
      ['single quotes', "{'a': 1}"],
      ['a trailing comma', '{"a": 1,}'],
      ['a bare word', 'undefined'],
      ['a JavaScript object literal', '{a: 1}'],
    ])('answers 400 invalid_json for %s', async (_what, raw) => {
      expectError(await sendRaw(ep, raw), 400, 'invalid_json');
    });

    it.each([
      ['null', 'null', 'null'],
      ['a string', '"text"', 'a string'],
      ['a number', '42', 'a number'],
      ['a boolean', 'true', 'a boolean'],
      ['an empty array', '[]', 'an array'],
    ])(
      'answers 400 validation_failed, not invalid_json, for %s as the whole body: valid JSON of the wrong shape',
      async (_what, raw, got) => {
        const error = expectError(await sendRaw(ep, raw), 400, 'validation_failed');
        expect(error.message).toBe(`Request body must be a JSON object; got ${got}.`);
        expect(error.details?.issues).toEqual([
          { path: '', message: `Expected a JSON object; got ${got}.` },
        ]);
      },
    );

    it('answers 400 validation_failed for a JSON array, even of a valid body', async () => {
      const error = expectError(
        await sendRaw(ep, JSON.stringify([ep.valid(ctx)])),
        400,
        'validation_failed',
      );
      expect(error.details?.issues).toEqual([{ path: '', message: expect.any(String) as unknown }]);
      expectError(await sendRaw(ep, '[]'), 400, 'validation_failed');
    });

    it('reads an empty body, or none, as {}', async () => {
      for (const res of [await sendRaw(ep, ''), await send(ep, {})]) {
        if (ep.emptyIsValid) {
          expectValid(ep, res.status);
        } else {
          const error = expectError(res, 400, 'validation_failed');
          expect(error.message).not.toContain('must be a JSON object');
        }
      }
    });

    it('answers 400 validation_failed naming every missing required field', async () => {
      if (ep.emptyIsValid) {
        expectValid(ep, (await send(ep, { json: {} })).status);
      } else {
        const error = expectError(await send(ep, { json: {} }), 400, 'validation_failed');
        const paths = error.details!.issues!.map((i) => i.path);
        const topLevel = ep.required.filter((f) => !f.includes('.'));
        expect(paths.sort()).toEqual(topLevel.length ? topLevel.sort() : ['']);
      }
      for (const field of ep.required) {
        const missing = expectError(
          await send(ep, { json: withValue(ep.valid(ctx), field, REMOVE) }),
          400,
          'validation_failed',
        );
        expect(missing.details?.issues?.map((i) => i.path)).toEqual([field]);
        expect(missing.message).toContain(field);
      }
    });

    it.each(HOSTILE_VALUES)(
      'answers 400 validation_failed naming the field when a string field gets %s',
      async (_what, value) => {
        for (const field of ep.strings) {
          // null clears a profile's avatar or a room's password: it is legal there.
          if (value === null && ep.nullable?.includes(field)) continue;
          const res = await send(ep, { json: withValue(ep.valid(ctx), field, value) });
          const error = expectError(res, 400, 'validation_failed');
          expect(error.details?.issues?.map((i) => i.path)).toContain(field);
        }
      },
    );

    it('answers 400 validation_failed naming each unknown field, __proto__ included', async () => {
      const body = { ...ep.valid(ctx), isAdmin: true, role: 'owner' };
      const error = expectError(await send(ep, { json: body }), 400, 'validation_failed');
      expect(error.details?.issues?.map((i) => i.path).sort()).toEqual(['isAdmin', 'role']);

      const proto = JSON.stringify(ep.valid(ctx)).replace(/^\{/, '{"__proto__":{"isAdmin":true},');
      const protoError = expectError(await sendRaw(ep, proto), 400, 'validation_failed');
      expect(protoError.details?.issues?.map((i) => i.path)).toEqual(['__proto__']);
    });

    it('lists at most 20 problems, however many unknown fields the body has', async () => {
      const extra = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`extra${i}`, i]));
      const error = expectError(
        await send(ep, { json: { ...ep.valid(ctx), ...extra } }),
        400,
        'validation_failed',
      );
      expect(error.details?.issues).toHaveLength(21);
      expect(error.details?.issues?.at(-1)?.message).toContain('480 more');
    });

    it('answers 413 payload_too_large for a body over HTTP_BODY_LIMIT, and not for one under it', async () => {
      const field = ep.strings[0] ?? 'padding';
      const big = withValue(ep.valid(ctx), field, 'x'.repeat(200 * 1024));
      expectError(await send(ep, { json: big }), 413, 'payload_too_large');

      const under = withValue(ep.valid(ctx), field, 'x'.repeat(BODY_LIMIT_BYTES - 1024));
      const res = await send(ep, { json: under });
      expect(res.status).not.toBe(413);
      expectNoServerFailure(res);
    });

    it.each([
      ['text/plain', 'text/plain'],
      ['a form', 'application/x-www-form-urlencoded'],
      ['multipart', 'multipart/form-data; boundary=x'],
      ['XML', 'application/xml'],
    ])('answers 415 unsupported_media_type for a %s body', async (_what, contentType) => {
      const res = await sendRaw(ep, JSON.stringify(ep.valid(ctx)), contentType);
      expectError(res, 415, 'unsupported_media_type');
    });

    it('answers 415 for a body without a content type', async () => {
      const res = await fetch(`${server.url}${pathOf(ep, ctx)}`, {
        method: ep.method,
        headers: ep.headers(ctx),
        body: new TextEncoder().encode(JSON.stringify(ep.valid(ctx))),
      });
      expect(res.status).toBe(415);
      expect(await res.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
    });

    it('answers 415 for a charset it cannot read, and 400 invalid_json for a body that does not decompress', async () => {
      const body = JSON.stringify(ep.valid(ctx));
      expectError(
        await sendRaw(ep, body, 'application/json; charset=x-unknown'),
        415,
        'unsupported_media_type',
      );
      for (const encoding of ['gzip', 'deflate', 'br']) {
        const res = await send(ep, {
          raw: body,
          headers: { 'content-type': 'application/json', 'content-encoding': encoding },
        });
        expectError(res, 400, 'invalid_json');
      }
    });

    it.each(HOSTILE_STRINGS)(
      'never fails with a 5xx or a stack trace when a string field holds %s',
      async (_what, value) => {
        for (const field of ep.strings) {
          expectNoServerFailure(await send(ep, { json: withValue(ep.valid(ctx), field, value) }));
        }
      },
    );
  });

  it('covers every operation that reads a JSON body, as OpenAPI lists them', async () => {
    const doc = await api<{ paths: Record<string, Record<string, { requestBody?: unknown }>> }>(
      server,
      'GET',
      '/api/docs/openapi.json',
    );
    const withBody = Object.entries(doc.body.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.requestBody !== undefined)
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(withBody.sort()).toEqual(ENDPOINTS.map((ep) => `${ep.method} ${ep.path}`).sort());
  });

  it('POST /api/join-tokens names an unknown field inside grants by its dotted path', async () => {
    const res = await api(server, 'POST', '/api/join-tokens', {
      json: { identity: 'g', name: 'G', grants: { room: 'r', isAdmin: true } },
      headers: basicAuth(ctx.key.id, ctx.key.secret),
    });
    const error = expectError(res, 400, 'validation_failed');
    expect(error.details?.issues).toEqual([{ path: 'grants.isAdmin', message: 'Unknown field.' }]);
  });

  it('a gzip-compressed JSON body is accepted', async () => {
    const res = await fetch(`${server.url}/api/users/me`, {
      method: 'PATCH',
      headers: {
        ...bearer(ctx),
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      },
      body: gzipSync(JSON.stringify({ displayName: 'Zipped' })),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as UserProfile).displayName).toBe('Zipped');
  });

  it('markup, quotes and emoji come back byte for byte where they are legal', async () => {
    const markup = '<script>alert("x")</script>';
    const registered = await api<AuthSession>(server, 'POST', '/api/auth/register', {
      json: { email: uniqueEmail('markup'), password: "' OR 1=1 --", displayName: markup },
    });
    expect(registered.status).toBe(201);
    expect(registered.body.user.displayName).toBe(markup);
    const me = await api<UserProfile>(server, 'GET', '/api/users/me', {
      token: registered.body.accessToken,
    });
    expect(me.body.displayName).toBe(markup);

    const key = await api<CreatedApiKey>(server, 'POST', '/api/api-keys', {
      json: { name: "O'Brien <b>🎥</b>" },
      token: registered.body.accessToken,
    });
    expect(key.status).toBe(201);
    expect(key.body.name).toBe("O'Brien <b>🎥</b>");

    const token = await api<CreatedJoinToken>(server, 'POST', '/api/join-tokens', {
      json: { identity: '../../etc/passwd', name: markup, grants: { room: 'a.b:c-d_e' } },
      headers: basicAuth(key.body.id, key.body.secret),
    });
    expect(token.status).toBe(201);
    expect(decodeJwt(token.body.token)).toMatchObject({ sub: '../../etc/passwd', name: markup });
  });

  it('a password that looks like SQL is just a password', async () => {
    const ok = await api(server, 'POST', '/api/auth/login', {
      json: { email: ctx.user.user.email, password: "' OR 1=1 -- is my password" },
    });
    expect(ok.status).toBe(200);
    expectError(
      await api(server, 'POST', '/api/auth/login', {
        json: { email: ctx.user.user.email, password: "' OR 1=1 --" },
      }),
      401,
      'invalid_credentials',
    );
  });

  describe('DELETE /api/api-keys/:id', () => {
    it.each([
      ['SQL injection', "'%20OR%201=1%20--"],
      ['an encoded path traversal', '..%2F..%2Fetc%2Fpasswd'],
      ['a NUL byte', 'mk_%00'],
      ['a script tag', '%3Cscript%3Ealert(1)%3C%2Fscript%3E'],
      ['emoji', '%F0%9F%8E%A5'],
      ['a very long id', 'k'.repeat(4000)],
      ['a wildcard', '%25'],
    ])('answers 404 not_found for an id holding %s, and revokes nothing', async (_what, id) => {
      const res = await api(server, 'DELETE', `/api/api-keys/${id}`, {
        token: ctx.user.accessToken,
      });
      expectError(res, 404, 'not_found');
    });

    it.each([
      ['a truncated escape', '%E0%A4%A'],
      ['a lone percent sign', '%'],
    ])('answers 4xx, not 5xx, for an id with %s', async (_what, id) => {
      const res = await api(server, 'DELETE', `/api/api-keys/${id}`, {
        token: ctx.user.accessToken,
      });
      expectNoServerFailure(res);
      expect(res.status).toBeGreaterThanOrEqual(400);
    });

    it('none of those ids revoked the caller’s real key', async () => {
      const keys = await api<Array<{ id: string; revokedAt: string | null }>>(
        server,
        'GET',
        '/api/api-keys',
        { token: ctx.user.accessToken },
      );
      expect(keys.body.find((k) => k.id === ctx.key.id)?.revokedAt).toBeNull();
    });
  });
});
