// The SDK's size budget: the browser bundle, minified and gzipped, must stay under BUDGET_BYTES.
// Rooms and mesh media (participants, tracks, perfect negotiation) took it past 24 KiB; chat (with
// exactly-once sending and gap filling), search and presence took it past 32 KiB, to 34.6 KiB;
// call quality (getStats sampling, E-model and video scoring with hysteresis, batched reports)
// took it past 36 KiB, to 38.7 KiB.
// Reconnecting within a call (network events, the ping, ICE restarts and key frames after a drop)
// and the ICE-server fetch for the pre-join check took it to 40.1 KiB: the budget is 42 KiB.
// Run after the build (`pnpm build` does); CI fails when the bundle grows past the budget.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 42 * 1024;
const bundle = fileURLToPath(new URL('../dist/minimeet-sdk.browser.js', import.meta.url));

let source;
try {
  source = readFileSync(bundle);
} catch {
  console.error(`size: ${bundle} is missing; run the build first.`);
  process.exit(1);
}
const gzipped = gzipSync(source, { level: 9 }).length;
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const line = `size: minimeet-sdk.browser.js is ${kib(source.length)} minified, ${kib(gzipped)} gzipped (budget ${kib(BUDGET_BYTES)})`;
if (gzipped > BUDGET_BYTES) {
  console.error(`${line}: over budget by ${gzipped - BUDGET_BYTES} bytes.`);
  process.exit(1);
}
console.log(`${line}.`);
