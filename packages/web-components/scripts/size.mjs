// The element pack's size budget: every element, minified and gzipped, on top of the SDK (that is,
// with `@minimeet/sdk` left out, as an app that already uses the SDK would pay for it). The build
// runs this after the browser modules are written and fails when the pack grows past the budget.
// It also prints what a `<script type="module">` page downloads for each entry, SDK included.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { browserDir, browserOptions } from './build-browser.mjs';
import { packageRoot } from './elements.mjs';

/**
 * The budget for every element at once, gzipped, without the SDK. It is set for the whole set of
 * issue 13 (room, pre-join, grid, tile, control bar, device select, chat, participant list,
 * presence badge, their foundation). Measured on 2026-12-07: 7.8 KiB with the connection status
 * alone; 37.4 KiB once chat, participant list, presence badge and the foundation (i18n, icons,
 * toasts, contexts) were merged in, before the room and its parts; 56.9 KiB with all of issue 13.
 * Raised for issue 16's host controls (the action menu and its confirmation dialog, the room's
 * controls, the lobby queue and waiting screen, raised hands, the moderation messages in three
 * languages): 67.7 KiB on 2026-12-07.
 */
export const BUDGET_BYTES = 70 * 1024;

const SDK_BUNDLE = fileURLToPath(
  new URL('../../sdk/dist/minimeet-sdk.browser.js', import.meta.url),
);

const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Bundles the all-in-one entry in memory and returns its gzipped size. */
async function packSize(external) {
  const result = await esbuild.build({
    ...browserOptions,
    entryPoints: ['src/minimeet-elements.ts'],
    external,
    write: false,
  });
  return gzip(result.outputFiles[0].contents);
}

/** The gzipped bytes a page fetches for one browser entry: the entry and every chunk it imports. */
function entryDownload(metafile, entry) {
  const seen = new Set();
  const visit = (output) => {
    if (seen.has(output)) return;
    seen.add(output);
    for (const imported of metafile.outputs[output]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
    }
  };
  visit(entry);
  let total = 0;
  for (const output of seen) total += gzip(readFileSync(join(packageRoot, output)));
  return { files: seen.size, gzipped: total };
}

/** Measures the pack; returns the figures and whether the budget holds. */
export async function measure() {
  const pack = await packSize(['@minimeet/sdk']);
  const selfContained = await packSize([]);
  const sdk = existsSync(SDK_BUNDLE) ? gzip(readFileSync(SDK_BUNDLE)) : undefined;
  const metaFile = join(packageRoot, '.cache', 'browser.meta.json');
  const entries = [];
  if (existsSync(metaFile)) {
    const metafile = JSON.parse(readFileSync(metaFile, 'utf8'));
    for (const [output, info] of Object.entries(metafile.outputs)) {
      if (!info.entryPoint || !output.endsWith('.js')) continue;
      entries.push({
        file: relative(browserDir, join(packageRoot, output)),
        ...entryDownload(metafile, output),
      });
    }
  }
  return { pack, selfContained, sdk, entries, budget: BUDGET_BYTES };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figures = await measure();
  const lines = [
    `size: every element on top of the SDK: ${kib(figures.pack)} gzipped (budget ${kib(BUDGET_BYTES)})`,
    `size: every element with Lit and the SDK: ${kib(figures.selfContained)} gzipped` +
      (figures.sdk ? ` (the SDK alone: ${kib(figures.sdk)})` : ''),
    ...figures.entries.map(
      (e) => `size:   /elements/${e.file}: ${kib(e.gzipped)} gzipped in ${e.files} file(s)`,
    ),
  ];
  console.log(lines.join('\n'));
  if (figures.pack > BUDGET_BYTES) {
    console.error(`size: over budget by ${figures.pack - BUDGET_BYTES} bytes.`);
    process.exit(1);
  }
}
