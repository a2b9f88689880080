const pglite = require('../../libs/testing/jest-pglite.js');
// PGlite (see libs/testing/jest-pglite.js) and pg-boss 12 + two of its dependencies (ES modules only) are
// compiled to CommonJS by SWC for Jest.
module.exports = {
  ...require('../../jest.preset.js'),
  ...pglite,
  displayName: 'worker',
  transformIgnorePatterns: [
    '/node_modules/(?!(@electric-sql/pglite|pg-boss|serialize-error|rrule-temporal|non-error|temporal-polyfill)/)',
  ],
};
