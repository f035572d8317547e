// `pnpm build` of @minimeet/dashboard: one self-contained module (Lit, uPlot and the SDK's auth
// client bundled, nothing from elsewhere) and the page, into dist/, which the server serves at
// /dashboard.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const result = await build({
  entryPoints: [join(root, 'src/main.ts')],
  outfile: join(dist, 'dashboard.js'),
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  loader: { '.css': 'text' },
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
  // The elements' index imports their registrations for effect; the dashboard wants only the
  // theme tokens from it, so those imports are rightly dropped.
  logOverride: { 'ignored-bare-import': 'silent' },
});
copyFileSync(join(root, 'public/index.html'), join(dist, 'index.html'));
const bytes = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes ?? 0;
console.log(`dashboard: dist/dashboard.js ${(bytes / 1024).toFixed(1)} KiB`);
