/**
 * Jest settings every project that opens a database in tests must spread into its jest.config.js:
 *
 *   module.exports = { ...require('../../jest.preset.js'), ...require('../../libs/testing/jest-pglite.js'), displayName: 'x' };
 *
 * Why: PGlite's CommonJS build loads Node built-ins with dynamic `import("fs")`, which Jest's VM refuses without
 * `--experimental-vm-modules` ("A dynamic import callback was invoked without --experimental-vm-modules").
 * Running that one package through SWC's CommonJS transform turns those into `require` calls.
 */
const preset = require('../../jest.preset.js');

module.exports = {
  transform: {
    ...preset.transform,
    '[/\\\\]@electric-sql[/\\\\]pglite[/\\\\]dist[/\\\\].+\\.c?js$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs', strict: false, strictMode: false } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!@electric-sql/pglite/)'],
};
