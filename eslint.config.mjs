// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';

/** Package boundaries: web-components → sdk → protocol; server → protocol. Never the reverse. */
const boundary = (patterns) => ({
  'no-restricted-imports': ['error', { patterns }],
});

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '**/data/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    plugins: { 'import-x': importX },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      // Cycles are ours to find; walking into installed packages finds none and trips on some
      // (a package with a `node/` folder, such as @lit/react, is taken for the `node` resolver).
      'import-x/no-cycle': ['error', { maxDepth: 10, ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // Build and tool configuration files sit outside the packages' TypeScript projects.
    files: ['**/*.config.ts', '**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['packages/protocol/**/*.ts'],
    rules: boundary([
      {
        group: ['@minimeet/*'],
        message: 'protocol is the bottom layer: it imports nothing of ours.',
      },
    ]),
  },
  {
    files: ['packages/host/**/*.ts'],
    ignores: ['packages/host/**/*.test.ts'],
    rules: boundary([
      {
        group: [
          '@minimeet/sdk',
          '@minimeet/web-components',
          '@minimeet/server',
          '@minimeet/server/*',
        ],
        message: 'host is for host-app backends: it depends on protocol only.',
      },
    ]),
  },
  {
    files: ['packages/sdk/**/*.ts'],
    ignores: [
      'packages/sdk/src/signaling/SignalClient.ts',
      'packages/sdk/**/*.test.ts',
      'packages/sdk/src/test/**',
    ],
    rules: boundary([
      {
        group: ['@minimeet/web-components', '@minimeet/server', '@minimeet/server/*'],
        message: 'sdk depends on protocol only.',
      },
      {
        group: ['socket.io-client'],
        message: 'Only signaling/SignalClient.ts talks to socket.io-client.',
      },
    ]),
  },
  {
    files: ['packages/web-components/**/*.ts'],
    // Tests start the real server to drive elements end to end.
    ignores: ['packages/web-components/src/**/*.test.ts', 'packages/web-components/src/test/**'],
    rules: boundary([
      {
        group: ['@minimeet/server', '@minimeet/server/*'],
        message: 'web-components sit on the sdk, never on the server.',
      },
      {
        group: ['socket.io-client'],
        message: 'A component never opens a socket; it talks to SDK objects.',
      },
    ]),
  },
  {
    files: ['examples/demo/src/**/*.ts'],
    rules: boundary([
      {
        group: ['@minimeet/server', '@minimeet/server/*', '@minimeet/host', 'socket.io-client'],
        message: 'The demo is a host app in the browser: it uses the SDK and the elements.',
      },
    ]),
  },
  {
    files: ['packages/dashboard/**/*.ts'],
    // Tests seed a real call over socket.io against the real server.
    ignores: ['packages/dashboard/src/**/*.test.ts'],
    rules: boundary([
      {
        group: ['@minimeet/server', '@minimeet/server/*'],
        message: 'The dashboard reads the REST API; it never imports the server.',
      },
      {
        group: ['socket.io-client'],
        message: 'The dashboard talks HTTP through the SDK and its own API client.',
      },
    ]),
  },
  {
    files: ['packages/server/src/**/*.ts'],
    ignores: [
      'packages/server/src/**/*.repository.ts',
      'packages/server/src/**/*.entity.ts',
      'packages/server/src/database/**',
      'packages/server/src/**/*.test.ts',
      'packages/server/src/test/**',
    ],
    rules: boundary([
      {
        group: ['@minimeet/sdk', '@minimeet/web-components'],
        message: 'The server depends on protocol only.',
      },
      {
        group: ['typeorm', '@nestjs/typeorm', 'better-sqlite3', 'mysql2', 'pg'],
        message: 'Only repositories, entities and database/ touch the storage technology.',
      },
    ]),
  },
  {
    // Controllers and gateways speak to services, never to storage. (Same rule name as the server
    // boundary above, so its patterns are repeated: a later block replaces an earlier one.)
    files: ['packages/server/src/**/*.controller.ts', 'packages/server/src/**/*.gateway.ts'],
    rules: boundary([
      {
        group: ['@minimeet/sdk', '@minimeet/web-components'],
        message: 'The server depends on protocol only.',
      },
      {
        group: ['typeorm', '@nestjs/typeorm', 'better-sqlite3', 'mysql2', 'pg'],
        message: 'Only repositories, entities and database/ touch the storage technology.',
      },
      {
        group: ['**/*.repository.js'],
        message: 'Controllers and gateways call services, not repositories.',
      },
    ]),
  },
  {
    // Configuration is parsed once, in config/; the CLI entry point hands its environment over.
    files: ['packages/*/src/**/*.ts'],
    ignores: [
      'packages/server/src/config/**',
      'packages/server/src/cli.ts',
      '**/*.test.ts',
      'packages/*/src/test/**',
    ],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Only the config module reads process.env.',
        },
      ],
    },
  },
  {
    files: [
      'packages/web-components/src/**/*.ts',
      'packages/sdk/src/**/*.ts',
      'examples/demo/src/**/*.ts',
      'packages/dashboard/src/**/*.ts',
    ],
    ignores: ['**/*.test.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.test.ts', 'bench/**/*.ts', 'bench/**/*.mjs'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
