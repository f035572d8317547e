/**
 * What a page downloads for a drop-in call UI: minimeet's element pack beside what a user would
 * otherwise load, measured in the same run and the same way. Each alternative is installed from
 * the registry into a temporary folder (`npm install --ignore-scripts`, so nothing runs), then
 * every candidate is bundled by the same esbuild (ESM, minified, browser, production) and gzipped
 * at level 9. React and react-dom stay out of every bundle: an app that uses LiveKit's components
 * already has them. CSS is not counted for anyone (minimeet's styles are inside its modules).
 *
 * Needs the registry (the only network this bench uses) and the workspace build (`npm run bench`
 * builds first).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { printTable } from './stats.js';

const ELEMENTS = fileURLToPath(new URL('../../packages/web-components/', import.meta.url));

interface Candidate {
  name: string;
  /** Packages to install (none for minimeet, which comes from the workspace). */
  install: string[];
  /** The entry's source: what an app imports to put the call UI on a page. */
  entry: string;
  /** What runs in the page beyond the bundle. */
  note: string;
}

const CANDIDATES: Candidate[] = [
  {
    name: 'minimeet: every element, Lit and the SDK',
    install: [],
    entry: `import '@minimeet/web-components/minimeet-elements.js';`,
    note: 'the whole call UI, in the page',
  },
  {
    name: 'minimeet: the elements on top of the SDK',
    install: [],
    entry: `import '@minimeet/web-components/minimeet-elements.js';`,
    note: 'for an app that already uses @minimeet/sdk',
  },
  {
    name: 'minimeet: the SDK alone',
    install: [],
    entry: `export * from '@minimeet/sdk';`,
    note: 'headless, no UI',
  },
  {
    name: 'LiveKit: @livekit/components-react + livekit-client',
    install: ['@livekit/components-react', 'livekit-client', 'react', 'react-dom'],
    entry: `export { LiveKitRoom, VideoConference } from '@livekit/components-react';`,
    note: 'prebuilt VideoConference; React not counted; its CSS not counted',
  },
  {
    name: "Daily: @daily-co/daily-js (Daily Prebuilt's embed)",
    install: ['@daily-co/daily-js'],
    entry: `import Daily from '@daily-co/daily-js'; export default Daily;`,
    note: "the call UI runs in an iframe loaded from Daily's service",
  },
  {
    name: 'Whereby: @whereby.com/browser-sdk/embed',
    install: ['@whereby.com/browser-sdk'],
    entry: `import '@whereby.com/browser-sdk/embed';`,
    note: "<whereby-embed>: an iframe loaded from Whereby's service",
  },
];

/** Bundles `source` as an app would, resolving packages from `dir`; the gzipped and raw sizes. */
async function measure(source: string, dir: string, external: string[]) {
  const result = await esbuild.build({
    stdin: { contents: source, resolveDir: dir, loader: 'js' },
    bundle: true,
    format: 'esm',
    minify: true,
    target: 'es2022',
    platform: 'browser',
    legalComments: 'none',
    write: false,
    logLevel: 'error',
    external: ['react', 'react-dom', 'react/jsx-runtime', ...external],
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
  });
  const code = result.outputFiles[0].contents;
  return { raw: code.length, gzipped: gzipSync(code, { level: 9 }).length };
}

/** Installs `packages` into a new temporary folder; the installed versions by name. */
function install(packages: string[], dir: string): Record<string, string> {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'size-probe', private: true }));
  execFileSync(
    'npm',
    ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', ...packages],
    { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const versions: Record<string, string> = {};
  for (const name of packages) {
    const manifest = join(dir, 'node_modules', name, 'package.json');
    versions[name] = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  }
  return versions;
}

export async function elementSizeBench(): Promise<void> {
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  const rows: Record<string, string>[] = [];
  for (const candidate of CANDIDATES) {
    let dir = ELEMENTS;
    let versions = '(this workspace)';
    const temp = candidate.install.length > 0 ? mkdtempSync(join(tmpdir(), 'size-')) : undefined;
    try {
      if (temp) {
        dir = temp;
        const installed = install(candidate.install, temp);
        versions = Object.entries(installed)
          .filter(([name]) => name !== 'react' && name !== 'react-dom')
          .map(([name, version]) => `${name}@${version}`)
          .join(', ');
      }
      const external = candidate.name.includes('on top of the SDK') ? ['@minimeet/sdk'] : [];
      const size = await measure(candidate.entry, dir, external);
      rows.push({
        candidate: candidate.name,
        gzipped: kib(size.gzipped),
        minified: kib(size.raw),
        versions,
        note: candidate.note,
      });
    } finally {
      if (temp) rmSync(temp, { recursive: true, force: true });
    }
  }
  printTable('Element pack size, gzipped (same esbuild, same gzip)', rows);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await elementSizeBench();
}
