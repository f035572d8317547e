import { defineConfig } from 'tsup';

export default defineConfig([
  // The npm package: ESM and CJS with declarations; dependencies stay external.
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    // Only this build cleans, and it spares the browser bundle, so the two builds never race.
    clean: ['!minimeet-sdk.browser.*'],
    target: 'es2022',
    platform: 'browser',
    external: ['socket.io-client', '@minimeet/protocol'],
  },
  // One self-contained file for a <script type="module">; the server serves it to the demo page.
  {
    entry: { 'minimeet-sdk.browser': 'src/index.ts' },
    format: ['esm'],
    outExtension: () => ({ js: '.js' }),
    dts: false,
    sourcemap: true,
    clean: false,
    minify: true,
    target: 'es2022',
    platform: 'browser',
    noExternal: [/.*/],
  },
]);
