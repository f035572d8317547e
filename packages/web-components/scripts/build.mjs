// `pnpm build` of @minimeet/web-components, in order: the custom-elements manifest (from the
// sources, with the Lit plugin), the React wrappers (from the manifest), the npm package (tsup:
// ESM and declarations), the self-contained browser modules (esbuild), then the size budget.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildBrowser } from './build-browser.mjs';
import { findElements, packageRoot } from './elements.mjs';
import { generateReactWrappers } from './react.mjs';

function run(bin, args) {
  const command =
    bin === 'node' ? process.execPath : join(packageRoot, 'node_modules', '.bin', bin);
  const result = spawnSync(command, args, {
    cwd: packageRoot,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error(`build: ${bin} ${args.join(' ')} failed`);
    process.exit(result.status ?? 1);
  }
}

const elements = findElements();
console.log(`build: elements ${elements.map((e) => `<${e.tag}>`).join(', ')}`);
rmSync(join(packageRoot, 'dist'), { recursive: true, force: true });

run('cem', ['analyze', '--quiet', '--config', 'custom-elements-manifest.config.mjs']);
await generateReactWrappers();
run('tsup', ['--silent']);
const metafile = await buildBrowser();
mkdirSync(join(packageRoot, '.cache'), { recursive: true });
writeFileSync(join(packageRoot, '.cache', 'browser.meta.json'), JSON.stringify(metafile));
run('node', ['scripts/size.mjs']);
