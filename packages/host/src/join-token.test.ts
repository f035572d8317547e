import { createPublicKey } from 'node:crypto';
import { decodeJwt, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { createJoinToken, JoinTokenError, publicKeyOf } from './join-token.js';

const KEY = {
  id: 'mk_hostPackageTest01',
  secret: `mks_${Buffer.alloc(32, 3).toString('base64url')}`,
};

describe('createJoinToken', () => {
  it('signs a token that the public key derived from the secret verifies', async () => {
    const token = await createJoinToken(KEY, {
      identity: 'u-1',
      name: 'Uma',
      grants: { room: 'r-1' },
    });
    const publicKey = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: publicKeyOf(KEY.secret) },
      format: 'jwk',
    });
    const { payload } = await jwtVerify(token, publicKey, {
      algorithms: ['EdDSA'],
      audience: 'minimeet',
      issuer: KEY.id,
    });
    expect(payload).toMatchObject({ typ: 'join', sub: 'u-1', name: 'Uma' });
  });

  it('applies the default grants and lifetime', async () => {
    const claims = decodeJwt(
      await createJoinToken(KEY, { identity: 'u-2', name: 'Ugo', grants: { room: 'r-2' } }),
    );
    expect(claims.grants).toEqual({
      room: 'r-2',
      role: 'member',
      canPublish: true,
      canSubscribe: true,
      canChat: true,
    });
    expect(claims.exp! - claims.iat!).toBe(600);
  });

  it('throws JoinTokenError for a malformed secret, key id or request', async () => {
    const request = { identity: 'u', name: 'U', grants: { room: 'r' } };
    await expect(createJoinToken({ id: KEY.id, secret: 'nope' }, request)).rejects.toBeInstanceOf(
      JoinTokenError,
    );
    await expect(
      createJoinToken({ id: 'bad', secret: KEY.secret }, request),
    ).rejects.toBeInstanceOf(JoinTokenError);
    await expect(
      createJoinToken(KEY, { ...request, grants: { room: 'has space' } }),
    ).rejects.toThrow(/grants\.room/);
  });
});
