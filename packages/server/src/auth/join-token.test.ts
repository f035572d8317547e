import { createPublicKey } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import type { CreateJoinTokenRequest } from '@minimeet/protocol';
import { createApiKey, registerUser, startTestServer } from '../test/harness.js';
import { createJoinToken, JoinTokenError, publicKeyOf } from '@minimeet/host';

const KEY = {
  id: 'mk_offlineSigner0001',
  secret: `mks_${Buffer.alloc(32, 9).toString('base64url')}`,
};
const REQUEST: CreateJoinTokenRequest = {
  identity: 'patient-42',
  name: 'Ada',
  grants: { room: 'visit-1001' },
};

function verifierOf(secret: string) {
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: publicKeyOf(secret) },
    format: 'jwk',
  });
}

describe('createJoinToken (offline signer)', () => {
  it('signs an EdDSA token whose kid and issuer are the key id', async () => {
    const token = await createJoinToken(KEY, REQUEST);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', kid: KEY.id, typ: 'JWT' });
    const { payload } = await jwtVerify(token, verifierOf(KEY.secret), {
      algorithms: ['EdDSA'],
      audience: 'minimeet',
      issuer: KEY.id,
    });
    expect(payload).toMatchObject({ typ: 'join', sub: 'patient-42', name: 'Ada' });
  });

  it('fills in the default grants and a ten-minute lifetime', async () => {
    const claims = decodeJwt(await createJoinToken(KEY, REQUEST));
    expect(claims.grants).toEqual({
      room: 'visit-1001',
      role: 'member',
      canPublish: true,
      canSubscribe: true,
      canChat: true,
    });
    expect(claims.exp! - claims.iat!).toBe(600);
  });

  it('keeps explicit grants, the avatar and the ttl', async () => {
    const claims = decodeJwt(
      await createJoinToken(KEY, {
        ...REQUEST,
        avatarUrl: 'https://cdn.example.test/a.png',
        grants: { room: 'r', role: 'owner', canSubscribe: false },
        ttlSeconds: 45,
      }),
    );
    expect(claims).toMatchObject({
      avatar: 'https://cdn.example.test/a.png',
      grants: { room: 'r', role: 'owner', canPublish: true, canSubscribe: false, canChat: true },
    });
    expect(claims.exp! - claims.iat!).toBe(45);
  });

  it('a token does not verify with the public key of another secret', async () => {
    const token = await createJoinToken(KEY, REQUEST);
    const other = `mks_${Buffer.alloc(32, 10).toString('base64url')}`;
    await expect(jwtVerify(token, verifierOf(other), { algorithms: ['EdDSA'] })).rejects.toThrow();
  });

  it.each([
    ['an id without mk_', { id: 'key_1', secret: KEY.secret }, /mk_/],
    [
      'a secret without mks_',
      { id: KEY.id, secret: Buffer.alloc(32).toString('base64url') },
      /mks_/,
    ],
    ['a secret of the wrong length', { id: KEY.id, secret: 'mks_c2hvcnQ' }, /malformed/],
    ['an empty secret', { id: KEY.id, secret: '' }, /mks_/],
  ])('rejects %s with JoinTokenError', async (_what, key, message) => {
    const attempt = createJoinToken(key, REQUEST);
    await expect(attempt).rejects.toBeInstanceOf(JoinTokenError);
    await expect(attempt).rejects.toBeInstanceOf(TypeError);
    await expect(attempt).rejects.toThrow(message);
  });

  it.each([
    ['a missing room', { ...REQUEST, grants: {} }, 'grants.room'],
    ['a room with spaces', { ...REQUEST, grants: { room: 'bad room!' } }, 'grants.room'],
    ['an unknown role', { ...REQUEST, grants: { room: 'r', role: 'admin' } }, 'grants.role'],
    ['an empty identity', { ...REQUEST, identity: '' }, 'identity'],
    ['a control character in the name', { ...REQUEST, name: 'A\u0000' }, 'name'],
    ['a ttl below 30 s', { ...REQUEST, ttlSeconds: 29 }, 'ttlSeconds'],
    ['a ttl above a day', { ...REQUEST, ttlSeconds: 86_401 }, 'ttlSeconds'],
    ['a fractional ttl', { ...REQUEST, ttlSeconds: 60.5 }, 'ttlSeconds'],
    ['a javascript: avatar', { ...REQUEST, avatarUrl: 'javascript:alert(1)' }, 'avatarUrl'],
  ])(
    'rejects a request with %s with JoinTokenError naming the field',
    async (_what, request, path) => {
      const attempt = createJoinToken(KEY, request as CreateJoinTokenRequest);
      await expect(attempt).rejects.toBeInstanceOf(JoinTokenError);
      await expect(attempt).rejects.toThrow(`Invalid join token request: ${path}:`);
    },
  );

  it('rejects unknown request fields with JoinTokenError', async () => {
    const request = { ...REQUEST, admin: true } as CreateJoinTokenRequest;
    await expect(createJoinToken(KEY, request)).rejects.toBeInstanceOf(JoinTokenError);
  });

  it('publicKeyOf(secret) is the public key the server stored for that API key', async () => {
    const server = await startTestServer();
    try {
      const user = await registerUser(server);
      const key = await createApiKey(server, user.accessToken);
      const rows = await server.app
        .get(DataSource)
        .query<Array<{ public_key: string }>>('SELECT public_key FROM api_keys WHERE id = ?', [
          key.id,
        ]);
      expect(rows).toHaveLength(1);
      expect(publicKeyOf(key.secret)).toBe(rows[0].public_key);
      expect(publicKeyOf(key.secret)).not.toBe(publicKeyOf(KEY.secret));
    } finally {
      await server.close();
    }
  });
});
