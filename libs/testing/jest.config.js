module.exports = { ...require('../../jest.preset.js'), ...require('./jest-pglite.js'), displayName: 'testing' };
