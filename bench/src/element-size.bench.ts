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

/**
 * Bundles `source` as an app would, resolving packages from `dir`, with code splitting: the
 * gzipped and raw sizes of what a page loads up front (the entry and the chunks it imports
 * statically), and the gzipped size of what it may fetch later through dynamic imports (such as
 * minimeet's SFU module, loaded only when a call runs on the SFU).
 */
async function measure(source: string, dir: string, external: string[]) {
  const entry = join(dir, `.size-probe-${process.pid}.js`);
  writeFileSync(entry, source);
  try {
    const result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      splitting: true,
      outdir: join(dir, '.size-probe-out'),
      metafile: true,
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
    const outputs = result.metafile.outputs;
    const files = new Map(result.outputFiles.map((file) => [file.path, file.contents]));
    const relative = (path: string) => join(process.cwd(), path);
    const entryOut = Object.keys(outputs).find((path) => outputs[path]?.entryPoint !== undefined);
    if (!entryOut) throw new Error('esbuild produced no entry output');
    const eager = new Set<string>();
    const visit = (path: string) => {
      if (eager.has(path)) return;
      eager.add(path);
      for (const imported of outputs[path]?.imports ?? []) {
        if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
      }
    };
    visit(entryOut);
    let raw = 0;
    let gzipped = 0;
    let lazy = 0;
    for (const path of Object.keys(outputs)) {
      const code = files.get(relative(path));
      if (!code || path.endsWith('.map')) continue;
      const size = gzipSync(code, { level: 9 }).length;
      if (eager.has(path)) {
        raw += code.length;
        gzipped += size;
      } else {
        lazy += size;
      }
    }
    return { raw, gzipped, lazy };
  } finally {
    rmSync(entry, { force: true });
  }
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
        'loaded later': size.lazy > 0 ? kib(size.lazy) : '-',
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
