// ESLint flat config for the whole monorepo.
//
// Module boundaries: Nx's @nx/enforce-module-boundaries plugin has no release for Nx 24, so the
// architecture in DEVELOPERS.md is enforced with ESLint's built-in `no-restricted-imports`, one rule
// set per layer below. Layers must not overlap: ESLint keeps only the last matching options of a rule. The table `layers` is the single source of truth: a layer lists the internal
// packages and external modules its files may NOT import.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const NODE_ONLY_EXTERNAL = [
  '@prisma/client',
  'prisma',
  '@prisma/*',
  'pg',
  'pg-boss',
  '@electric-sql/pglite',
  'pglite-prisma-adapter',
  'onnxruntime-node',
  'fs',
  'node:*',
  'child_process',
  'path',
  'os',
];
const SERVER_LIBS = [
  '@hepatoscope/db',
  '@hepatoscope/services',
  '@hepatoscope/inference',
  '@hepatoscope/imaging-io',
  '@hepatoscope/worker',
  '@hepatoscope/api',
  '@hepatoscope/cli',
  '@hepatoscope/testing',
  '@hepatoscope/config',
];

/** @type {{ name: string, files: string[], ignores?: string[], banned: string[], typeOnly?: string[], message: string }[]} */
const layers = [
  {
    name: 'browser (portal, ui)',
    files: ['apps/portal/**/*.{ts,tsx}', 'libs/ui/src/**/*.{ts,tsx}'],
    ignores: ['**/*.spec.ts', '**/*.spec.tsx', 'apps/portal/next.config.ts'],
    banned: [...SERVER_LIBS, ...NODE_ONLY_EXTERNAL],
    typeOnly: ['@hepatoscope/api-trpc'],
    message: 'browser code must not import Node-only or server code (see DEVELOPERS.md)',
  },
  {
    name: 'pure libraries (radiomics, stats, phantoms, domain, dicomweb)',
    files: ['libs/{radiomics,stats,phantoms,domain,dicomweb}/src/**/*.ts'],
    // test-only helpers may read fixtures from disk
    ignores: ['**/*.spec.ts', '**/bench*.ts', '**/*.bench.ts', '**/testing/**', '**/*.fixture.ts', '**/spec-helpers.ts'],
    banned: [...SERVER_LIBS, ...NODE_ONLY_EXTERNAL, '@hepatoscope/api-trpc', '@hepatoscope/ui', '@hepatoscope/portal'],
    message: 'pure libraries stay free of I/O and server code (see DEVELOPERS.md)',
  },
  {
    name: 'transport (api-trpc) never reaches the database directly',
    files: ['libs/api-trpc/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    banned: ['@hepatoscope/db', '@prisma/client', 'prisma', '@hepatoscope/ui', '@hepatoscope/portal'],
    message: 'tRPC handlers call services; only libs/db talks to Prisma',
  },
  {
    name: 'Node code outside libs/db never imports Prisma, and never imports browser code',
    files: [
      'libs/{services,inference,imaging-io,config}/src/**/*.ts',
      'apps/{api,worker,cli}/src/**/*.ts',
    ],
    ignores: ['**/*.spec.ts'],
    banned: ['@prisma/client', '@prisma/client/*', 'pglite-prisma-adapter', '@prisma/adapter-pg', '@hepatoscope/ui', '@hepatoscope/portal'],
    message: 'libs/db is the only importer of the Prisma client; server code never imports browser code',
  },
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.next/**',
      '**/.nx/**',
      '**/coverage/**',
      '**/generated/**',
      '.hepatoscope/**',
      '**/*.d.ts',
      'apps/portal/public/**',
      'tools/goldens/**/*.py',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: {
        console: 'readonly',
        process: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        performance: 'readonly',
        fetch: 'readonly',
        window: 'readonly',
        document: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        structuredClone: 'readonly',
        queueMicrotask: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/no-require-imports': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['apps/portal/**/*.{ts,tsx}', 'libs/ui/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    // published polynomial/rational coefficients are kept digit for digit as printed in their sources
    files: ['libs/stats/src/distributions.ts'],
    rules: { 'no-loss-of-precision': 'off' },
  },
  {
    files: ['**/*.{js,cjs,mjs}'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  ...layers.map((layer) => ({
    name: `boundaries: ${layer.name}`,
    files: layer.files,
    ignores: layer.ignores ?? [],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: layer.banned, message: layer.message },
            ...(layer.typeOnly ?? []).map((name) => ({
              group: [name],
              allowTypeImports: true,
              message: `${layer.message}: import only types from ${name}`,
            })),
          ],
        },
      ],
    },
  })),
);
