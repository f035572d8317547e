// Builds the demo into dist/: one module with the demo's elements, the minimeet elements and the
// SDK bundled together from the workspace packages (so the page holds exactly one SDK), beside
// the page, its stylesheet and its icon. The server serves dist/ at `/`.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
await build({
  entryPoints: [join(root, 'src', 'main.ts')],
  outfile: join(dist, 'demo.js'),
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  // The element package's chunks import each other bare; they are declared side-effect free,
  // rightly (only the registration modules define elements), so dropping those imports is fine.
  logOverride: { 'ignored-bare-import': 'silent' },
});
for (const file of ['index.html', 'demo.css', 'favicon.svg']) {
  copyFileSync(join(root, file), join(dist, file));
}
console.log('demo: built dist/demo.js');
