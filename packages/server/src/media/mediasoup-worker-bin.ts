import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { SfuConfig } from '../config/config.js';

const require = createRequire(import.meta.url);

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Where the worker binary was found, or why none was. */
export type WorkerBinLookup = { found: true; path: string } | { found: false; reason: string };

/**
 * Finds the mediasoup worker the way `scripts/mediasoup-worker.mjs` places it: `MEDIASOUP_WORKER_BIN`,
 * else the cache (`<cache>/<version>-<platform>-<arch>/mediasoup-worker`), else the worker
 * mediasoup's own install left in its package.
 */
export function findWorkerBin(config: SfuConfig): WorkerBinLookup {
  if (config.workerBin) {
    return executable(config.workerBin)
      ? { found: true, path: config.workerBin }
      : {
          found: false,
          reason: `MEDIASOUP_WORKER_BIN (${config.workerBin}) is not an executable file`,
        };
  }
  let pkgDir: string;
  let version: string;
  try {
    const file = require.resolve('mediasoup/package.json');
    pkgDir = dirname(file);
    version = (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return { found: false, reason: 'the mediasoup package is not installed' };
  }
  const cached = join(
    config.workerCacheDir,
    `${version}-${process.platform}-${process.arch}`,
    'mediasoup-worker',
  );
  if (executable(cached)) return { found: true, path: cached };
  const bundled = join(pkgDir, 'worker', 'out', 'Release', 'mediasoup-worker');
  if (executable(bundled)) return { found: true, path: bundled };
  return {
    found: false,
    reason: `no mediasoup ${version} worker was found (looked in ${cached} and ${bundled}); build it with \`node scripts/mediasoup-worker.mjs\` or set MEDIASOUP_WORKER_BIN`,
  };
}
