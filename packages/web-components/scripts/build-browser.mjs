// The self-contained browser modules, for a plain `<script type="module">` with no bundler:
// `dist/browser/minimeet-<name>.js` registers one element, `minimeet-elements.js` registers them
// all, and `minimeet-sdk.js` is the SDK itself. Lit and the SDK are inside, minified. Code shared
// by several entries is split into `chunks/`, so a page that loads two entries (or an entry and
// the SDK) runs one Lit and one SDK, and an element gets the very `MinimeetClient` class the page
// uses. Chunk names carry a content hash and can be cached for ever.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { findElements, packageRoot } from './elements.mjs';

/** Where the browser modules go. */
export const browserDir = join(packageRoot, 'dist', 'browser');

/** esbuild options of the self-contained modules, shared with the size check. */
export const browserOptions = {
  bundle: true,
  format: 'esm',
  minify: true,
  target: 'es2022',
  platform: 'browser',
  legalComments: 'none',
  absWorkingDir: packageRoot,
  define: { 'process.env.NODE_ENV': '"production"' },
};

// `minimeet-sdk.js` re-exports the SDK; esbuild's entry points are files, so it comes from here.
const sdkEntry = {
  name: 'minimeet-sdk-entry',
  setup(build) {
    build.onResolve({ filter: /^minimeet:sdk$/ }, () => ({ path: 'sdk', namespace: 'minimeet' }));
    build.onLoad({ filter: /.*/, namespace: 'minimeet' }, () => ({
      contents: "export * from '@minimeet/sdk';",
      resolveDir: packageRoot,
      loader: 'js',
    }));
  },
};

/** Builds `dist/browser/`; returns esbuild's metafile. */
export async function buildBrowser() {
  rmSync(browserDir, { recursive: true, force: true });
  const result = await esbuild.build({
    ...browserOptions,
    entryPoints: [
      { in: 'src/minimeet-elements.ts', out: 'minimeet-elements' },
      { in: 'minimeet:sdk', out: 'minimeet-sdk' },
      ...findElements().map((element) => ({ in: element.registration, out: element.tag })),
    ],
    outdir: browserDir,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: true,
    metafile: true,
    plugins: [sdkEntry],
    logLevel: 'warning',
  });
  return result.metafile;
}
