import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Options } from 'tsup';
import { findElements } from './scripts/elements.mjs';

type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];

// The npm package, for bundlers: the classes from the index, one registration module per element
// (found by the file convention, see scripts/elements.mjs), every element at once, and the React
// wrappers. Lit, the SDK, React and @lit/react stay dependencies, so the app's bundler shares them.
// The self-contained browser modules are built by scripts/build-browser.mjs.
const entry: Record<string, string> = {
  index: 'src/index.ts',
  'minimeet-elements': 'src/minimeet-elements.ts',
};
for (const element of findElements()) {
  entry[`${element.name}/${element.name}`] = element.registration;
}
// Written by scripts/react.mjs from the manifest before tsup runs.
if (existsSync('src/react/index.ts')) entry['react/index'] = 'src/react/index.ts';

const registrations = new Set(findElements().map((element) => resolve(element.registration)));

// A registration is a side effect, and bundlers keep only the files that `sideEffects` names.
// Left to itself, code splitting would move `X.define('minimeet-x')` into a shared chunk that an
// app's bundler then drops; so an entry that imports another element's registration module
// (minimeet-elements, the React wrappers) imports that entry's file instead, at the same relative
// path, since dist/ mirrors src/.
const registrationsStayInTheirEntries: EsbuildPlugin = {
  name: 'minimeet-registrations-stay-in-their-entries',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
      if (args.kind === 'entry-point' || !registrations.has(target)) return undefined;
      return { path: args.path, external: true };
    });
  },
};

export default defineConfig({
  entry,
  format: ['esm'],
  dts: true,
  sourcemap: true,
  // scripts/build.mjs empties dist/ first, and the browser build writes beside this one.
  clean: false,
  // Shared code lands in chunks, so each class exists once however many entries an app imports.
  splitting: true,
  target: 'es2022',
  platform: 'browser',
  esbuildPlugins: [registrationsStayInTheirEntries],
});
