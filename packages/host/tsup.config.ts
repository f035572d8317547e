import { defineConfig } from 'tsup';

// CommonJS too: host-app backends are often CommonJS Node programs.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
});
