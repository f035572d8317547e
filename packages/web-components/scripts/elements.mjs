// The build finds the elements by the package's file convention rather than by a list, so that an
// element is packaged as soon as its folder exists: `src/<name>/<name>.component.ts` holds the
// class and `src/<name>/<name>.ts` registers `<minimeet-<name>>`.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's root folder. */
export const packageRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * @typedef {object} ElementEntry
 * @property {string} name The folder name, e.g. `connection-status`.
 * @property {string} tag The tag it registers, e.g. `minimeet-connection-status`.
 * @property {string} registration The registration module, relative to the package root.
 * @property {string} component The class module, relative to the package root.
 */

/**
 * Every element of the package, sorted by name.
 * @returns {ElementEntry[]}
 */
export function findElements(root = packageRoot) {
  const src = join(root, 'src');
  return readdirSync(src, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .filter(
      (name) =>
        existsSync(join(src, name, `${name}.ts`)) &&
        existsSync(join(src, name, `${name}.component.ts`)),
    )
    .sort()
    .map((name) => ({
      name,
      tag: `minimeet-${name}`,
      registration: `src/${name}/${name}.ts`,
      component: `src/${name}/${name}.component.ts`,
    }));
}
