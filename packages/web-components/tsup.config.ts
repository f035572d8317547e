import { defineConfig, type Options } from 'tsup';

type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];

/** Where the page serves the SDK's browser bundle; the elements bundle imports it from there. */
const SDK_BROWSER_URL = '/sdk/minimeet-sdk.js';

// The page and the elements must share one SDK (one MinimeetClient class, one set of enums), so
// the browser bundle does not carry its own copy: it imports the one the page loads.
const sdkFromUrl: EsbuildPlugin = {
  name: 'minimeet-sdk-from-url',
  setup(build) {
    build.onResolve({ filter: /^@minimeet\/sdk$/ }, () => ({
      path: SDK_BROWSER_URL,
      external: true,
    }));
  },
};

export default defineConfig([
  // The npm package: classes from the index, registration per element; lit and the SDK stay
  // dependencies.
  {
    entry: ['src/index.ts', 'src/connection-status/connection-status.ts'],
    format: ['esm'],
    dts: true,
    sourcemap: true,
    // Only this build cleans, and it spares the browser bundle, so the two builds never race.
    clean: ['!minimeet-elements.*'],
    target: 'es2022',
    platform: 'browser',
    external: ['lit', '@minimeet/sdk'],
  },
  // One file for a <script type="module">: every element registered, lit inside.
  {
    entry: { 'minimeet-elements': 'src/minimeet-elements.ts' },
    format: ['esm'],
    outExtension: () => ({ js: '.js' }),
    dts: false,
    sourcemap: true,
    clean: false,
    minify: true,
    target: 'es2022',
    platform: 'browser',
    // Bundle everything; the plugin below turns the SDK into an import of its URL instead.
    noExternal: [/.*/],
    esbuildPlugins: [sdkFromUrl],
  },
]);
