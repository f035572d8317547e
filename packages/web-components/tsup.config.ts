import { existsSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { findElements } from './scripts/elements.mjs';

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
});
