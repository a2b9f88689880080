module.exports = { ...require('../../jest.preset.js'), displayName: 'imaging-io' };
