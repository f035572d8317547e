import { describe, expect, it } from 'vitest';
import { SDK_NAME } from '../version.js';
import { clientInfo } from './clientInfo.js';

describe('clientInfo', () => {
  it.each([
    [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36',
      { browser: 'chrome', browserVersion: 156, os: 'linux' },
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86',
      { browser: 'edge', browserVersion: 131, os: 'windows' },
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:133.0) Gecko/20100101 Firefox/133.0',
      { browser: 'firefox', browserVersion: 133, os: 'macos' },
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
      { browser: 'safari', browserVersion: 18, os: 'ios' },
    ],
    [
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
      { browser: 'chrome', browserVersion: 131, os: 'android' },
    ],
    ['SomethingElse/1.0', { browser: 'other', os: 'other' }],
  ])('%s', (userAgent, expected) => {
    expect(clientInfo(userAgent)).toEqual({ sdk: SDK_NAME, ...expected });
  });

  it('says only the SDK when there is no user agent', () => {
    expect(clientInfo('')).toEqual({ sdk: SDK_NAME });
  });
});
