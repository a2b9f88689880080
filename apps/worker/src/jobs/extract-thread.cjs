// Entry of the feature-extraction thread (see extract-thread.ts). Loads the TypeScript sources through tsx, runs
// lesionRows for each request and posts a message before every lesion and one with the result (or the error).
const { parentPort } = require('node:worker_threads');
require('tsx/cjs/api').register();
const rad = require('@hepatoscope/radiomics');
const { lesionRows } = require('./extract-lesions.ts');

parentPort.on('message', (m) => {
  try {
    const it = lesionRows(rad, m.image, m.labelMap, m.lesionOptions, m.settings);
    for (;;) {
      const step = it.next();
      if (step.done) {
        parentPort.postMessage({ id: m.id, type: 'done', result: step.value });
        return;
      }
      parentPort.postMessage({ id: m.id, type: 'lesion', lesion: step.value });
    }
  } catch (e) {
    parentPort.postMessage({ id: m.id, type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
});
