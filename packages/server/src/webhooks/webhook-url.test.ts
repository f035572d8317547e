import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { isPrivateAddress, refusedUrl } from './webhook-url.js';

describe('webhook URL safety', () => {
  it('isPrivateAddress() tells loopback, private, link-local and mapped addresses from public ones', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '0.0.0.0',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
    ])
      expect([a, isPrivateAddress(a)]).toEqual([a, true]);
    for (const a of ['93.184.216.34', '1.1.1.1', '2606:4700:4700::1111'])
      expect([a, isPrivateAddress(a)]).toEqual([a, false]);
  });

  it('refusedUrl() refuses a URL on a private address and says why', async () => {
    expect(await refusedUrl('http://127.0.0.1:8080/hook')).toMatch(/WEBHOOK_ALLOW_PRIVATE_URLS/);
    expect(await refusedUrl('http://[::1]/hook')).toMatch(/private/);
    expect(await refusedUrl('https://93.184.216.34/hook')).toBeNull();
  });

  it('private URLs are refused by default in production and allowed elsewhere', () => {
    const production = {
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(40),
      DATABASE_URL: 'sqlite::memory:',
    };
    expect(loadConfig(production).webhooks.allowPrivateUrls).toBe(false);
    expect(
      loadConfig({ ...production, WEBHOOK_ALLOW_PRIVATE_URLS: 'true' }).webhooks.allowPrivateUrls,
    ).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).webhooks.allowPrivateUrls).toBe(true);
  });
});
