// The SDK's size budget: what a page downloads for a mesh call (the browser bundle, and any module
// it imports statically), minified and gzipped, must stay under BUDGET_BYTES.
// Rooms and mesh media (participants, tracks, perfect negotiation) took it past 24 KiB; chat (with
// exactly-once sending and gap filling), search and presence took it past 32 KiB, to 34.6 KiB;
// call quality (getStats sampling, E-model and video scoring with hysteresis, batched reports)
// took it past 36 KiB, to 38.7 KiB.
// Reconnecting within a call (network events, the ping, ICE restarts and key frames after a drop)
// and the ICE-server fetch for the pre-join check took it to 40.1 KiB: the budget is 42 KiB.
// The SFU (its transport, mediasoup-client, the move between topologies) is a module of its own,
// minimeet-sdk-sfu.browser.js, fetched by a dynamic import only when a call runs on the SFU; it is
// reported, not budgeted. What stays in the bundle for it (loading it, a remote track taking new
// media) took the bundle to 41.3 KiB. Moderation (room.moderation, waiting in a lobby, following a
// host's mute and grants) took it to 43.1 KiB: the budget is 45 KiB.
// Run after the build (`pnpm build` does); CI fails when the bundle grows past the budget.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 45 * 1024;
const bundle = fileURLToPath(new URL('../dist/minimeet-sdk.browser.js', import.meta.url));

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const gzip = (file) => gzipSync(readFileSync(file), { level: 9 }).length;

// The files a module pulls in: `import … from "./x.js"` statically, `import("./x.js")` lazily.
function imports(file) {
  const source = readFileSync(file, 'utf8');
  const at = (re) => [...source.matchAll(re)].map((m) => join(dirname(file), m[1]));
  return {
    static: at(/(?:^|[;}\s])import\s*(?:[\w${},\s*]+from\s*)?"(\.[^"]+)"/g),
    lazy: at(/import\("(\.[^"]+)"\)/g),
  };
}

function closure(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const next of imports(file).static) closure(next, seen);
  return seen;
}

let eager;
try {
  eager = closure(bundle);
} catch {
  console.error(`size: ${bundle} (or a module it imports) is missing; run the build first.`);
  process.exit(1);
}
const eagerBytes = [...eager].reduce((sum, file) => sum + gzip(file), 0);
const minified = [...eager].reduce((sum, file) => sum + readFileSync(file).length, 0);
const lazy = new Set();
for (const file of eager) for (const next of imports(file).lazy) closure(next, lazy);
for (const file of eager) lazy.delete(file);
const lazyBytes = [...lazy].reduce((sum, file) => sum + gzip(file), 0);

const line =
  `size: minimeet-sdk.browser.js (with ${eager.size - 1} module(s) it imports): ${kib(minified)} ` +
  `minified, ${kib(eagerBytes)} gzipped (budget ${kib(BUDGET_BYTES)}); loaded for the SFU only: ` +
  `${kib(lazyBytes)} gzipped in ${lazy.size} module(s)`;
if (eagerBytes > BUDGET_BYTES) {
  console.error(`${line}: over budget by ${eagerBytes - BUDGET_BYTES} bytes.`);
  process.exit(1);
}
console.log(`${line}.`);
