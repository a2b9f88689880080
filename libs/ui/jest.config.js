// d3-array/-scale/-shape (and their d3-*/internmap deps) ship ES modules only (.js and .mjs): let SWC transform
// them to CommonJS like our own sources.
const preset = require('../../jest.preset.js');
const swc = Object.values(preset.transform)[0];
module.exports = {
  ...preset,
  displayName: 'ui',
  transform: { ...preset.transform, '^.+\\.mjs$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(d3-[a-z-]+|internmap)/)'],
};
