import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoturn, turnAllocate, type RunningCoturn } from '../test/coturn.js';
import { turnCredentials } from './ice-servers.js';

describe('TURN REST credentials', () => {
  it('name the expiry and the participant, and sign the name with the shared secret', () => {
    const { username, credential } = turnCredentials(
      's3cret-s3cret-s3cret',
      'pa_abc',
      60,
      1_000_000,
    );
    expect(username).toBe('1060:pa_abc');
    expect(credential).toBe(
      createHmac('sha1', 's3cret-s3cret-s3cret').update('1060:pa_abc').digest('base64'),
    );
  });
});

describe('TURN REST credentials against a real coturn', () => {
  let coturn: RunningCoturn;

  beforeAll(async () => {
    coturn = await startCoturn();
  });

  afterAll(() => coturn?.stop());

  it('coturn grants a relay allocation to credentials minted with its secret', async () => {
    const { username, credential } = turnCredentials(coturn.secret, 'pa_relay-test', 600);
    expect(await turnAllocate(coturn.port, username, credential)).toEqual({ ok: true });
  });

  it('coturn refuses credentials minted with another secret, and expired ones', async () => {
    const wrong = turnCredentials('not-the-shared-secret-at-all', 'pa_relay-test', 600);
    expect(await turnAllocate(coturn.port, wrong.username, wrong.credential)).toMatchObject({
      ok: false,
      code: 401,
    });
    const expired = turnCredentials(coturn.secret, 'pa_relay-test', -60);
    expect(await turnAllocate(coturn.port, expired.username, expired.credential)).toMatchObject({
      ok: false,
      code: 401,
    });
  });
});
