import { defineConfig, type Options } from 'tsup';
import type { Plugin } from 'esbuild';

// The browser bundle's name for the SFU's module, beside it (the server serves both under /sdk/).
const SFU_BROWSER_MODULE = './minimeet-sdk-sfu.browser.js';

// The browser bundle loads the SFU's code (src/media/sfu.ts) from its own module, built below:
// the dynamic import of it stays an import, and the bundle imports nothing else.
const sfuModuleExternal: Plugin = {
  name: 'sfu-module-external',
  setup(build) {
    build.onResolve({ filter: /^\.\/sfu\.js$/ }, () => ({
      path: SFU_BROWSER_MODULE,
      external: true,
    }));
  },
};

// A minified, self-contained ES module for browsers, written to dist/<name>.js.
function browserModule(name: string, entry: string, esbuildPlugins: Plugin[] = []): Options {
  return {
    entry: { [name]: entry },
    format: ['esm'],
    outExtension: () => ({ js: '.js' }),
    dts: false,
    sourcemap: true,
    clean: false,
    minify: true,
    target: 'es2022',
    platform: 'browser',
    noExternal: [/.*/],
    esbuildPlugins,
  };
}

export default defineConfig([
  // The npm package: ESM and CJS with declarations; dependencies stay external. The ESM build
  // splits the SFU's code (and mediasoup-client, through the app's bundler) into a chunk of its
  // own, loaded by a dynamic import the first time a call runs on the SFU.
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    // Only this build cleans, and it spares the browser modules, so the builds never race.
    clean: ['!minimeet-sdk.browser.*', '!minimeet-sdk-sfu.browser.*'],
    target: 'es2022',
    platform: 'browser',
    external: ['socket.io-client', '@minimeet/protocol'],
  },
  // One self-contained module for a <script type="module">; the server serves it to the demo page.
  browserModule('minimeet-sdk.browser', 'src/index.ts', [sfuModuleExternal]),
  // The SFU's module for the browser bundle: its transport, the topology switch, mediasoup-client.
  browserModule('minimeet-sdk-sfu.browser', 'src/media/sfu.ts'),
]);
