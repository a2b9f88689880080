/**
 * Shared Jest preset: every project's jest.config.js spreads it.
 * TypeScript is compiled by SWC to CommonJS; tests live next to the code as *.spec.ts.
 * Integration tests that need PostgreSQL are named *.integration.spec.ts and read DATABASE_URL.
 */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript', tsx: true }, target: 'es2022', transform: { react: { runtime: 'automatic' } } },
        module: { type: 'commonjs' },
      },
    ],
  },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/src/**/*.spec.tsx'],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'json'],
  // generous: PGlite initdb alone takes 7-30 s on a loaded 2-core machine; tests never assert timings
  testTimeout: 180000,
};
