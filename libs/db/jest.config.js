module.exports = { ...require('../../jest.preset.js'), ...require('../testing/jest-pglite.js'), displayName: 'db' };
