import type { BrowserFamily, ClientInfo, OsFamily } from '@minimeet/protocol';
import { SDK_NAME } from '../version.js';

// Most specific first: Edge and Opera say "Chrome" too, Chrome says "Safari".
const BROWSERS: readonly [BrowserFamily, RegExp][] = [
  ['edge', /\bEdg(?:e|A|iOS)?\/(\d+)/],
  ['opera', /\b(?:OPR|Opera)\/(\d+)/],
  ['firefox', /\b(?:Firefox|FxiOS)\/(\d+)/],
  ['chrome', /\b(?:HeadlessChrome|Chrome|Chromium|CriOS)\/(\d+)/],
  ['safari', /\bVersion\/(\d+).*\bSafari\//],
];

const SYSTEMS: readonly [OsFamily, RegExp][] = [
  ['android', /\bAndroid\b/],
  ['ios', /\b(?:iPhone|iPad|iPod)\b/],
  ['chromeos', /\bCrOS\b/],
  ['windows', /\bWindows\b/],
  ['macos', /\bMac OS X\b|\bMacintosh\b/],
  ['linux', /\bLinux\b/],
];

/**
 * What the SDK tells the server about the client for call analytics: its own name and version,
 * and the browser and OS families with the browser's major version, read from `userAgent`. The
 * user agent string itself never leaves the page.
 */
export function clientInfo(userAgent = globalThis.navigator?.userAgent ?? ''): ClientInfo {
  const info: ClientInfo = { sdk: SDK_NAME };
  if (!userAgent) return info;
  const browser = BROWSERS.find(([, pattern]) => pattern.test(userAgent));
  info.browser = browser?.[0] ?? 'other';
  const major = browser ? Number(browser[1].exec(userAgent)?.[1]) : Number.NaN;
  if (Number.isInteger(major) && major >= 0 && major <= 10_000) info.browserVersion = major;
  info.os = SYSTEMS.find(([, pattern]) => pattern.test(userAgent))?.[0] ?? 'other';
  return info;
}
