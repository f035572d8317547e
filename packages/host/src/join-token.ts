/**
 * Join tokens signed offline by a host app's backend with its API key secret, with no call to the
 * minimeet server. Import it from `@minimeet/host`, or use the server's `minimeet join-token` CLI.
 *
 * The secret is the seed of an Ed25519 key: the server stores only its public half and a hash,
 * so a copy of the server's database cannot mint tokens.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import type { CreateJoinTokenRequest } from '@minimeet/protocol';
import { createJoinTokenRequestSchema } from '@minimeet/protocol/schemas';

/** Prefix of API key ids. */
export const API_KEY_ID_PREFIX = 'mk_';
/** Prefix of API key secrets. */
export const API_KEY_SECRET_PREFIX = 'mks_';
/** Lifetime of a join token when none is given, in seconds. */
export const DEFAULT_JOIN_TOKEN_TTL_SECONDS = 600;

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** An API key as a host app's backend holds it. */
export interface ApiKeyCredentials {
  /** The key id (`mk_…`). */
  id: string;
  /** The secret shown once at creation (`mks_…`). */
  secret: string;
}

/** Thrown when the secret or the token request is malformed. */
export class JoinTokenError extends TypeError {
  override name = 'JoinTokenError';
}

function seedOf(secret: string): Buffer {
  if (!secret.startsWith(API_KEY_SECRET_PREFIX))
    throw new JoinTokenError(`API key secret must start with ${API_KEY_SECRET_PREFIX}.`);
  const seed = Buffer.from(secret.slice(API_KEY_SECRET_PREFIX.length), 'base64url');
  if (seed.length !== 32) throw new JoinTokenError('API key secret is malformed.');
  return seed;
}

/** The Ed25519 private key of an API key secret. */
export function privateKeyOf(secret: string): KeyObject {
  return createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seedOf(secret)]),
    format: 'der',
    type: 'pkcs8',
  });
}

/** The base64url raw Ed25519 public key that verifies tokens signed with `secret`. */
export function publicKeyOf(secret: string): string {
  const jwk = createPublicKey(privateKeyOf(secret)).export({ format: 'jwk' });
  return String(jwk.x);
}

/**
 * Signs a join token for an external user with an API key, offline. The token admits its bearer to
 * `grants.room` with the given role and permissions until it expires (default 10 minutes).
 *
 * @example
 * const token = await createJoinToken({ id: 'mk_…', secret: process.env.MINIMEET_API_SECRET },
 *   { identity: 'patient-42', name: 'Ada', grants: { room: 'visit-1001' } });
 */
export async function createJoinToken(
  key: ApiKeyCredentials,
  request: CreateJoinTokenRequest,
): Promise<string> {
  if (!key.id.startsWith(API_KEY_ID_PREFIX))
    throw new JoinTokenError(`API key id must start with ${API_KEY_ID_PREFIX}.`);
  const parsed = createJoinTokenRequestSchema.safeParse(request);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new JoinTokenError(
      `Invalid join token request: ${issue.path.join('.')}: ${issue.message}`,
    );
  }
  const {
    identity,
    name,
    avatarUrl,
    grants,
    ttlSeconds = DEFAULT_JOIN_TOKEN_TTL_SECONDS,
  } = parsed.data;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ typ: 'join', name, ...(avatarUrl ? { avatar: avatarUrl } : {}), grants })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.id, typ: 'JWT' })
    .setSubject(identity)
    .setIssuer(key.id)
    .setAudience('minimeet')
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(privateKeyOf(key.secret));
}
