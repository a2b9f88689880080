module.exports = { ...require('../../jest.preset.js'), ...require('../../libs/testing/jest-pglite.js'), displayName: 'cli' };
